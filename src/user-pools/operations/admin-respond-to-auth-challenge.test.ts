import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord } from '../../storage/records.ts';
import { ALL_FLOWS, createTestClient, createTestPool, createTestUser, getTestUser, srpClient, type TestClient } from '../../../test/support/users.ts';
import adminInitiateAuth from './admin-initiate-auth.ts';
import op from './admin-respond-to-auth-challenge.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const clock = new FixedClock();
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;
let client: TestClient;

before(async () => {
  deps = await makeTestDeps({ clock });
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
    assert.ok(model.operations.AdminRespondToAuthChallenge!.errors!.includes(code), `${code} is not declared by AdminRespondToAuthChallenge`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('NEW_PASSWORD_REQUIRED after ADMIN_USER_PASSWORD_AUTH confirms the user', async () => {
  const base = { UserPoolId: pool.id, ClientId: client.id };
  const first = await adminInitiateAuth.handle(
    { ...base, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'temp', PASSWORD: 'Temp0rary!' } },
    deps,
    ctx,
  );
  const respond = () =>
    op.handle({ ...base, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: first.Session!, ChallengeResponses: { USERNAME: 'temp', NEW_PASSWORD: 'N3w-Passw0rd' } }, deps, ctx);
  clock.advance(3 * 60_000);
  assert.deepEqual(await errorOf(respond()), ['NotAuthorizedException', 'Invalid session for the user, session is expired.']);
  clock.advance(-3 * 60_000);
  const out = await respond();
  assert.ok(out.AuthenticationResult?.AccessToken);
  assert.deepEqual(checkOutput(model, 'AdminRespondToAuthChallenge', out), []);
  assert.equal((await getTestUser(deps, pool, 'temp')).status, 'CONFIRMED');
});

test('PASSWORD_VERIFIER after AdminInitiateAuth USER_SRP_AUTH; the session is bound to the pool', async () => {
  const srp = await srpClient(pool.id);
  const first = await adminInitiateAuth.handle(
    { UserPoolId: pool.id, ClientId: client.id, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'alice', SRP_A: srp.A } },
    deps,
    ctx,
  );
  const responses = await srp.answer(first.ChallengeParameters!, 'Passw0rd!');
  const other = await createTestPool(deps);
  assert.equal(
    (await errorOf(op.handle({ UserPoolId: other.id, ClientId: client.id, ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: responses }, deps, ctx)))[0],
    'ResourceNotFoundException',
  );
  const out = await op.handle({ UserPoolId: pool.id, ClientId: client.id, ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: responses }, deps, ctx);
  assert.ok(out.AuthenticationResult?.IdToken);
});
