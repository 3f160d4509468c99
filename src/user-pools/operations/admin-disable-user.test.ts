import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord } from '../../storage/records.ts';
import { issueTokens } from '../sign-in/issue-tokens.ts';
import { refreshSession } from '../sign-in/refresh.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { ALL_FLOWS, createTestClient, createTestPool, createTestUser, getTestUser, type TestClient } from '../../../test/support/users.ts';
import { adminAuthContext, initiateAuth } from '../sign-in/index.ts';
import op from './admin-disable-user.ts';
import enable from './admin-enable-user.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;
let client: TestClient;

before(async () => {
  deps = await makeTestDeps({ clock: new FixedClock() });
  pool = await createTestPool(deps, { AliasAttributes: ['email'] });
  client = await createTestClient(deps, pool.id, { ExplicitAuthFlows: ALL_FLOWS });
});

async function errorOf(p: Promise<unknown>, operation = 'AdminDisableUser'): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations[operation]!.errors.includes(code), `${code} is not declared for ${operation}`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

const signIn = async (USERNAME: string) =>
  initiateAuth(deps, await adminAuthContext(deps, pool.id, client.id), {
    AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME, PASSWORD: 'Passw0rd!' },
  });

test('disabled: sign-in refused with "User is disabled.", access and refresh tokens refused; enabled again: sign-in works', async () => {
  const user = await createTestUser(deps, pool, 'alice', 'Passw0rd!', { attributes: { email: 'alice@example.com', email_verified: 'true' } });
  const tokens = await issueTokens(deps, { pool, client: client.record, user });
  const out = await op.handle({ UserPoolId: pool.id, Username: 'alice@example.com' }, deps, ctx);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'AdminDisableUser', out), []);
  assert.equal((await getTestUser(deps, pool, 'alice')).enabled, false);
  await assert.rejects(signIn('alice'), { name: 'NotAuthorizedException', message: 'User is disabled.' });
  await assert.rejects(authenticateAccessToken(deps, tokens.AccessToken!), { name: 'NotAuthorizedException' });
  await assert.rejects(refreshSession(deps, client.record, tokens.RefreshToken!), { name: 'NotAuthorizedException' });
  // Disabling twice is fine.
  await op.handle({ UserPoolId: pool.id, Username: 'alice' }, deps, ctx);

  const enabled = await enable.handle({ UserPoolId: pool.id, Username: 'alice' }, deps, ctx);
  assert.deepEqual(checkOutput(model, 'AdminEnableUser', enabled), []);
  assert.equal((await getTestUser(deps, pool, 'alice')).enabled, true);
  assert.ok((await signIn('alice')).AuthenticationResult?.AccessToken);
  // The tokens from before the disabling stay revoked ("revokes all access tokens for the user").
  await assert.rejects(authenticateAccessToken(deps, tokens.AccessToken!), { message: 'Access Token has been revoked' });
  // Enabling an enabled user is fine.
  await enable.handle({ UserPoolId: pool.id, Username: 'alice' }, deps, ctx);
});

test('a disabled user whose sessions outlived the revocation (e.g. disabled in the store) is still refused', async () => {
  const user = await createTestUser(deps, pool, 'bob', 'Passw0rd!');
  const tokens = await issueTokens(deps, { pool, client: client.record, user });
  await deps.store.users.update({ ...user, enabled: false, version: user.version + 1 });
  await assert.rejects(authenticateAccessToken(deps, tokens.AccessToken!), { message: 'User is disabled.' });
  await assert.rejects(refreshSession(deps, client.record, tokens.RefreshToken!), { message: 'User is disabled.' });
});

test('unknown users and pools', async () => {
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'nobody' }, deps, ctx)), ['UserNotFoundException', 'User does not exist.']);
  assert.deepEqual(await errorOf(enable.handle({ UserPoolId: pool.id, Username: 'nobody' }, deps, ctx), 'AdminEnableUser'), [
    'UserNotFoundException',
    'User does not exist.',
  ]);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_nosuchpool', Username: 'x' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_nosuchpool does not exist.',
  ]);
});
