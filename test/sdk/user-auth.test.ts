// Choice-based sign-in (USER_AUTH) through the real AWS SDK: the pool's AllowedFirstAuthFactors, PREFERRED_CHALLENGE
// PASSWORD / PASSWORD_SRP / EMAIL_OTP / SMS_OTP, SELECT_CHALLENGE with AvailableChallenges answered by ANSWER, codes
// read from the outbox. Runs on PostgreSQL too when COGNATE_TEST_DATABASE_URL is set.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminDisableUserCommand,
  AdminGetUserAuthFactorsCommand,
  AdminSetUserSettingsCommand,
  AdminGetUserCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  DescribeUserPoolCommand,
  GetUserAuthFactorsCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  AdminSetUserMFAPreferenceCommand,
  SignUpCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { FixedClock } from '../../src/runtime/clock.ts';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { codeSentTo as codeSentToAt, createConfirmedUser } from '../support/mfa.ts';
import { srpClient } from '../support/users.ts';

const PW = 'Passw0rd!';
const clock = new FixedClock(Date.now());
let s: TestServer;

before(async () => {
  s = await startServerOnStoreUnderTest(clock, 'user_auth', 2, { dev: true });
});
after(async () => {
  await s.close();
});
testOnPostgres(() => s);

const codeSentTo = (to: string) => codeSentToAt(s.url, to);

type Factor = 'PASSWORD' | 'EMAIL_OTP' | 'SMS_OTP';

/** A pool allowing `factors` first, a USER_AUTH client, and a user with a password, an email and a phone number. */
async function setup(name: string, factors: Factor[], user = 'uma', attributes: Record<string, string> = {}) {
  const UserPoolId = (
    await s.idp.send(new CreateUserPoolCommand({ PoolName: name, Policies: { SignInPolicy: { AllowedFirstAuthFactors: factors } } }))
  ).UserPool!.Id!;
  const ClientId = (
    await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))
  ).UserPoolClient!.ClientId!;
  await createConfirmedUser(s.idp, UserPoolId, user, PW, { email: `${name}@example.com`, phone_number: '+15555550100', ...attributes });
  return { UserPoolId, ClientId };
}

const initiate = (ClientId: string, AuthParameters: Record<string, string>) =>
  s.idp.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_AUTH', AuthParameters }));

test('the pool keeps AllowedFirstAuthFactors', async () => {
  const { UserPoolId } = await setup('ua-policy', ['PASSWORD', 'EMAIL_OTP']);
  const pool = (await s.idp.send(new DescribeUserPoolCommand({ UserPoolId }))).UserPool!;
  assert.deepEqual(pool.Policies?.SignInPolicy?.AllowedFirstAuthFactors, ['PASSWORD', 'EMAIL_OTP']);
});

test('PREFERRED_CHALLENGE PASSWORD: tokens; a wrong password is NotAuthorizedException', async () => {
  const { ClientId } = await setup('ua-password', ['PASSWORD']);
  const out = await initiate(ClientId, { USERNAME: 'uma', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD: PW });
  assert.ok(out.AuthenticationResult?.AccessToken);
  const e = await awsErrorOf(() => initiate(ClientId, { USERNAME: 'uma', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD: 'Wr0ng!pass' }));
  assert.deepEqual([e.name, e.message], ['NotAuthorizedException', 'Incorrect username or password.']);
});

test('PREFERRED_CHALLENGE PASSWORD with MFA ON: the MFA challenge follows', async () => {
  const { UserPoolId, ClientId } = await setup('ua-password-mfa', ['PASSWORD']);
  await s.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId, MfaConfiguration: 'ON', EmailMfaConfiguration: { Message: 'MFA {####}', Subject: 'MFA' } }));
  const out = await initiate(ClientId, { USERNAME: 'uma', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD: PW });
  assert.equal(out.ChallengeName, 'EMAIL_OTP');
  assert.equal(out.AuthenticationResult, undefined);
});

test('PREFERRED_CHALLENGE PASSWORD_SRP: PASSWORD_VERIFIER, then tokens', async () => {
  const { UserPoolId, ClientId } = await setup('ua-srp', ['PASSWORD']);
  const srp = await srpClient(UserPoolId);
  const first = await initiate(ClientId, { USERNAME: 'uma', PREFERRED_CHALLENGE: 'PASSWORD_SRP', SRP_A: srp.A });
  assert.equal(first.ChallengeName, 'PASSWORD_VERIFIER');
  const out = await s.idp.send(
    new RespondToAuthChallengeCommand({ ClientId, ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: await srp.answer(first.ChallengeParameters!, PW) }),
  );
  assert.ok(out.AuthenticationResult?.IdToken);
});

test('PREFERRED_CHALLENGE EMAIL_OTP: the code from the outbox signs in (MFA OPTIONAL)', async () => {
  const { UserPoolId, ClientId } = await setup('ua-email', ['PASSWORD', 'EMAIL_OTP']);
  await s.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId, MfaConfiguration: 'OPTIONAL', EmailMfaConfiguration: { Message: 'MFA {####}', Subject: 'MFA' } }));
  const first = await initiate(ClientId, { USERNAME: 'uma', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
  assert.equal(first.ChallengeName, 'EMAIL_OTP');
  assert.equal(first.ChallengeParameters?.CODE_DELIVERY_DELIVERY_MEDIUM, 'EMAIL');
  const wrong = await awsErrorOf(() =>
    s.idp.send(
      new RespondToAuthChallengeCommand({ ClientId, ChallengeName: 'EMAIL_OTP', Session: first.Session, ChallengeResponses: { USERNAME: 'uma', EMAIL_OTP_CODE: '000000' } }),
    ),
  );
  assert.equal(wrong.name, 'CodeMismatchException');
  const { code } = await codeSentTo('ua-email@example.com');
  const out = await s.idp.send(
    new RespondToAuthChallengeCommand({ ClientId, ChallengeName: 'EMAIL_OTP', Session: first.Session, ChallengeResponses: { USERNAME: 'uma', EMAIL_OTP_CODE: code } }),
  );
  assert.ok(out.AuthenticationResult?.AccessToken);
});

test('PREFERRED_CHALLENGE SMS_OTP: SMS_OTP answered with SMS_OTP_CODE', async () => {
  const { ClientId } = await setup('ua-sms', ['PASSWORD', 'SMS_OTP'], 'sam', { phone_number: '+15555550142' });
  const first = await initiate(ClientId, { USERNAME: 'sam', PREFERRED_CHALLENGE: 'SMS_OTP' });
  assert.equal(first.ChallengeName, 'SMS_OTP');
  assert.equal(first.ChallengeParameters?.CODE_DELIVERY_DELIVERY_MEDIUM, 'SMS');
  const { code } = await codeSentTo('+15555550142');
  const out = await s.idp.send(
    new RespondToAuthChallengeCommand({ ClientId, ChallengeName: 'SMS_OTP', Session: first.Session, ChallengeResponses: { USERNAME: 'sam', SMS_OTP_CODE: code } }),
  );
  assert.ok(out.AuthenticationResult?.AccessToken);
});

test('no preference: SELECT_CHALLENGE lists what the pool allows; ANSWER=PASSWORD and ANSWER=EMAIL_OTP sign in', async () => {
  const { ClientId } = await setup('ua-select', ['PASSWORD', 'EMAIL_OTP']);
  const first = await initiate(ClientId, { USERNAME: 'uma' });
  assert.equal(first.ChallengeName, 'SELECT_CHALLENGE');
  assert.deepEqual(first.AvailableChallenges, ['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP']);
  const respond = (Session: string | undefined, ChallengeName: string, r: Record<string, string>) =>
    s.idp.send(new RespondToAuthChallengeCommand({ ClientId, ChallengeName: ChallengeName as 'SELECT_CHALLENGE', Session, ChallengeResponses: { USERNAME: 'uma', ...r } }));
  const notOffered = await awsErrorOf(() => respond(first.Session, 'SELECT_CHALLENGE', { ANSWER: 'SMS_OTP' }));
  assert.equal(notOffered.name, 'InvalidParameterException');
  const byPassword = await respond(first.Session, 'SELECT_CHALLENGE', { ANSWER: 'PASSWORD', PASSWORD: PW });
  assert.ok(byPassword.AuthenticationResult?.AccessToken);
  // The session is used up.
  const reused = await awsErrorOf(() => respond(first.Session, 'SELECT_CHALLENGE', { ANSWER: 'PASSWORD', PASSWORD: PW }));
  assert.equal(reused.name, 'NotAuthorizedException');

  const second = await initiate(ClientId, { USERNAME: 'uma' });
  const otp = await respond(second.Session, 'SELECT_CHALLENGE', { ANSWER: 'EMAIL_OTP' });
  assert.equal(otp.ChallengeName, 'EMAIL_OTP');
  const { code } = await codeSentTo('ua-select@example.com');
  const out = await respond(otp.Session, 'EMAIL_OTP', { EMAIL_OTP_CODE: code });
  assert.ok(out.AuthenticationResult?.AccessToken);
});

test('a factor the pool does not allow is not offered: PREFERRED_CHALLENGE EMAIL_OTP on a password-only pool → SELECT_CHALLENGE', async () => {
  const { ClientId } = await setup('ua-notallowed', ['PASSWORD']);
  const out = await initiate(ClientId, { USERNAME: 'uma', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
  assert.equal(out.ChallengeName, 'SELECT_CHALLENGE');
  assert.deepEqual(out.AvailableChallenges, ['PASSWORD', 'PASSWORD_SRP']);
});

/** What a client hiding users (PreventUserExistenceErrors ENABLED) answers USER_AUTH for `USERNAME`: choices, code challenges, a wrong code. */
async function hiddenAnswers(ClientId: string, USERNAME: string) {
  const select = await initiate(ClientId, { USERNAME });
  const email = await initiate(ClientId, { USERNAME, PREFERRED_CHALLENGE: 'EMAIL_OTP' });
  const sms = await initiate(ClientId, { USERNAME, PREFERRED_CHALLENGE: 'SMS_OTP' });
  const wrong = await awsErrorOf(() =>
    s.idp.send(
      new RespondToAuthChallengeCommand({ ClientId, ChallengeName: 'EMAIL_OTP', Session: email.Session, ChallengeResponses: { USERNAME, EMAIL_OTP_CODE: '000000' } }),
    ),
  );
  const chosen = await s.idp.send(
    new RespondToAuthChallengeCommand({ ClientId, ChallengeName: 'SELECT_CHALLENGE', Session: select.Session, ChallengeResponses: { USERNAME, ANSWER: 'SMS_OTP' } }),
  );
  return {
    select: [select.ChallengeName, select.AvailableChallenges],
    email: [email.ChallengeName, Object.keys(email.ChallengeParameters ?? {}).sort(), email.ChallengeParameters?.CODE_DELIVERY_DELIVERY_MEDIUM],
    sms: [sms.ChallengeName, Object.keys(sms.ChallengeParameters ?? {}).sort()],
    wrong: [wrong.name, wrong.message],
    chosen: chosen.ChallengeName,
  };
}

test('PreventUserExistenceErrors ENABLED: USER_AUTH answers a name nobody has as it answers a user (choices, a code challenge, a wrong code)', async () => {
  const { UserPoolId } = await setup('ua-hidden', ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP']);
  const ClientId = (
    await s.idp.send(
      new CreateUserPoolClientCommand({ UserPoolId, ClientName: 'hiding', ExplicitAuthFlows: ['ALLOW_USER_AUTH'], PreventUserExistenceErrors: 'ENABLED' }),
    )
  ).UserPoolClient!.ClientId!;
  assert.deepEqual(await hiddenAnswers(ClientId, 'nobody'), await hiddenAnswers(ClientId, 'uma'));
});

test('a client without ALLOW_USER_AUTH refuses the flow', async () => {
  const { UserPoolId } = await setup('ua-client', ['PASSWORD']);
  const ClientId = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId, ClientName: 'srp', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH'] }))).UserPoolClient!
    .ClientId!;
  const e = await awsErrorOf(() => initiate(ClientId, { USERNAME: 'uma', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD: PW }));
  assert.equal(e.name, 'InvalidParameterException');
});

test('GetUserAuthFactors: the first factors the user can use in this pool, and their MFA settings', async () => {
  const { ClientId } = await setup('ua-factors', ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP']);
  const AccessToken = (await initiate(ClientId, { USERNAME: 'uma', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD: PW })).AuthenticationResult!.AccessToken!;
  const out = await s.idp.send(new GetUserAuthFactorsCommand({ AccessToken }));
  assert.equal(out.Username, 'uma');
  assert.deepEqual(out.ConfiguredUserAuthFactors, ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP']);
  assert.equal(out.UserMFASettingList, undefined);
  const bad = await awsErrorOf(() => s.idp.send(new GetUserAuthFactorsCommand({ AccessToken: 'not-a-token' })));
  assert.equal(bad.name, 'NotAuthorizedException');

  const { ClientId: pwOnly } = await setup('ua-factors-pw', ['PASSWORD']);
  const token = (await initiate(pwOnly, { USERNAME: 'uma', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD: PW })).AuthenticationResult!.AccessToken!;
  assert.deepEqual((await s.idp.send(new GetUserAuthFactorsCommand({ AccessToken: token }))).ConfiguredUserAuthFactors, ['PASSWORD']);
});

test('passwordless sign-up in a pool that allows EMAIL_OTP: SignUp without Password, ConfirmSignUp, then an email code signs in', async () => {
  const { UserPoolId, ClientId } = await setup('ua-signup', ['PASSWORD', 'EMAIL_OTP']);
  await s.idp.send(
    new UpdateUserPoolCommand({ UserPoolId, AutoVerifiedAttributes: ['email'], Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] } } }),
  );
  const up = await s.idp.send(new SignUpCommand({ ClientId, Username: 'pat', UserAttributes: [{ Name: 'email', Value: 'pat@example.com' }] }));
  assert.equal(up.UserConfirmed, false);
  const { code: confirmation } = await codeSentTo('pat@example.com');
  await s.idp.send(new ConfirmSignUpCommand({ ClientId, Username: 'pat', ConfirmationCode: confirmation }));
  // No password: only the email code is offered, and a password answer is refused.
  const select = await initiate(ClientId, { USERNAME: 'pat' });
  assert.deepEqual(select.AvailableChallenges, ['EMAIL_OTP']);
  const first = await initiate(ClientId, { USERNAME: 'pat', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
  assert.equal(first.ChallengeName, 'EMAIL_OTP');
  const { code } = await codeSentTo('pat@example.com');
  const out = await s.idp.send(
    new RespondToAuthChallengeCommand({ ClientId, ChallengeName: 'EMAIL_OTP', Session: first.Session, ChallengeResponses: { USERNAME: 'pat', EMAIL_OTP_CODE: code } }),
  );
  assert.ok(out.AuthenticationResult?.AccessToken);

  // A password-only pool still requires a password.
  const { ClientId: pwOnly } = await setup('ua-signup-pw', ['PASSWORD']);
  const e = await awsErrorOf(() => s.idp.send(new SignUpCommand({ ClientId: pwOnly, Username: 'quin', UserAttributes: [{ Name: 'email', Value: 'q@example.com' }] })));
  assert.equal(e.name, 'InvalidParameterException');
});

// Each sign-in session's code is its own: a stranger who starts a sign-in for a user's name (USER_AUTH with EMAIL_OTP or
// SMS_OTP needs nothing but the name) gets a code of its own and never replaces or voids the one the user is about to
// type. Before, MFA codes and USER_AUTH codes shared one slot per user, so the stranger's request killed the user's code.
test("starting another sign-in never replaces a code already sent: the user's MFA and one-time codes still work", async () => {
  const { UserPoolId, ClientId } = await setup('ua-code-slots', ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP'], 'uma', { phone_number: '+15555550177' });
  await s.idp.send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId,
      MfaConfiguration: 'OPTIONAL',
      EmailMfaConfiguration: { Message: 'MFA {####}', Subject: 'MFA' },
      SmsMfaConfiguration: { SmsAuthenticationMessage: 'MFA {####}', SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::123456789012:role/sns' } },
    }),
  );
  const respond = (ChallengeName: string, Session: string | undefined, r: Record<string, string>) =>
    s.idp.send(new RespondToAuthChallengeCommand({ ClientId, ChallengeName: ChallengeName as 'EMAIL_OTP', Session, ChallengeResponses: { USERNAME: 'uma', ...r } }));
  const stranger = (factor: 'EMAIL_OTP' | 'SMS_OTP') => initiate(ClientId, { USERNAME: 'uma', PREFERRED_CHALLENGE: factor }).catch(() => undefined);

  // Email MFA after the password; a stranger then asks for a USER_AUTH email code for the same user.
  await s.idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId, Username: 'uma', EmailMfaSettings: { Enabled: true, PreferredMfa: true } }));
  const mfa = await initiate(ClientId, { USERNAME: 'uma', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD: PW });
  assert.equal(mfa.ChallengeName, 'EMAIL_OTP');
  const { code: mfaCode } = await codeSentTo('ua-code-slots@example.com');
  await stranger('EMAIL_OTP');
  const signedIn = await respond('EMAIL_OTP', mfa.Session, { EMAIL_OTP_CODE: mfaCode });
  assert.ok(signedIn.AuthenticationResult?.AccessToken);

  // SMS MFA after the password; a stranger asks for a USER_AUTH SMS code.
  await s.idp.send(
    new AdminSetUserMFAPreferenceCommand({ UserPoolId, Username: 'uma', EmailMfaSettings: { Enabled: false }, SMSMfaSettings: { Enabled: true, PreferredMfa: true } }),
  );
  const sms = await initiate(ClientId, { USERNAME: 'uma', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD: PW });
  assert.equal(sms.ChallengeName, 'SMS_MFA');
  const { code: smsCode } = await codeSentTo('+15555550177');
  await stranger('SMS_OTP');
  assert.ok((await respond('SMS_MFA', sms.Session, { SMS_MFA_CODE: smsCode })).AuthenticationResult?.AccessToken);

  // Two passwordless sign-ins at once: each session takes its own code, not the other's.
  await s.idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId, Username: 'uma', SMSMfaSettings: { Enabled: false } }));
  const mine = await initiate(ClientId, { USERNAME: 'uma', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
  assert.equal(mine.ChallengeName, 'EMAIL_OTP');
  const { code: myCode } = await codeSentTo('ua-code-slots@example.com');
  const theirs = await initiate(ClientId, { USERNAME: 'uma', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
  const { code: theirCode } = await codeSentTo('ua-code-slots@example.com');
  if (theirCode !== myCode) {
    const crossed = await awsErrorOf(() => respond('EMAIL_OTP', mine.Session, { EMAIL_OTP_CODE: theirCode }));
    assert.equal(crossed.name, 'CodeMismatchException');
  }
  assert.ok((await respond('EMAIL_OTP', mine.Session, { EMAIL_OTP_CODE: myCode })).AuthenticationResult?.AccessToken);
  assert.ok((await respond('EMAIL_OTP', theirs.Session, { EMAIL_OTP_CODE: theirCode })).AuthenticationResult?.AccessToken);
});

// Cognito refuses MFA ON in a pool that allows a one-time code as first factor (a passwordless sign-in would be one
// factor): SetUserPoolMfaConfig ON on such a pool, UpdateUserPool adding the factor to a pool at ON, and (inferred)
// CreateUserPool with both; OPTIONAL is accepted. Measured by go-to-k/cdkd#1975.
test('MFA ON and a passwordless first factor are refused together; a pool stored with both offers only the password', async () => {
  const refused = ['InvalidParameterException', 'Only PASSWORD and WEB_AUTHN (if configured) can be enabled as an auth factor if MFA is enabled'];
  const email = { Message: 'MFA {####}', Subject: 'MFA' };
  for (const factor of ['EMAIL_OTP', 'SMS_OTP'] as const) {
    const { UserPoolId } = await setup(`ua-mfa-on-${factor}`, ['PASSWORD', factor]);
    const e = await awsErrorOf(() => s.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId, MfaConfiguration: 'ON', EmailMfaConfiguration: email })));
    assert.deepEqual([e.name, e.message], refused);
    assert.equal((await s.idp.send(new GetUserPoolMfaConfigCommand({ UserPoolId }))).MfaConfiguration, 'OFF');
    await s.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId, MfaConfiguration: 'OPTIONAL', EmailMfaConfiguration: email }));
  }
  // A pool at ON cannot add a one-time code first; the refused update changes nothing.
  const { UserPoolId } = await setup('ua-mfa-on-update', ['PASSWORD']);
  await s.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId, MfaConfiguration: 'ON', EmailMfaConfiguration: email }));
  const up = await awsErrorOf(() =>
    s.idp.send(new UpdateUserPoolCommand({ UserPoolId, MfaConfiguration: 'ON', Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] } } })),
  );
  assert.deepEqual([up.name, up.message], refused);
  const kept = (await s.idp.send(new DescribeUserPoolCommand({ UserPoolId }))).UserPool!;
  assert.deepEqual(kept.Policies?.SignInPolicy?.AllowedFirstAuthFactors, ['PASSWORD']);
  const created = await awsErrorOf(() =>
    s.idp.send(
      new CreateUserPoolCommand({
        PoolName: 'ua-mfa-on-create',
        MfaConfiguration: 'ON',
        SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::123456789012:role/sns' },
        Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'SMS_OTP'] } },
      }),
    ),
  );
  assert.deepEqual([created.name, created.message], refused);

  // A pool stored with both (as Cognate let one be before): the one-time code is not offered, no code is sent, and
  // the password sign-in still owes MFA.
  const legacy = await setup('ua-mfa-on-stored', ['PASSWORD']);
  await s.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: legacy.UserPoolId, MfaConfiguration: 'ON', EmailMfaConfiguration: email }));
  const pool = (await s.deps.store.pools.get(legacy.UserPoolId))!;
  const Policies = { ...pool.settings.Policies, SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] } };
  assert.ok(await s.deps.store.pools.update({ ...pool, settings: { ...pool.settings, Policies } as typeof pool.settings, version: pool.version + 1 }));
  const out = await initiate(legacy.ClientId, { USERNAME: 'uma', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
  assert.equal(out.ChallengeName, 'SELECT_CHALLENGE');
  assert.deepEqual(out.AvailableChallenges, ['PASSWORD', 'PASSWORD_SRP']);
  const chosen = await awsErrorOf(() =>
    s.idp.send(
      new RespondToAuthChallengeCommand({ ClientId: legacy.ClientId, ChallengeName: 'SELECT_CHALLENGE', Session: out.Session, ChallengeResponses: { USERNAME: 'uma', ANSWER: 'EMAIL_OTP' } }),
    ),
  );
  assert.equal(chosen.name, 'InvalidParameterException');
  const res = await fetch(`${s.url}/_cognate/outbox?to=${encodeURIComponent('ua-mfa-on-stored@example.com')}`);
  assert.deepEqual(((await res.json()) as { messages: unknown[] }).messages, []);
  const pw = await initiate(legacy.ClientId, { USERNAME: 'uma', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD: PW });
  assert.equal(pw.ChallengeName, 'EMAIL_OTP');
});

/** A pool allowing PASSWORD and EMAIL_OTP first that verifies email, and a USER_AUTH app client. */
async function signUpPool(name: string, factors: Factor[] = ['PASSWORD', 'EMAIL_OTP']) {
  const UserPoolId = (
    await s.idp.send(
      new CreateUserPoolCommand({ PoolName: name, AutoVerifiedAttributes: ['email'], Policies: { SignInPolicy: { AllowedFirstAuthFactors: factors } } }),
    )
  ).UserPool!.Id!;
  const client = async () =>
    (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] })))
      .UserPoolClient!.ClientId!;
  return { UserPoolId, ClientId: await client(), otherClientId: await client() };
}

/** SignUp (no password) and ConfirmSignUp with the code from the outbox: both answers. */
async function signUpAndConfirm(ClientId: string, Username: string, email: string) {
  const up = await s.idp.send(new SignUpCommand({ ClientId, Username, UserAttributes: [{ Name: 'email', Value: email }] }));
  const { code } = await codeSentTo(email);
  const confirmed = await s.idp.send(new ConfirmSignUpCommand({ ClientId, Username, ConfirmationCode: code, Session: up.Session }));
  return { up, confirmed };
}

test("ConfirmSignUp's Session signs the new user in by USER_AUTH without a second code: once, for its client and user, within AuthSessionValidity", async () => {
  const { UserPoolId, ClientId, otherClientId } = await signUpPool('ua-autosignin');
  const { up, confirmed } = await signUpAndConfirm(ClientId, 'ann', 'ann@example.com');
  assert.ok(up.Session && confirmed.Session && up.Session !== confirmed.Session);
  const withSession = (client: string, USERNAME: string, Session: string | undefined, extra: Record<string, string> = {}) =>
    s.idp.send(new InitiateAuthCommand({ ClientId: client, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME, ...extra }, Session }));
  const invalid = ['NotAuthorizedException', 'Invalid session for the user, session is expired.'];
  // Another user, another app client, SignUp's Session, something else: refused.
  await s.idp.send(new SignUpCommand({ ClientId, Username: 'bob', Password: PW, UserAttributes: [{ Name: 'email', Value: 'bob@example.com' }] }));
  for (const [client, user, session] of [
    [ClientId, 'bob', confirmed.Session],
    [otherClientId, 'ann', confirmed.Session],
    [ClientId, 'ann', up.Session],
    [ClientId, 'ann', 'x'.repeat(40)],
  ] as const) {
    const e = await awsErrorOf(() => withSession(client, user, session));
    assert.deepEqual([e.name, e.message], invalid, `${client === ClientId ? 'same' : 'other'} client, ${user}`);
  }
  // Tokens for ann (PREFERRED_CHALLENGE aside: the code was the first factor), then never again.
  const out = await withSession(ClientId, 'ann', confirmed.Session, { PREFERRED_CHALLENGE: 'EMAIL_OTP' });
  assert.ok(out.AuthenticationResult?.AccessToken);
  assert.equal(out.ChallengeName, undefined);
  const again = await awsErrorOf(() => withSession(ClientId, 'ann', confirmed.Session));
  assert.equal(again.name, 'NotAuthorizedException');

  // Expired after the client's AuthSessionValidity (3 minutes by default).
  const late = await signUpAndConfirm(ClientId, 'cat', 'cat@example.com');
  clock.advance(3 * 60_000 + 1_000);
  const expired = await awsErrorOf(() => withSession(ClientId, 'cat', late.confirmed.Session));
  assert.deepEqual([expired.name, expired.message], invalid);

  // ConfirmSignUp refuses another user's SignUp Session, and confirms nothing.
  const dan = await s.idp.send(new SignUpCommand({ ClientId, Username: 'dan', UserAttributes: [{ Name: 'email', Value: 'dan@example.com' }] }));
  const eve = await s.idp.send(new SignUpCommand({ ClientId, Username: 'eve', UserAttributes: [{ Name: 'email', Value: 'eve@example.com' }] }));
  const { code } = await codeSentTo('dan@example.com');
  const wrong = await awsErrorOf(() => s.idp.send(new ConfirmSignUpCommand({ ClientId, Username: 'dan', ConfirmationCode: code, Session: eve.Session })));
  assert.deepEqual([wrong.name, wrong.message], ['NotAuthorizedException', 'Invalid session for the user.']);
  assert.equal((await s.idp.send(new AdminGetUserCommand({ UserPoolId, Username: 'dan' }))).UserStatus, 'UNCONFIRMED');
  const right = await s.idp.send(new ConfirmSignUpCommand({ ClientId, Username: 'dan', ConfirmationCode: code, Session: dan.Session }));
  assert.ok((await withSession(ClientId, 'dan', right.Session)).AuthenticationResult?.IdToken);
});

test("ConfirmSignUp's Session does not sign in a user disabled since, nor where the pool no longer allows the code as a first factor", async () => {
  const { UserPoolId, ClientId } = await signUpPool('ua-autosignin-gates');
  const withSession = (USERNAME: string, Session: string | undefined) =>
    s.idp.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME }, Session }));
  const fay = await signUpAndConfirm(ClientId, 'fay', 'fay@example.com');
  await s.idp.send(new AdminDisableUserCommand({ UserPoolId, Username: 'fay' }));
  const disabled = await awsErrorOf(() => withSession('fay', fay.confirmed.Session));
  assert.deepEqual([disabled.name, disabled.message], ['NotAuthorizedException', 'User is disabled.']);

  const gus = await signUpAndConfirm(ClientId, 'gus', 'gus@example.com');
  await s.idp.send(new UpdateUserPoolCommand({ UserPoolId, AutoVerifiedAttributes: ['email'], Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'SMS_OTP'] } } }));
  const notAllowed = await awsErrorOf(() => withSession('gus', gus.confirmed.Session));
  assert.deepEqual([notAllowed.name, notAllowed.message], ['NotAuthorizedException', 'Invalid session for the user, session is expired.']);
});

test('SignUp without a password needs passwordless sign-in in the pool and the client and an automatically verified attribute of a permitted code', async () => {
  const { UserPoolId, ClientId } = await signUpPool('ua-signup-rules');
  const signUp = (client: string, Username: string, attributes: Record<string, string>, Password?: string) =>
    s.idp.send(
      new SignUpCommand({ ClientId: client, Username, Password, UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })) }),
    );
  const needsAttribute = ['InvalidParameterException', 'A password is required unless the user provides an email address that the user pool verifies automatically.'];
  const nullPassword = ['InvalidParameterException', "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null"];
  const refused = async (what: Promise<unknown>, expected: string[], Username: string, pool = UserPoolId) => {
    const e = await awsErrorOf(() => what);
    assert.deepEqual([e.name, e.message], expected, Username);
    const gone = await awsErrorOf(() => s.idp.send(new AdminGetUserCommand({ UserPoolId: pool, Username })));
    assert.equal(gone.name, 'UserNotFoundException', `${Username} was not created`);
  };
  // No attribute at all, or only one the pool does not permit a code for (SMS_OTP is not allowed here).
  await refused(signUp(ClientId, 'noattr', {}), needsAttribute, 'noattr');
  await refused(signUp(ClientId, 'phoneonly', { phone_number: '+15555550177' }), needsAttribute, 'phoneonly');
  // A pool that does not verify email automatically.
  const unverified = (
    await s.idp.send(new CreateUserPoolCommand({ PoolName: 'ua-signup-noverify', Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] } } }))
  ).UserPool!.Id!;
  const unverifiedClient = (
    await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: unverified, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_AUTH'] }))
  ).UserPoolClient!.ClientId!;
  await refused(signUp(unverifiedClient, 'nov', { email: 'nov@example.com' }), needsAttribute, 'nov', unverified);
  // A client without ALLOW_USER_AUTH: passwordless sign-in is not active there.
  const srpClient = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId, ClientName: 'srp', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH'] })))
    .UserPoolClient!.ClientId!;
  await refused(signUp(srpClient, 'srpuser', { email: 'srpuser@example.com' }), nullPassword, 'srpuser');
  // With a password, none of this applies.
  assert.equal((await signUp(srpClient, 'withpw', {}, PW)).UserConfirmed, false);
});

/** How many messages the (open, --dev) outbox holds for `to`. */
async function sentCount(to: string): Promise<number> {
  const res = await fetch(`${s.url}/_cognate/outbox?to=${encodeURIComponent(to)}`);
  return ((await res.json()) as { messages: unknown[] }).messages.length;
}

/** A pool with MFA OPTIONAL (email MFA) allowing every first factor; `mfa` has email MFA on, `legacy` SMS by MFAOptions, `plain` none. */
async function optionalMfaPool(name: string) {
  const { UserPoolId, ClientId } = await setup(name, ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP'], 'plain');
  await s.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId, MfaConfiguration: 'OPTIONAL', EmailMfaConfiguration: { Message: 'MFA {####}', Subject: 'MFA' } }));
  await createConfirmedUser(s.idp, UserPoolId, 'mfa', PW, { email: `${name}-mfa@example.com`, phone_number: '+15555550161' });
  await s.idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId, Username: 'mfa', EmailMfaSettings: { Enabled: true } }));
  await createConfirmedUser(s.idp, UserPoolId, 'legacy', PW, { email: `${name}-legacy@example.com`, phone_number: '+15555550162' });
  await s.idp.send(new AdminSetUserSettingsCommand({ UserPoolId, Username: 'legacy', MFAOptions: [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }] }));
  return { UserPoolId, ClientId };
}

test('MFA OPTIONAL: a user with MFA active is offered no one-time code first factor (their MFA would be skipped); the password is followed by MFA', async () => {
  const { UserPoolId, ClientId } = await optionalMfaPool('ua-mfa-active');
  for (const user of ['mfa', 'legacy']) {
    for (const PREFERRED_CHALLENGE of ['EMAIL_OTP', 'SMS_OTP']) {
      const first = await initiate(ClientId, { USERNAME: user, PREFERRED_CHALLENGE });
      assert.deepEqual([first.ChallengeName, first.AvailableChallenges], ['SELECT_CHALLENGE', ['PASSWORD', 'PASSWORD_SRP']], `${user} ${PREFERRED_CHALLENGE}`);
      const chosen = await awsErrorOf(() =>
        s.idp.send(
          new RespondToAuthChallengeCommand({ ClientId, ChallengeName: 'SELECT_CHALLENGE', Session: first.Session, ChallengeResponses: { USERNAME: user, ANSWER: PREFERRED_CHALLENGE } }),
        ),
      );
      assert.equal(chosen.name, 'InvalidParameterException', `${user} ANSWER=${PREFERRED_CHALLENGE}`);
    }
    const factors = await s.idp.send(new AdminGetUserAuthFactorsCommand({ UserPoolId, Username: user }));
    assert.deepEqual(factors.ConfiguredUserAuthFactors, ['PASSWORD'], user);
  }
  assert.equal(await sentCount('ua-mfa-active-mfa@example.com'), 0, 'no code went out');
  assert.equal(await sentCount('+15555550162'), 0, 'no code went out');
  const withPassword = await initiate(ClientId, { USERNAME: 'mfa', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD: PW });
  assert.equal(withPassword.ChallengeName, 'EMAIL_OTP');
  const { code } = await codeSentTo('ua-mfa-active-mfa@example.com');
  const out = await s.idp.send(
    new RespondToAuthChallengeCommand({ ClientId, ChallengeName: 'EMAIL_OTP', Session: withPassword.Session, ChallengeResponses: { USERNAME: 'mfa', EMAIL_OTP_CODE: code } }),
  );
  assert.ok(out.AuthenticationResult?.AccessToken);
  assert.deepEqual((await s.idp.send(new GetUserAuthFactorsCommand({ AccessToken: out.AuthenticationResult.AccessToken }))).ConfiguredUserAuthFactors, ['PASSWORD']);
  // A user without MFA keeps the code first factors.
  assert.equal((await initiate(ClientId, { USERNAME: 'plain', PREFERRED_CHALLENGE: 'EMAIL_OTP' })).ChallengeName, 'EMAIL_OTP');
  assert.deepEqual((await s.idp.send(new AdminGetUserAuthFactorsCommand({ UserPoolId, Username: 'plain' }))).ConfiguredUserAuthFactors, ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP']);
});

test('MFA OPTIONAL, PreventUserExistenceErrors ENABLED: a user with MFA active gets the one-time code challenge of a name nobody has (no code, every code wrong)', async () => {
  const { UserPoolId } = await optionalMfaPool('ua-mfa-hidden');
  const ClientId = (
    await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId, ClientName: 'hiding', ExplicitAuthFlows: ['ALLOW_USER_AUTH'], PreventUserExistenceErrors: 'ENABLED' }))
  ).UserPoolClient!.ClientId!;
  const nobody = await hiddenAnswers(ClientId, 'nobody');
  assert.deepEqual(await hiddenAnswers(ClientId, 'mfa'), nobody);
  assert.deepEqual(await hiddenAnswers(ClientId, 'legacy'), nobody);
  await new Promise((r) => setTimeout(r, 300)); // a code would go out after the answer
  assert.equal(await sentCount('ua-mfa-hidden-mfa@example.com'), 0, 'no code went to the MFA user');
  assert.equal(await sentCount('+15555550161'), 0, 'no code went to the MFA user');
  assert.equal(await sentCount('+15555550162'), 0, 'no code went to the legacy MFA user');
});

test("ConfirmSignUp's Session does not sign in a user who turned MFA on since (MFA OPTIONAL): their MFA is not skipped", async () => {
  const { UserPoolId, ClientId } = await signUpPool('ua-autosignin-mfa');
  await s.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId, MfaConfiguration: 'OPTIONAL', EmailMfaConfiguration: { Message: 'MFA {####}', Subject: 'MFA' } }));
  const hal = await signUpAndConfirm(ClientId, 'hal', 'hal@example.com');
  await s.idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId, Username: 'hal', EmailMfaSettings: { Enabled: true } }));
  const e = await awsErrorOf(() =>
    s.idp.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: 'hal' }, Session: hal.confirmed.Session })),
  );
  assert.deepEqual([e.name, e.message], ['NotAuthorizedException', 'Invalid session for the user, session is expired.']);
  // Without MFA the same Session signs in (the gate is the MFA, not the pool's configuration).
  const ivy = await signUpAndConfirm(ClientId, 'ivy', 'ivy@example.com');
  const out = await s.idp.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: 'ivy' }, Session: ivy.confirmed.Session }));
  assert.ok(out.AuthenticationResult?.AccessToken);
});
