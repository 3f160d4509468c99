// Amplify JS v6 (aws-amplify), unmodified, signing in to pools with MFA: TOTP enrolment at first sign-in
// (CONTINUE_SIGN_IN_WITH_TOTP_SETUP), then CONFIRM_SIGN_IN_WITH_TOTP_CODE; email codes (CONFIRM_SIGN_IN_WITH_EMAIL_CODE)
// read from the outbox. Real TOTP codes from otpauth; the server's clock is moved a step between codes. Runs on
// PostgreSQL too when COGNATE_TEST_DATABASE_URL is set.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import { confirmSignIn, signIn, signOut } from 'aws-amplify/auth';
import {
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
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
async function poolWithUser(name: string, mfa: Omit<SetUserPoolMfaConfigCommandInput, 'UserPoolId'>, Username: string, attributes: Record<string, string> = {}) {
  const UserPoolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: name }))).UserPool!.Id!;
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
