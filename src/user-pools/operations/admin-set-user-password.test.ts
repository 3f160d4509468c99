import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import { ALL_FLOWS, createTestClient, createTestPool, createTestUser, getTestUser } from '../../../test/support/users.ts';
import { adminAuthContext, initiateAuth } from '../sign-in/index.ts';
import { issueCode } from '../domain/codes.ts';
import { openCredentials } from '../domain/passwords.ts';
import op from './admin-set-user-password.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const DAY = 86_400_000;
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let clock: FixedClock;

before(async () => {
  clock = new FixedClock();
  deps = await makeTestDeps({ clock });
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.AdminSetUserPassword!.errors.includes(code), `${code} is not declared for AdminSetUserPassword`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('Permanent: the user is CONFIRMED with the new password, whatever their status was', async () => {
  const pool = await createTestPool(deps);
  for (const status of ['FORCE_CHANGE_PASSWORD', 'RESET_REQUIRED', 'UNCONFIRMED', 'CONFIRMED'] as const) {
    const name = `u-${status.toLowerCase()}`;
    await createTestUser(deps, pool, name, 'Old-Passw0rd', { status });
    clock.advance(1000);
    const out = await op.handle({ UserPoolId: pool.id, Username: name, Password: 'N3w-Passw0rd', Permanent: true }, deps, ctx);
    assert.deepEqual(out, {});
    assert.deepEqual(checkOutput(model, 'AdminSetUserPassword', out), []);
    const u = await getTestUser(deps, pool, name);
    assert.equal(u.status, 'CONFIRMED', status);
    assert.equal(u.passwordSetAt, clock.now());
    assert.equal(u.updatedAt, clock.now());
    assert.ok(await deps.hashing.verify(openCredentials(deps, u).passwordHash!, 'N3w-Passw0rd'));
  }
});

test('temporary: FORCE_CHANGE_PASSWORD with a fresh expiry; sign-in then asks for a new password, and it expires', async () => {
  const pool = await createTestPool(deps);
  const client = await createTestClient(deps, pool.id, { ExplicitAuthFlows: ALL_FLOWS });
  await createTestUser(deps, pool, 'alice', 'Old-Passw0rd');
  await op.handle({ UserPoolId: pool.id, Username: 'alice', Password: 'Temp0rary!' }, deps, ctx);
  assert.equal((await getTestUser(deps, pool, 'alice')).status, 'FORCE_CHANGE_PASSWORD');
  const authCtx = await adminAuthContext(deps, pool.id, client.id);
  const signIn = () => initiateAuth(deps, authCtx, { AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD: 'Temp0rary!' } });
  assert.equal((await signIn()).ChallengeName, 'NEW_PASSWORD_REQUIRED');
  clock.advance(7 * DAY + 1);
  await assert.rejects(signIn(), { message: 'Temporary password has expired and must be reset by an administrator.' });
  await op.handle({ UserPoolId: pool.id, Username: 'alice', Password: 'Temp0rary!', Permanent: false }, deps, ctx);
  assert.equal((await signIn()).ChallengeName, 'NEW_PASSWORD_REQUIRED');
});

test('the policy and the password history apply', async () => {
  const pool = await createTestPool(deps, {
    Policies: { PasswordPolicy: { MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: false, PasswordHistorySize: 2 } },
  });
  await createTestUser(deps, pool, 'bob', 'Passw0rd1');
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'bob', Password: 'password1' }, deps, ctx)), [
    'InvalidPasswordException',
    'Password did not conform with policy: Password must have uppercase characters',
  ]);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'bob', Password: 'Passw0rd1', Permanent: true }, deps, ctx)), [
    'PasswordHistoryPolicyViolationException',
    'The password can not be a previously used password.',
  ]);
  await op.handle({ UserPoolId: pool.id, Username: 'bob', Password: 'Passw0rd2', Permanent: true }, deps, ctx);
  assert.deepEqual((await errorOf(op.handle({ UserPoolId: pool.id, Username: 'bob', Password: 'Passw0rd1', Permanent: true }, deps, ctx)))[0], 'PasswordHistoryPolicyViolationException');
});

test('a pending reset code goes; unknown users and pools', async () => {
  const pool = await createTestPool(deps);
  await createTestUser(deps, pool, 'carol', 'Passw0rd!', { status: 'RESET_REQUIRED' });
  await issueCode(deps, { poolId: pool.id, username: 'carol', purpose: 'forgot', ttlMs: 3_600_000 });
  await op.handle({ UserPoolId: pool.id, Username: 'carol', Password: 'N3w-Passw0rd', Permanent: true }, deps, ctx);
  assert.equal(await deps.store.codes.get(pool.id, 'carol', 'forgot'), null);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'nobody', Password: 'N3w-Passw0rd' }, deps, ctx)), [
    'UserNotFoundException',
    'User does not exist.',
  ]);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_nosuchpool', Username: 'x', Password: 'N3w-Passw0rd' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_nosuchpool does not exist.',
  ]);
});
