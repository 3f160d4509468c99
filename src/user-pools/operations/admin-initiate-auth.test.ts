import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord } from '../../storage/records.ts';
import { ALL_FLOWS, createTestClient, createTestPool, createTestUser, type TestClient } from '../../../test/support/users.ts';
import op from './admin-initiate-auth.ts';

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
  await createTestUser(deps, pool, 'temp', 'Temp0rary!', { status: 'FORCE_CHANGE_PASSWORD' });
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.AdminInitiateAuth!.errors!.includes(code), `${code} is not declared by AdminInitiateAuth`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('ADMIN_USER_PASSWORD_AUTH answers tokens; a temporary password answers NEW_PASSWORD_REQUIRED', async () => {
  const base = { UserPoolId: pool.id, ClientId: client.id, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH' as const };
  const out = await op.handle({ ...base, AuthParameters: { USERNAME: 'alice', PASSWORD: 'Passw0rd!' } }, deps, ctx);
  assert.ok(out.AuthenticationResult?.IdToken);
  assert.deepEqual(out.ChallengeParameters, {});
  assert.deepEqual(checkOutput(model, 'AdminInitiateAuth', out), []);
  const challenge = await op.handle({ ...base, AuthParameters: { USERNAME: 'temp', PASSWORD: 'Temp0rary!' } }, deps, ctx);
  assert.equal(challenge.ChallengeName, 'NEW_PASSWORD_REQUIRED');
  assert.deepEqual(checkOutput(model, 'AdminInitiateAuth', challenge), []);
});

test('the pool must exist and own the client; errors are the model’s', async () => {
  const params = { USERNAME: 'alice', PASSWORD: 'Passw0rd!' };
  assert.deepEqual(
    await errorOf(op.handle({ UserPoolId: 'us-east-1_nope00000', ClientId: client.id, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: params }, deps, ctx)),
    ['ResourceNotFoundException', 'User pool us-east-1_nope00000 does not exist.'],
  );
  const other = await createTestPool(deps);
  assert.deepEqual(
    await errorOf(op.handle({ UserPoolId: other.id, ClientId: client.id, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: params }, deps, ctx)),
    ['ResourceNotFoundException', `User pool client ${client.id} does not exist.`],
  );
  assert.deepEqual(
    await errorOf(op.handle({ UserPoolId: pool.id, ClientId: client.id, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: params }, deps, ctx)),
    ['InvalidParameterException', 'Initiate Auth method not supported.'],
  );
  assert.equal(
    (await errorOf(op.handle({ UserPoolId: pool.id, ClientId: client.id, AuthFlow: 'ADMIN_NO_SRP_AUTH', AuthParameters: { ...params, PASSWORD: 'x' } }, deps, ctx)))[0],
    'NotAuthorizedException',
  );
});
