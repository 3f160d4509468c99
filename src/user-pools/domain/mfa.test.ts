// A user's MFA settings and TOTP codes over real in-memory SQLite on a fixed clock: preferences, legacy MFAOptions,
// the factors a sign-in may ask, TOTP skew and replay; and the MFA operations' refusals (declared by the model).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import { ctx, errorOf, fixedClockDeps, type TestDeps } from '../../../test/support/fixtures.ts';
import { createTestPool, createTestUser } from '../../../test/support/users.ts';
import type { FixedClock } from '../../runtime/clock.ts';
import {
  applyMfaPreference,
  applyUserSettings,
  associateTotp,
  MSG_TOTP_NOT_VERIFIED,
  totpStep,
  usableFactors,
  userMfa,
  withoutTotp,
  type UserMfa,
} from './mfa.ts';
import adminSetUserMFAPreference from '../operations/admin-set-user-mfa-preference.ts';
import associateSoftwareToken from '../operations/associate-software-token.ts';
import verifySoftwareToken from '../operations/verify-software-token.ts';
import setUserPoolMfaConfig from '../operations/set-user-pool-mfa-config.ts';

let deps: TestDeps;
let clock: FixedClock;
let pool: PoolRecord;

before(async () => {
  ({ deps, clock } = await fixedClockDeps());
  pool = await createTestPool(deps);
  await setUserPoolMfaConfig.handle(
    {
      UserPoolId: pool.id,
      MfaConfiguration: 'OPTIONAL',
      SoftwareTokenMfaConfiguration: { Enabled: true },
      SmsMfaConfiguration: { SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::123456789012:role/sns' } },
    },
    deps,
    ctx,
  );
  pool = (await deps.store.pools.get(pool.id))!;
});

const withMfa = (u: UserRecord, mfa: UserMfa): UserRecord => ({ ...u, mfa: { ...mfa } });
const code = (secret: string, at: number) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: at });

test('SetUserMFAPreference: SMS needs a phone number, TOTP a verified authenticator; one preferred factor', async () => {
  const u = await createTestUser(deps, pool, 'pref', null, { attributes: { phone_number: '+15555550100' } });
  assert.throws(() => applyMfaPreference(u, { SoftwareTokenMfaSettings: { Enabled: true } }), { message: MSG_TOTP_NOT_VERIFIED });
  assert.throws(() => applyMfaPreference(u, { EmailMfaSettings: { Enabled: true } }), { message: 'User does not have delivery config set to turn on EMAIL_OTP' });
  const sms = applyMfaPreference(u, { SMSMfaSettings: { Enabled: true, PreferredMfa: true } });
  assert.deepEqual(sms, { UserMFASettingList: ['SMS_MFA'], PreferredMfaSetting: 'SMS_MFA' });
  const { mfa } = associateTotp(deps, {});
  const verified = withMfa(u, { ...sms, totp: { ...mfa.totpPending!, verified: true } });
  const both = applyMfaPreference(verified, { SoftwareTokenMfaSettings: { Enabled: true } });
  assert.deepEqual([both.UserMFASettingList, both.PreferredMfaSetting], [['SMS_MFA', 'SOFTWARE_TOKEN_MFA'], 'SMS_MFA']);
  // A new association leaves the verified authenticator and TOTP as a factor until the new one is verified.
  const reassociated = withMfa(verified, associateTotp(deps, userMfa(withMfa(u, both))).mfa);
  assert.deepEqual(userMfa(reassociated).totp, userMfa(verified).totp);
  assert.ok(userMfa(reassociated).totpPending);
  assert.deepEqual(usableFactors(pool, { ...reassociated, mfa: { ...userMfa(reassociated), UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] } }), ['SOFTWARE_TOKEN_MFA']);
  assert.throws(() => applyMfaPreference(verified, { SMSMfaSettings: { Enabled: true, PreferredMfa: true }, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
  // Turning the preferred factor off drops the preference too.
  const off = applyMfaPreference(withMfa(u, both), { SMSMfaSettings: { Enabled: false } });
  assert.deepEqual([off.UserMFASettingList, off.PreferredMfaSetting], [['SOFTWARE_TOKEN_MFA'], undefined]);
});

test('usableFactors: only factors the pool offers and the user can receive', async () => {
  const u = await createTestUser(deps, pool, 'usable', null, { attributes: { email: 'u@example.com' }, mfa: { UserMFASettingList: ['EMAIL_OTP', 'SMS_MFA'] } });
  // The pool offers no email factor, and the user has no phone number.
  assert.deepEqual(usableFactors(pool, u), []);
  assert.deepEqual(usableFactors(pool, { ...u, attributes: { ...u.attributes, phone_number: '+15555550101' } }), ['SMS_MFA']);
});

test('SetUserSettings (legacy): SMS to phone_number only; [] turns SMS MFA off', async () => {
  const u = await createTestUser(deps, pool, 'legacy', null, { attributes: { phone_number: '+15555550102' } });
  assert.throws(() => applyUserSettings(u, [{ DeliveryMedium: 'EMAIL', AttributeName: 'email' }]), { name: 'InvalidParameterException' });
  const on = applyUserSettings(u, [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }]);
  assert.deepEqual(on, { UserMFASettingList: ['SMS_MFA'], MFAOptions: [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }] });
  assert.deepEqual(applyUserSettings(withMfa(u, on), []), {});
});

test('TOTP: ±1 step of skew, never a step at or before the last accepted one; the seed is sealed', async () => {
  const { mfa, secretCode } = associateTotp(deps, {});
  assert.ok(!JSON.stringify(mfa).includes(secretCode));
  const totp = mfa.totpPending!;
  const now = clock.now();
  const step = Math.floor(now / 30_000);
  assert.equal(totpStep(deps, totp, code(secretCode, now)), step);
  assert.equal(totpStep(deps, totp, code(secretCode, now - 30_000)), step - 1);
  assert.equal(totpStep(deps, totp, code(secretCode, now + 30_000)), step + 1);
  assert.equal(totpStep(deps, totp, code(secretCode, now - 60_000)), null);
  assert.equal(totpStep(deps, { ...totp, lastStep: step }, code(secretCode, now)), null);
  assert.equal(totpStep(deps, { ...totp, lastStep: step }, code(secretCode, now + 30_000)), step + 1);
  assert.equal(totpStep(deps, totp, 'abcdef'), null);
});

test('operations: refusals are errors their model declares', async () => {
  await createTestUser(deps, pool, 'ops', null);
  assert.deepEqual(
    await errorOf(adminSetUserMFAPreference.handle({ UserPoolId: pool.id, Username: 'ops', SoftwareTokenMfaSettings: { Enabled: true } }, deps, ctx), 'AdminSetUserMFAPreference'),
    ['InvalidParameterException', MSG_TOTP_NOT_VERIFIED],
  );
  assert.equal((await errorOf(adminSetUserMFAPreference.handle({ UserPoolId: pool.id, Username: 'nobody' }, deps, ctx), 'AdminSetUserMFAPreference'))[0], 'UserNotFoundException');
  assert.equal((await errorOf(associateSoftwareToken.handle({}, deps, ctx), 'AssociateSoftwareToken'))[0], 'InvalidParameterException');
  assert.deepEqual(await errorOf(associateSoftwareToken.handle({ Session: 'not-a-session-at-all' }, deps, ctx), 'AssociateSoftwareToken'), [
    'NotAuthorizedException',
    'Invalid session for the user, session is expired.',
  ]);
  assert.equal((await errorOf(verifySoftwareToken.handle({ Session: 'x'.repeat(30), UserCode: '123456' }, deps, ctx), 'VerifySoftwareToken'))[0], 'NotAuthorizedException');
  assert.deepEqual(userMfa((await deps.store.users.get(pool.id, 'ops'))!), {});
});

test('withoutTotp (AdminDeleteSoftwareToken): the authenticator, a pending one and TOTP as factor or preference go; other factors stay', () => {
  const totp = { seedSealed: 'x', verified: true };
  const m: UserMfa = { UserMFASettingList: ['SOFTWARE_TOKEN_MFA', 'EMAIL_OTP'], PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA', totp, totpPending: { seedSealed: 'y', verified: false } };
  assert.deepEqual(withoutTotp(m), { UserMFASettingList: ['EMAIL_OTP'] });
  assert.deepEqual(withoutTotp({ UserMFASettingList: ['SMS_MFA'], PreferredMfaSetting: 'SMS_MFA', MFAOptions: [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }] }), {
    UserMFASettingList: ['SMS_MFA'],
    PreferredMfaSetting: 'SMS_MFA',
    MFAOptions: [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }],
  });
  assert.deepEqual(withoutTotp({}), {});
});
