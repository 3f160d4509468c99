import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOutput } from '../../protocol/validate.ts';
import type { PoolRecord } from '../../storage/records.ts';
import { srpClient, type TestClient } from '../../../test/support/users.ts';
import op from './initiate-auth.ts';
import { ctx, errorOf as errorOfAny, model, signInFixture, type TestDeps } from '../../../test/support/fixtures.ts';

let deps: TestDeps;
let pool: PoolRecord;
let client: TestClient;

before(async () => {
  ({ deps, pool, client } = await signInFixture({ temp: false }));
});

/** [code, message] of the error, which must be one InitiateAuth declares. */
const errorOf = (p: Promise<unknown>) => errorOfAny(p, 'InitiateAuth');

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
