import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord } from '../../storage/records.ts';
import { ALL_FLOWS, createTestClient, createTestPool, createTestUser, getTestUser, type TestUserOptions } from '../../../test/support/users.ts';
import { adminAuthContext, initiateAuth } from '../sign-in/index.ts';
import { verifyCode } from '../domain/codes.ts';
import type { CreateUserPoolRequest } from '../shapes.ts';
import op from './admin-reset-user-password.ts';
import { readOutbox } from '../../runtime/delivery.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
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
    assert.ok(model.operations.AdminResetUserPassword!.errors.includes(code), `${code} is not declared for AdminResetUserPassword`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

const reset = (pool: PoolRecord, Username: string) => op.handle({ UserPoolId: pool.id, Username }, deps, ctx);

const EMAIL = { email: 'alice@example.com', email_verified: 'true' };
const PHONE = { phone_number: '+15555550100', phone_number_verified: 'true' };

async function setup(pool: Partial<CreateUserPoolRequest>, user: TestUserOptions) {
  const p = await createTestPool(deps, pool);
  await createTestUser(deps, p, 'alice', 'Passw0rd!', user);
  return p;
}

/** The 6-digit code in the newest message to `to`. */
async function codeSentTo(to: string): Promise<string> {
  const [m] = await readOutbox(deps, to, 1);
  assert.ok(m, `a message to ${to}`);
  return /\d{6}/.exec(m.body)![0];
}

test('RESET_REQUIRED, a 1-hour forgot-password code by the verification message; sign-in then PasswordResetRequiredException', async () => {
  const pool = await setup({}, { attributes: EMAIL });
  const client = await createTestClient(deps, pool.id, { ExplicitAuthFlows: ALL_FLOWS });
  const out = await reset(pool, 'alice');
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'AdminResetUserPassword', out), []);
  assert.equal((await getTestUser(deps, pool, 'alice')).status, 'RESET_REQUIRED');
  const [m] = await readOutbox(deps, 'alice@example.com', 1);
  assert.equal(m!.subject, 'Your verification code');
  assert.match(m!.body, /^Your verification code is \d{6}\. $/);
  const record = await deps.store.codes.get(pool.id, 'alice', 'forgot');
  assert.equal(record!.expiresAt, clock.now() + 3_600_000);
  await verifyCode(deps, { poolId: pool.id, username: 'alice', purpose: 'forgot', code: await codeSentTo('alice@example.com') });

  const authCtx = await adminAuthContext(deps, pool.id, client.id);
  await assert.rejects(
    initiateAuth(deps, authCtx, { AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD: 'Passw0rd!' } }),
    { name: 'PasswordResetRequiredException', message: 'Password reset required for the user' },
  );
  // Again: a new code replaces the first.
  await reset(pool, 'alice');
  assert.equal((await readOutbox(deps, 'alice@example.com', 10)).length, 2);
});

test('the channel: SMS before email without AccountRecoverySetting; the setting decides otherwise; only verified contacts', async () => {
  const legacy = await setup({}, { attributes: { ...EMAIL, ...PHONE, email: 'legacy@example.com' } });
  await reset(legacy, 'alice');
  assert.match((await readOutbox(deps, '+15555550100', 1))[0]!.body, /^Your verification code is \d{6}\. $/);
  assert.equal((await readOutbox(deps, 'legacy@example.com', 5)).length, 0);

  const emailFirst = await setup(
    { AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_phone_number', Priority: 2 }, { Name: 'verified_email', Priority: 1 }] } },
    { attributes: { ...EMAIL, ...PHONE, email: 'first@example.com' } },
  );
  await reset(emailFirst, 'alice');
  assert.equal((await readOutbox(deps, 'first@example.com', 5)).length, 1);

  // SMS MFA disqualifies the phone when the setting is given.
  const mfa = await setup(
    { AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_phone_number', Priority: 1 }, { Name: 'verified_email', Priority: 2 }] } },
    { attributes: { ...EMAIL, ...PHONE, email: 'mfa@example.com' }, mfa: { UserMFASettingList: ['SMS_MFA'] } },
  );
  await reset(mfa, 'alice');
  assert.equal((await readOutbox(deps, 'mfa@example.com', 5)).length, 1);

  const unverified = await setup({}, { attributes: { email: 'u@example.com', phone_number: '+15555550199' } });
  assert.deepEqual(await errorOf(reset(unverified, 'alice')), [
    'InvalidParameterException',
    'Cannot reset password for the user as there is no registered/verified email or phone_number',
  ]);
  assert.equal((await getTestUser(deps, unverified, 'alice')).status, 'CONFIRMED', 'nothing changed');

  const adminOnly = await setup({ AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] } }, { attributes: EMAIL });
  assert.equal((await errorOf(reset(adminOnly, 'alice')))[0], 'InvalidParameterException');
});

test('users who cannot be reset: disabled, awaiting their first password; unknown users and pools', async () => {
  const disabled = await setup({}, { attributes: EMAIL, enabled: false });
  assert.deepEqual(await errorOf(reset(disabled, 'alice')), ['NotAuthorizedException', 'User is disabled.']);
  const invited = await setup({}, { attributes: EMAIL, status: 'FORCE_CHANGE_PASSWORD' });
  assert.deepEqual(await errorOf(reset(invited, 'alice')), ['NotAuthorizedException', 'User password cannot be reset in the current state.']);
  assert.deepEqual(await errorOf(reset(invited, 'nobody')), ['UserNotFoundException', 'User does not exist.']);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_nosuchpool', Username: 'x' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_nosuchpool does not exist.',
  ]);
});

test('a failed delivery still leaves the reset in place (no delivery error is declared) and is logged', async () => {
  const failing = await makeTestDeps({ clock, delivery: { send: async () => ({ delivered: false, error: 'smtp down' }) } });
  const pool = await createTestPool(failing);
  await createTestUser(failing, pool, 'bob', 'Passw0rd!', { attributes: { email: 'bob@example.com', email_verified: 'true' } });
  await op.handle({ UserPoolId: pool.id, Username: 'bob' }, failing, ctx);
  assert.equal((await getTestUser(failing, pool, 'bob')).status, 'RESET_REQUIRED');
  assert.ok(failing.logger.entries.some((e) => e.msg === 'password reset code not delivered'));
});
