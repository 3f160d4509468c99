import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FixedClock } from '../../runtime/clock.ts';
import { checkOutput } from '../../protocol/validate.ts';
import type { PoolRecord } from '../../storage/records.ts';
import { createTestPool, getTestUser, srpClient, type TestClient } from '../../../test/support/users.ts';
import adminInitiateAuth from './admin-initiate-auth.ts';
import op from './admin-respond-to-auth-challenge.ts';
import { ctx, errorOf as errorOfAny, model, signInFixture, type TestDeps } from '../../../test/support/fixtures.ts';

let clock: FixedClock;
let deps: TestDeps;
let pool: PoolRecord;
let client: TestClient;

before(async () => {
  ({ deps, clock, pool, client } = await signInFixture());
});

/** [code, message] of the error, which must be one AdminRespondToAuthChallenge declares. */
const errorOf = (p: Promise<unknown>) => errorOfAny(p, 'AdminRespondToAuthChallenge');

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
