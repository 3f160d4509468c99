// Amplify JS v6 (aws-amplify), unmodified, signing in to pools with MFA: TOTP enrolment at first sign-in
// (CONTINUE_SIGN_IN_WITH_TOTP_SETUP), then CONFIRM_SIGN_IN_WITH_TOTP_CODE; email codes (CONFIRM_SIGN_IN_WITH_EMAIL_CODE)
// read from the outbox; a device remembered with rememberDevice() signing in again by device SRP, without TOTP. Real
// TOTP codes from otpauth; the server's clock is moved a step between codes. Runs on PostgreSQL too when
// COGNATE_TEST_DATABASE_URL is set.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchAuthSession, fetchDevices, rememberDevice, signIn, signOut } from 'aws-amplify/auth';
import {
  AdminGetDeviceCommand,
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type CreateUserPoolCommandInput,
  SetUserPoolMfaConfigCommand,
  type SetUserPoolMfaConfigCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { FixedClock } from '../../src/runtime/clock.ts';
import type { TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { codeSentTo, createConfirmedUser, nextTotpStep, totpCode as totpCodeAt } from '../support/mfa.ts';

const PW = 'Passw0rd!';
const clock = new FixedClock(Date.now());
let s: TestServer;

before(async () => {
  s = await startServerOnStoreUnderTest(clock, 'amplify_mfa', 2, { dev: true });
});
after(async () => {
  await signOut().catch(() => {});
  await s.close();
});
testOnPostgres(() => s);

const totpCode = (secret: string) => totpCodeAt(secret, clock.now());
const nextStep = () => nextTotpStep(clock);

/** A pool with `mfa`, an app client for Amplify (configured as the current one) and a user with a permanent password. */
async function poolWithUser(
  name: string,
  mfa: Omit<SetUserPoolMfaConfigCommandInput, 'UserPoolId'>,
  Username: string,
  attributes: Record<string, string> = {},
  pool: Partial<CreateUserPoolCommandInput> = {},
) {
  const UserPoolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: name, ...pool }))).UserPool!.Id!;
  await s.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId, ...mfa }));
  const clientId = (
    await s.idp.send(
      new CreateUserPoolClientCommand({ UserPoolId, ClientName: 'amplify', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
    )
  ).UserPoolClient!.ClientId!;
  await createConfirmedUser(s.idp, UserPoolId, Username, PW, attributes);
  Amplify.configure({ Auth: { Cognito: { userPoolId: UserPoolId, userPoolClientId: clientId, userPoolEndpoint: s.url } } });
  return UserPoolId;
}

test('MFA ON: CONTINUE_SIGN_IN_WITH_TOTP_SETUP → confirmSignIn(code) → DONE; then CONFIRM_SIGN_IN_WITH_TOTP_CODE', async () => {
  const UserPoolId = await poolWithUser('amplify-totp', { MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } }, 'tess');
  const first = await signIn({ username: 'tess', password: PW });
  assert.equal(first.isSignedIn, false);
  assert.equal(first.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP');
  if (first.nextStep.signInStep !== 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP') return;
  const secret = first.nextStep.totpSetupDetails.sharedSecret;
  assert.match(first.nextStep.totpSetupDetails.getSetupUri('Cognate').toString(), /^otpauth:\/\/totp\/Cognate:tess\?secret=[A-Z2-7]+/);
  const done = await confirmSignIn({ challengeResponse: totpCode(secret) });
  assert.equal(done.isSignedIn, true);
  assert.equal(done.nextStep.signInStep, 'DONE');
  assert.deepEqual((await s.idp.send(new AdminGetUserCommand({ UserPoolId, Username: 'tess' }))).UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  await signOut();

  nextStep();
  const again = await signIn({ username: 'tess', password: PW });
  assert.equal(again.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
  await assert.rejects(confirmSignIn({ challengeResponse: '000000' }), (e: Error) => e.name === 'CodeMismatchException');
  const ok = await confirmSignIn({ challengeResponse: totpCode(secret) });
  assert.equal(ok.nextStep.signInStep, 'DONE');
  await signOut();
});

test('MFA OPTIONAL with email: CONFIRM_SIGN_IN_WITH_EMAIL_CODE, the code read from the outbox', async () => {
  const UserPoolId = await poolWithUser(
    'amplify-email',
    { MfaConfiguration: 'OPTIONAL', EmailMfaConfiguration: { Message: 'Code {####}', Subject: 'Your code' } },
    'emma',
    { email: 'emma@example.com' },
  );
  // Without a factor turned on, no MFA.
  assert.equal((await signIn({ username: 'emma', password: PW })).nextStep.signInStep, 'DONE');
  await signOut();
  await s.idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId, Username: 'emma', EmailMfaSettings: { Enabled: true, PreferredMfa: true } }));
  const out = await signIn({ username: 'emma', password: PW });
  assert.equal(out.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
  if (out.nextStep.signInStep !== 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE') return;
  assert.equal(out.nextStep.codeDeliveryDetails?.destination, 'e***@e***.com');
  const ok = await confirmSignIn({ challengeResponse: (await codeSentTo(s.url, 'emma@example.com')).code });
  assert.equal(ok.nextStep.signInStep, 'DONE');
  await signOut();
});

test('a remembered device (ChallengeRequiredOnNewDevice): TOTP once, rememberDevice(), then signIn is DONE by device SRP, no TOTP', async () => {
  const UserPoolId = await poolWithUser('amplify-devices', { MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } }, 'rhea', {}, {
    DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true },
  });
  // Amplify names the device it confirms after navigator.userAgent (a browser's); Node 20 has no navigator, and
  // Amplify then skips ConfirmDevice silently.
  (globalThis as { navigator?: unknown }).navigator ??= { userAgent: 'Node.js' };
  const first = await signIn({ username: 'rhea', password: PW });
  assert.equal(first.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP');
  if (first.nextStep.signInStep !== 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP') return;
  const secret = first.nextStep.totpSetupDetails.sharedSecret;
  assert.equal((await confirmSignIn({ challengeResponse: totpCode(secret) })).nextStep.signInStep, 'DONE');
  await signOut();

  // Amplify confirmed the device the first sign-in handed out (ConfirmDevice); the pool asks the user, so it is not
  // remembered: the next sign-in names it, answers TOTP, then proves the device (DEVICE_SRP_AUTH).
  nextStep();
  const second = await signIn({ username: 'rhea', password: PW });
  assert.equal(second.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
  assert.equal((await confirmSignIn({ challengeResponse: totpCode(secret) })).nextStep.signInStep, 'DONE');
  const deviceKey = (await fetchAuthSession()).tokens!.accessToken.payload.device_key as string;
  assert.ok(deviceKey);
  const status = async () =>
    (await s.idp.send(new AdminGetDeviceCommand({ UserPoolId, Username: 'rhea', DeviceKey: deviceKey }))).Device!.DeviceAttributes!.find(
      (a) => a.Name === 'dev:device_remembered_status',
    )?.Value;
  assert.equal(await status(), 'not_remembered');
  await rememberDevice();
  assert.equal(await status(), 'remembered');
  assert.deepEqual((await fetchDevices()).map((d) => d.id), [deviceKey]);
  await signOut();

  // From the remembered device: no TOTP asked; the tokens carry the same device.
  nextStep();
  const third = await signIn({ username: 'rhea', password: PW });
  assert.equal(third.isSignedIn, true);
  assert.equal(third.nextStep.signInStep, 'DONE');
  assert.equal((await fetchAuthSession()).tokens!.accessToken.payload.device_key, deviceKey);
  assert.deepEqual((await fetchDevices()).map((d) => d.id), [deviceKey]);
  await signOut();
});
