import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOutput } from '../../protocol/validate.ts';
import type { PoolRecord } from '../../storage/records.ts';
import { srpClient, type TestClient } from '../../../test/support/users.ts';
import initiateAuth from './initiate-auth.ts';
import op from './respond-to-auth-challenge.ts';
import { ctx, errorOf as errorOfAny, model, signInFixture, type TestDeps } from '../../../test/support/fixtures.ts';

let deps: TestDeps;
let pool: PoolRecord;
let client: TestClient;

before(async () => {
  ({ deps, pool, client } = await signInFixture());
});

/** [code, message] of the error, which must be one RespondToAuthChallenge declares. */
const errorOf = (p: Promise<unknown>) => errorOfAny(p, 'RespondToAuthChallenge');

test('PASSWORD_VERIFIER with the real client’s proof answers tokens', async () => {
  const srp = await srpClient(pool.id);
  const first = await initiateAuth.handle({ AuthFlow: 'USER_SRP_AUTH', ClientId: client.id, AuthParameters: { USERNAME: 'alice', SRP_A: srp.A } }, deps, ctx);
  const out = await op.handle(
    { ClientId: client.id, ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: await srp.answer(first.ChallengeParameters!, 'Passw0rd!') },
    deps,
    ctx,
  );
  assert.ok(out.AuthenticationResult?.AccessToken);
  assert.deepEqual(checkOutput(model, 'RespondToAuthChallenge', out), []);
});

test('NEW_PASSWORD_REQUIRED, and errors are the model’s', async () => {
  const first = await initiateAuth.handle(
    { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: client.id, AuthParameters: { USERNAME: 'temp', PASSWORD: 'Temp0rary!' } },
    deps,
    ctx,
  );
  const respond = (NEW_PASSWORD: string, Session = first.Session!) =>
    op.handle({ ClientId: client.id, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session, ChallengeResponses: { USERNAME: 'temp', NEW_PASSWORD } }, deps, ctx);
  assert.equal((await errorOf(respond('weak')))[0], 'InvalidPasswordException');
  assert.deepEqual(await errorOf(respond('N3w-Passw0rd', 'not-a-session-but-long-enough')), ['NotAuthorizedException', 'Invalid session for the user.']);
  const out = await respond('N3w-Passw0rd');
  assert.ok(out.AuthenticationResult?.RefreshToken);
  assert.deepEqual(checkOutput(model, 'RespondToAuthChallenge', out), []);
  assert.equal((await errorOf(op.handle({ ClientId: 'nosuchclient0000000000000a', ChallengeName: 'PASSWORD_VERIFIER' }, deps, ctx)))[0], 'ResourceNotFoundException');
  assert.equal((await errorOf(op.handle({ ClientId: client.id, ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: {} }, deps, ctx)))[0], 'InvalidParameterException');
});
