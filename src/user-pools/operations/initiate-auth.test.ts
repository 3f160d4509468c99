import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord } from '../../storage/records.ts';
import { ALL_FLOWS, createTestClient, createTestPool, createTestUser, srpClient, type TestClient } from '../../../test/support/users.ts';
import op from './initiate-auth.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;
let client: TestClient;

before(async () => {
  deps = await makeTestDeps({ clock: new FixedClock() });
  pool = await createTestPool(deps);
  client = await createTestClient(deps, pool.id, { ExplicitAuthFlows: ALL_FLOWS });
  await createTestUser(deps, pool, 'alice', 'Passw0rd!');
});

/** [code, message] of the error, which must be one InitiateAuth declares. */
async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.InitiateAuth!.errors!.includes(code), `${code} is not declared by InitiateAuth`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('USER_PASSWORD_AUTH answers tokens in the model’s shape', async () => {
  const out = await op.handle({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: client.id, AuthParameters: { USERNAME: 'alice', PASSWORD: 'Passw0rd!' } }, deps, ctx);
  assert.deepEqual(Object.keys(out), ['ChallengeParameters', 'AuthenticationResult']);
  assert.deepEqual(Object.keys(out.AuthenticationResult!), ['AccessToken', 'ExpiresIn', 'TokenType', 'RefreshToken', 'IdToken']);
  assert.deepEqual(checkOutput(model, 'InitiateAuth', out), []);
});

test('USER_SRP_AUTH answers the PASSWORD_VERIFIER challenge', async () => {
  const srp = await srpClient(pool.id);
  const out = await op.handle({ AuthFlow: 'USER_SRP_AUTH', ClientId: client.id, AuthParameters: { USERNAME: 'alice', SRP_A: srp.A } }, deps, ctx);
  assert.equal(out.ChallengeName, 'PASSWORD_VERIFIER');
  assert.deepEqual(checkOutput(model, 'InitiateAuth', out), []);
});

test('errors are the model’s', async () => {
  const call = (AuthFlow: string, AuthParameters: Record<string, string>, ClientId = client.id) =>
    errorOf(op.handle({ AuthFlow: AuthFlow as 'USER_PASSWORD_AUTH', ClientId, AuthParameters }, deps, ctx));
  assert.deepEqual(await call('USER_PASSWORD_AUTH', { USERNAME: 'alice', PASSWORD: 'x' }, 'nosuchclient0000000000000a'), [
    'ResourceNotFoundException',
    'User pool client nosuchclient0000000000000a does not exist.',
  ]);
  assert.equal((await call('USER_PASSWORD_AUTH', { USERNAME: 'alice', PASSWORD: 'x' }))[0], 'NotAuthorizedException');
  assert.equal((await call('USER_PASSWORD_AUTH', { USERNAME: 'nobody', PASSWORD: 'x' }))[0], 'UserNotFoundException');
  assert.equal((await call('ADMIN_NO_SRP_AUTH', { USERNAME: 'alice', PASSWORD: 'x' }))[0], 'InvalidParameterException');
  assert.equal((await call('USER_AUTH', { USERNAME: 'alice' }))[0], 'InvalidParameterException');
  assert.equal((await call('REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: 'garbage' }))[0], 'NotAuthorizedException');
});
