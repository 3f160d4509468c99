import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOutput } from '../../protocol/validate.ts';
import type { PoolRecord } from '../../storage/records.ts';
import { createTestPool, type TestClient } from '../../../test/support/users.ts';
import op from './admin-initiate-auth.ts';
import { ctx, errorOf as errorOfAny, model, signInFixture, type TestDeps } from '../../../test/support/fixtures.ts';

let deps: TestDeps;
let pool: PoolRecord;
let client: TestClient;

before(async () => {
  ({ deps, pool, client } = await signInFixture());
});

/** [code, message] of the error, which must be one AdminInitiateAuth declares. */
const errorOf = (p: Promise<unknown>) => errorOfAny(p, 'AdminInitiateAuth');

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
