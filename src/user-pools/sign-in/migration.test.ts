// User migration on sign-in and on ForgotPassword, with an injected trigger runner: racing first sign-ins make one
// user, and an answer Cognate cannot store fails the migration in a declared error and stores nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TriggerRunner } from '../../runtime/triggers.ts';
import { errorOf, fixedClockDeps, type TestDeps } from '../../../test/support/fixtures.ts';
import { createTestClient, createTestPool, createTestUser } from '../../../test/support/users.ts';
import type { CreateUserPoolRequest } from '../shapes.ts';
import forgotPassword from '../operations/forgot-password.ts';
import initiateAuth from '../operations/initiate-auth.ts';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:migrate';
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const PASSWORD = 'Legacy-Passw0rd';

/** A migration function answering `attributes` (or throwing for names it does not know), counting its calls. */
function migration(attributes: (name: string) => Record<string, string> | null, more: Record<string, unknown> = {}): TriggerRunner & { calls: number } {
  const r = {
    calls: 0,
    async invoke(_arn: string, event: any) {
      r.calls++;
      // The answer comes a little later, as a real function's would: racing sign-ins overlap.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const attrs = attributes(event.userName);
      if (!attrs) throw Object.assign(new Error('Bad password'), { kind: 'function' });
      return { ...event, response: { ...event.response, userAttributes: attrs, finalUserStatus: 'CONFIRMED', ...more } };
    },
  };
  return r;
}

async function setUp(runner: TriggerRunner, pool: Partial<CreateUserPoolRequest> = {}, hide = false) {
  const { deps } = await fixedClockDeps();
  (deps as { triggers: TriggerRunner }).triggers = runner;
  const p = await createTestPool(deps, { LambdaConfig: { UserMigration: ARN }, ...pool });
  const c = await createTestClient(deps, p.id, { ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'], ...(hide ? { PreventUserExistenceErrors: 'ENABLED' } : {}) });
  const signIn = (name: string, password = PASSWORD) =>
    initiateAuth.handle({ ClientId: c.id, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: name, PASSWORD: password } }, deps, ctx);
  return { deps, pool: p, clientId: c.id, signIn };
}

const usersWith = async (deps: TestDeps, poolId: string, attr: string, value: string) => deps.store.users.findByAttribute(poolId, attr, value, true);

test('racing first sign-ins of one email-as-username make one user, and every one of them signs in', async () => {
  const { deps, pool, signIn } = await setUp(migration((name) => ({ email: name, email_verified: 'true' })), { UsernameAttributes: ['email'] });
  const results = await Promise.all(Array.from({ length: 5 }, () => signIn('race@example.com')));
  assert.ok(results.every((r) => r.AuthenticationResult?.AccessToken));
  assert.equal((await usersWith(deps, pool.id, 'email', 'race@example.com')).length, 1);
  assert.ok((await signIn('race@example.com')).AuthenticationResult?.AccessToken);
});

test('racing first sign-ins of one username in a plain pool all sign in', async () => {
  const { deps, pool, signIn } = await setUp(migration(() => ({ email: 'plain@example.com' })));
  const results = await Promise.all(Array.from({ length: 4 }, () => signIn('plain-user')));
  assert.ok(results.every((r) => r.AuthenticationResult?.AccessToken));
  assert.equal(await deps.store.users.count(pool.id), 1);
});

test('an answer giving another user\'s sign-in value fails the migration and stores nothing', async () => {
  const runner = migration((name) => ({ email: name, phone_number: '+15550001111' }));
  const { deps, pool, clientId, signIn } = await setUp(runner, { UsernameAttributes: ['email', 'phone_number'] });
  await createTestUser(deps, pool, '00000000-0000-4000-8000-0000000000aa', 'Victim-Passw0rd', { attributes: { phone_number: '+15550001111', phone_number_verified: 'true' } });
  assert.deepEqual(await errorOf(signIn('mallory@example.com'), 'InitiateAuth'), ['UserNotFoundException', `Exception migrating user in app client ${clientId}`]);
  assert.equal((await usersWith(deps, pool.id, 'phone_number', '+15550001111')).length, 1);
  assert.equal(await deps.store.users.count(pool.id), 1);
});

test('an answer off the schema fails as a declared error: UserNotFoundException, or a wrong password\'s answer when users are hidden', async () => {
  const bad = () => ({ 'custom:nope': 'x' });
  const legacy = await setUp(migration(bad));
  assert.deepEqual(await errorOf(legacy.signIn('odd'), 'InitiateAuth'), ['UserNotFoundException', `Exception migrating user in app client ${legacy.clientId}`]);
  assert.equal(await legacy.deps.store.users.count(legacy.pool.id), 0);
  const hidden = await setUp(migration(bad), {}, true);
  assert.deepEqual(await errorOf(hidden.signIn('odd'), 'InitiateAuth'), ['NotAuthorizedException', 'Incorrect username or password.']);
});

test('without ForceAliasCreation a taken verified email fails the migration; the holder keeps it', async () => {
  const { deps, pool, signIn } = await setUp(migration(() => ({ email: 'taken@example.com', email_verified: 'true' })), { AliasAttributes: ['email'] });
  await createTestUser(deps, pool, 'holder', 'Holder-Passw0rd', { attributes: { email: 'taken@example.com', email_verified: 'true' } });
  assert.equal((await errorOf(signIn('newcomer'), 'InitiateAuth'))[0], 'UserNotFoundException');
  assert.equal(await deps.store.users.count(pool.id), 1);
  assert.equal((await usersWith(deps, pool.id, 'email', 'taken@example.com'))[0]!.attributes.email_verified, 'true');
});

test('ForgotPassword: a migrated user without a verified contact is not created', async () => {
  const { deps, pool, clientId } = await setUp(migration(() => ({ given_name: 'No Contact' })));
  const r = forgotPassword.handle({ ClientId: clientId, Username: 'nocontact' }, deps, ctx);
  assert.equal((await errorOf(r, 'ForgotPassword'))[0], 'InvalidParameterException');
  assert.equal(await deps.store.users.count(pool.id), 0);
});
