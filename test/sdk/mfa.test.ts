// MFA through the real AWS SDK and amazon-cognito-identity-js: a pool with MFA ON enrols TOTP at first sign-in
// (MFA_SETUP → AssociateSoftwareToken → VerifySoftwareToken) and then asks SOFTWARE_TOKEN_MFA; OPTIONAL asks only
// users who turned a factor on; SMS and email codes arrive in the outbox; several factors without a preference are
// SELECT_MFA_TYPE. Real TOTP codes from otpauth, time moved with the server's clock. Runs on PostgreSQL too when
// COGNATE_TEST_DATABASE_URL is set.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserSettingsCommand,
  AssociateSoftwareTokenCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  SetUserSettingsCommand,
  VerifySoftwareTokenCommand,
  AdminForgetDeviceCommand,
  AdminGetDeviceCommand,
  AdminDeleteSoftwareTokenCommand,
  AdminGetUserAuthFactorsCommand,
  type CreateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { decodeJwt } from 'jose';
import { FixedClock } from '../../src/runtime/clock.ts';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { codeSentTo as codeSentToAt, createConfirmedUser, nextTotpStep, totpCode as totpCodeAt } from '../support/mfa.ts';

const PW = 'Passw0rd!';
const SESSION_EXPIRED = 'Invalid session for the user, session is expired.';
const clock = new FixedClock(Date.now());
let s: TestServer;

before(async () => {
  s = await startServerOnStoreUnderTest(clock, 'mfa', 2, { dev: true });
});
after(() => s.close());
testOnPostgres(() => s);

const totpCode = (secret: string, at = clock.now()) => totpCodeAt(secret, at);
const nextStep = () => nextTotpStep(clock);

async function newPool(
  name: string,
  mfa: Omit<ConstructorParameters<typeof SetUserPoolMfaConfigCommand>[0], 'UserPoolId'>,
  over: Omit<CreateUserPoolCommandInput, 'PoolName'> = {},
) {
  const id = (await s.idp.send(new CreateUserPoolCommand({ PoolName: name, ...over }))).UserPool!.Id!;
  await s.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: id, ...mfa }));
  const ClientId = (
    await s.idp.send(
      new CreateUserPoolClientCommand({
        UserPoolId: id,
        ClientName: 'app',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    )
  ).UserPoolClient!.ClientId!;
  return { id, ClientId };
}

const newUser = (UserPoolId: string, Username: string, attributes: Record<string, string> = {}) =>
  createConfirmedUser(s.idp, UserPoolId, Username, PW, attributes);

const signIn = (ClientId: string, USERNAME: string, PASSWORD = PW) =>
  s.idp.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD } }));

const respond = (ClientId: string, ChallengeName: any, Session: string | undefined, ChallengeResponses: Record<string, string>) =>
  s.idp.send(new RespondToAuthChallengeCommand({ ClientId, ChallengeName, Session, ChallengeResponses }));

const codeSentTo = (to: string) => codeSentToAt(s.url, to);

describe('MFA ON with TOTP: enrolment at first sign-in, then the TOTP challenge', () => {
  let pool: { id: string; ClientId: string };
  let secret = '';

  before(async () => {
    pool = await newPool('mfa-on', { MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } });
    await newUser(pool.id, 'tina');
  });

  test('GetUserPoolMfaConfig shows the mode and factor', async () => {
    const c = await s.idp.send(new GetUserPoolMfaConfigCommand({ UserPoolId: pool.id }));
    assert.equal(c.MfaConfiguration, 'ON');
    assert.deepEqual(c.SoftwareTokenMfaConfiguration, { Enabled: true });
  });

  test('MFA_SETUP → AssociateSoftwareToken → VerifySoftwareToken → tokens', async () => {
    const first = await signIn(pool.ClientId, 'tina');
    assert.equal(first.ChallengeName, 'MFA_SETUP');
    assert.equal(first.AuthenticationResult, undefined);
    assert.deepEqual(first.ChallengeParameters, { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' });
    // Answering before enrolling gives no tokens.
    const early = await awsErrorOf(() => respond(pool.ClientId, 'MFA_SETUP', first.Session, { USERNAME: 'tina' }));
    assert.equal(early.name, 'InvalidParameterException');

    const assoc = await s.idp.send(new AssociateSoftwareTokenCommand({ Session: first.Session }));
    assert.match(assoc.SecretCode!, /^[A-Z2-7]{32}$/);
    assert.ok(assoc.Session && assoc.Session !== first.Session);
    secret = assoc.SecretCode!;
    // The seed is sealed at rest: it appears nowhere in the stored user.
    const stored = await s.deps.store.users.get(pool.id, 'tina');
    assert.ok(!JSON.stringify(stored).includes(secret));
    // The first session was used up by AssociateSoftwareToken.
    const reused = await awsErrorOf(() => s.idp.send(new AssociateSoftwareTokenCommand({ Session: first.Session })));
    assert.deepEqual([reused.name, reused.message], ['NotAuthorizedException', SESSION_EXPIRED]);

    const wrong = await awsErrorOf(() => s.idp.send(new VerifySoftwareTokenCommand({ Session: assoc.Session, UserCode: '000000' })));
    assert.deepEqual([wrong.name, wrong.message], ['EnableSoftwareTokenMFAException', 'Code mismatch']);
    const verified = await s.idp.send(new VerifySoftwareTokenCommand({ Session: assoc.Session, UserCode: totpCode(secret), FriendlyDeviceName: 'phone' }));
    assert.equal(verified.Status, 'SUCCESS');
    assert.ok(verified.Session);

    const done = await respond(pool.ClientId, 'MFA_SETUP', verified.Session, { USERNAME: 'tina' });
    assert.ok(done.AuthenticationResult?.AccessToken);
    assert.deepEqual(done.ChallengeParameters, {});
    const again = await awsErrorOf(() => respond(pool.ClientId, 'MFA_SETUP', verified.Session, { USERNAME: 'tina' }));
    assert.deepEqual([again.name, again.message], ['NotAuthorizedException', SESSION_EXPIRED]);

    const me = await s.idp.send(new GetUserCommand({ AccessToken: done.AuthenticationResult!.AccessToken }));
    assert.deepEqual(me.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
    assert.equal(me.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
    const admin = await s.idp.send(new AdminGetUserCommand({ UserPoolId: pool.id, Username: 'tina' }));
    assert.deepEqual(admin.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  });

  test('a new password (NEW_PASSWORD_REQUIRED) is followed by MFA_SETUP, not tokens', async () => {
    await s.idp.send(new AdminCreateUserCommand({ UserPoolId: pool.id, Username: 'newt', TemporaryPassword: 'Temp0rary!', MessageAction: 'SUPPRESS' }));
    const out = await signIn(pool.ClientId, 'newt', 'Temp0rary!');
    assert.equal(out.ChallengeName, 'NEW_PASSWORD_REQUIRED');
    const next = await respond(pool.ClientId, 'NEW_PASSWORD_REQUIRED', out.Session, { USERNAME: 'newt', NEW_PASSWORD: 'N3w-Passw0rd' });
    assert.equal(next.ChallengeName, 'MFA_SETUP');
    assert.equal(next.AuthenticationResult, undefined);
  });

  test('SOFTWARE_TOKEN_MFA: the code of the step used in enrolment is refused (no replay); the next step’s works', async () => {
    const out = await signIn(pool.ClientId, 'tina');
    assert.equal(out.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    assert.deepEqual(out.ChallengeParameters, { FRIENDLY_DEVICE_NAME: 'phone', USER_ID_FOR_SRP: 'tina' });
    const replay = await awsErrorOf(() => respond(pool.ClientId, 'SOFTWARE_TOKEN_MFA', out.Session, { USERNAME: 'tina', SOFTWARE_TOKEN_MFA_CODE: totpCode(secret) }));
    assert.deepEqual([replay.name, replay.message], ['CodeMismatchException', 'Invalid code or auth state for the user.']);
    nextStep();
    const code = totpCode(secret);
    const ok = await respond(pool.ClientId, 'SOFTWARE_TOKEN_MFA', out.Session, { USERNAME: 'tina', SOFTWARE_TOKEN_MFA_CODE: code });
    assert.ok(ok.AuthenticationResult?.IdToken);
    // The same code again, in a new sign-in: refused.
    const second = await signIn(pool.ClientId, 'tina');
    const reused = await awsErrorOf(() => respond(pool.ClientId, 'SOFTWARE_TOKEN_MFA', second.Session, { USERNAME: 'tina', SOFTWARE_TOKEN_MFA_CODE: code }));
    assert.equal(reused.name, 'CodeMismatchException');
  });

  test('a code of the previous step is accepted (±1 step of skew), one two steps old is not', async () => {
    nextStep();
    nextStep();
    const out = await signIn(pool.ClientId, 'tina');
    const old = await awsErrorOf(() =>
      respond(pool.ClientId, 'SOFTWARE_TOKEN_MFA', out.Session, { USERNAME: 'tina', SOFTWARE_TOKEN_MFA_CODE: totpCode(secret, clock.now() - 60_000) }),
    );
    assert.equal(old.name, 'CodeMismatchException');
    const ok = await respond(pool.ClientId, 'SOFTWARE_TOKEN_MFA', out.Session, {
      USERNAME: 'tina',
      SOFTWARE_TOKEN_MFA_CODE: totpCode(secret, clock.now() - 30_000),
    });
    assert.ok(ok.AuthenticationResult);
  });

  test('an expired session is "Invalid session for the user, session is expired."', async () => {
    nextStep();
    const out = await signIn(pool.ClientId, 'tina');
    clock.advance(3 * 60_000 + 1);
    const err = await awsErrorOf(() => respond(pool.ClientId, 'SOFTWARE_TOKEN_MFA', out.Session, { USERNAME: 'tina', SOFTWARE_TOKEN_MFA_CODE: totpCode(secret) }));
    assert.deepEqual([err.name, err.message], ['NotAuthorizedException', SESSION_EXPIRED]);
  });

  test('wrong MFA codes count toward the sign-in lockout', async () => {
    nextStep();
    const out = await signIn(pool.ClientId, 'tina');
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) {
      const e = await awsErrorOf(() => respond(pool.ClientId, 'SOFTWARE_TOKEN_MFA', out.Session, { USERNAME: 'tina', SOFTWARE_TOKEN_MFA_CODE: '000000' }));
      answers.push(`${e.name}: ${e.message}`);
    }
    assert.equal(answers[0], 'CodeMismatchException: Invalid code or auth state for the user.');
    assert.equal(answers[5], 'NotAuthorizedException: Password attempts exceeded');
    // Even the right password is refused while locked.
    const locked = await awsErrorOf(() => signIn(pool.ClientId, 'tina'));
    assert.equal(locked.message, 'Password attempts exceeded');
    clock.advance(20 * 60_000);
  });
});

describe('MFA OPTIONAL: SMS, email and the choice between factors', () => {
  let pool: { id: string; ClientId: string };
  let access = '';

  before(async () => {
    pool = await newPool('mfa-optional', {
      MfaConfiguration: 'OPTIONAL',
      SmsMfaConfiguration: { SmsAuthenticationMessage: 'Your code: {####}', SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::123456789012:role/sns' } },
      SoftwareTokenMfaConfiguration: { Enabled: true },
      EmailMfaConfiguration: { Subject: 'Sign-in code', Message: 'Code {####}' },
    });
    await newUser(pool.id, 'sam', { phone_number: '+15555550123', email: 'sam@example.com' });
  });

  test('a user without MFA signs in with the password alone', async () => {
    const out = await signIn(pool.ClientId, 'sam');
    assert.equal(out.ChallengeName, undefined);
    access = out.AuthenticationResult!.AccessToken!;
    const me = await s.idp.send(new GetUserCommand({ AccessToken: access }));
    assert.equal(me.UserMFASettingList, undefined);
    assert.equal(me.PreferredMfaSetting, undefined);
  });

  test('TOTP cannot be turned on before a verified authenticator; with an access token it can be enrolled', async () => {
    const err = await awsErrorOf(() => s.idp.send(new SetUserMFAPreferenceCommand({ AccessToken: access, SoftwareTokenMfaSettings: { Enabled: true } })));
    assert.equal(err.name, 'InvalidParameterException');
    const both = await awsErrorOf(() => s.idp.send(new AssociateSoftwareTokenCommand({ AccessToken: access, Session: 'x'.repeat(40) })));
    assert.equal(both.name, 'InvalidParameterException');
    const assoc = await s.idp.send(new AssociateSoftwareTokenCommand({ AccessToken: access }));
    assert.equal(assoc.Session, undefined);
    const v = await s.idp.send(new VerifySoftwareTokenCommand({ AccessToken: access, UserCode: totpCode(assoc.SecretCode!) }));
    assert.deepEqual({ Status: v.Status, Session: v.Session }, { Status: 'SUCCESS', Session: undefined });
    // Verified, not yet turned on: still no MFA at sign-in.
    assert.equal((await signIn(pool.ClientId, 'sam')).ChallengeName, undefined);
  });

  test('SMS turned on: SMS_MFA with the masked number, the code arrives by SMS in the outbox', async () => {
    await s.idp.send(new SetUserMFAPreferenceCommand({ AccessToken: access, SMSMfaSettings: { Enabled: true } }));
    const out = await signIn(pool.ClientId, 'sam');
    assert.equal(out.ChallengeName, 'SMS_MFA');
    assert.deepEqual(out.ChallengeParameters, {
      CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS',
      CODE_DELIVERY_DESTINATION: '+********0123',
      USER_ID_FOR_SRP: 'sam',
    });
    const sms = await codeSentTo('+15555550123');
    assert.equal(sms.body, `Your code: ${sms.code}`);
    const wrong = await awsErrorOf(() => respond(pool.ClientId, 'SMS_MFA', out.Session, { USERNAME: 'sam', SMS_MFA_CODE: sms.code === '111111' ? '222222' : '111111' }));
    assert.deepEqual([wrong.name, wrong.message], ['CodeMismatchException', 'Invalid code or auth state for the user.']);
    const ok = await respond(pool.ClientId, 'SMS_MFA', out.Session, { USERNAME: 'sam', SMS_MFA_CODE: sms.code });
    assert.ok(ok.AuthenticationResult?.AccessToken);
    const me = await s.idp.send(new GetUserCommand({ AccessToken: ok.AuthenticationResult!.AccessToken }));
    assert.deepEqual(me.UserMFASettingList, ['SMS_MFA']);
  });

  test('SMS and email on, none preferred: SELECT_MFA_TYPE, then EMAIL_OTP with the code by email', async () => {
    await s.idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.id, Username: 'sam', EmailMfaSettings: { Enabled: true } }));
    const out = await signIn(pool.ClientId, 'sam');
    assert.equal(out.ChallengeName, 'SELECT_MFA_TYPE');
    assert.deepEqual(JSON.parse(out.ChallengeParameters!.MFAS_CAN_CHOOSE!), ['SMS_MFA', 'EMAIL_OTP']);
    const bad = await awsErrorOf(() => respond(pool.ClientId, 'SELECT_MFA_TYPE', out.Session, { USERNAME: 'sam', ANSWER: 'SOFTWARE_TOKEN_MFA' }));
    assert.equal(bad.name, 'InvalidParameterException');
    const email = await respond(pool.ClientId, 'SELECT_MFA_TYPE', out.Session, { USERNAME: 'sam', ANSWER: 'EMAIL_OTP' });
    assert.equal(email.ChallengeName, 'EMAIL_OTP');
    assert.deepEqual(email.ChallengeParameters, { CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL', CODE_DELIVERY_DESTINATION: 's***@e***.com' });
    const mail = await codeSentTo('sam@example.com');
    assert.equal(mail.subject, 'Sign-in code');
    const ok = await respond(pool.ClientId, 'EMAIL_OTP', email.Session, { USERNAME: 'sam', EMAIL_OTP_CODE: mail.code });
    assert.ok(ok.AuthenticationResult);
  });

  test('a preferred factor is asked directly (AdminInitiateAuth too)', async () => {
    await s.idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.id, Username: 'sam', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
    const out = await s.idp.send(
      new AdminInitiateAuthCommand({ UserPoolId: pool.id, ClientId: pool.ClientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'sam', PASSWORD: PW } }),
    );
    assert.equal(out.ChallengeName, 'SMS_MFA');
    const { code } = await codeSentTo('+15555550123');
    const ok = await s.idp.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: pool.id,
        ClientId: pool.ClientId,
        ChallengeName: 'SMS_MFA',
        Session: out.Session,
        ChallengeResponses: { USERNAME: 'sam', SMS_MFA_CODE: code },
      }),
    );
    assert.ok(ok.AuthenticationResult);
    const admin = await s.idp.send(new AdminGetUserCommand({ UserPoolId: pool.id, Username: 'sam' }));
    assert.equal(admin.PreferredMfaSetting, 'SMS_MFA');
    assert.deepEqual(admin.UserMFASettingList, ['SMS_MFA', 'EMAIL_OTP']);
  });

  test('turning every factor off: no MFA again; (Admin)SetUserSettings turns SMS on through MFAOptions', async () => {
    await s.idp.send(
      new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.id, Username: 'sam', SMSMfaSettings: { Enabled: false }, EmailMfaSettings: { Enabled: false } }),
    );
    const out = await signIn(pool.ClientId, 'sam');
    assert.equal(out.ChallengeName, undefined);
    const AccessToken = out.AuthenticationResult!.AccessToken!;
    await s.idp.send(new SetUserSettingsCommand({ AccessToken, MFAOptions: [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }] }));
    const me = await s.idp.send(new GetUserCommand({ AccessToken }));
    assert.deepEqual(me.MFAOptions, [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }]);
    assert.deepEqual(me.UserMFASettingList, ['SMS_MFA']);
    assert.equal((await signIn(pool.ClientId, 'sam')).ChallengeName, 'SMS_MFA');
    await s.idp.send(new AdminSetUserSettingsCommand({ UserPoolId: pool.id, Username: 'sam', MFAOptions: [] }));
    const admin = await s.idp.send(new AdminGetUserCommand({ UserPoolId: pool.id, Username: 'sam' }));
    assert.equal(admin.MFAOptions, undefined);
    assert.equal(admin.UserMFASettingList, undefined);
  });
});

// ---------------------------------------------------------------------------------------------------------
// amazon-cognito-identity-js, unmodified: its MFA callbacks against the same server.

type Step =
  | { kind: 'success'; session: CognitoUserSession }
  | { kind: 'failure'; err: { code?: string; message: string } }
  | { kind: 'mfaSetup' | 'totpRequired' | 'mfaRequired' | 'selectMFAType'; name: string; params: Record<string, string> };

function callbacks(resolve: (s: Step) => void) {
  return {
    onSuccess: (session: CognitoUserSession) => resolve({ kind: 'success', session }),
    onFailure: (err: { code?: string; message: string }) => resolve({ kind: 'failure', err }),
    mfaSetup: (name: string, params: any) => resolve({ kind: 'mfaSetup', name, params }),
    totpRequired: (name: string, params: any) => resolve({ kind: 'totpRequired', name, params }),
    mfaRequired: (name: string, params: any) => resolve({ kind: 'mfaRequired', name, params }),
    selectMFAType: (name: string, params: any) => resolve({ kind: 'selectMFAType', name, params }),
  };
}

describe('amazon-cognito-identity-js', () => {
  let pool: { id: string; ClientId: string };
  const jsPool = () => new CognitoUserPool({ UserPoolId: pool.id, ClientId: pool.ClientId, endpoint: s.url + '/' });
  const authenticate = (user: CognitoUser, Username: string) =>
    new Promise<Step>((resolve) => user.authenticateUser(new AuthenticationDetails({ Username, Password: PW }), callbacks(resolve)));

  before(async () => {
    pool = await newPool('mfa-js', {
      MfaConfiguration: 'ON',
      SoftwareTokenMfaConfiguration: { Enabled: true },
      SmsMfaConfiguration: { SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::123456789012:role/sns' } },
    });
    await newUser(pool.id, 'jo', { phone_number: '+15555550199' });
  });

  test('mfaSetup → associateSoftwareToken → verifySoftwareToken, then totpRequired → sendMFACode', async () => {
    nextStep();
    const user = new CognitoUser({ Username: 'jo', Pool: jsPool() });
    const first = await authenticate(user, 'jo');
    assert.equal(first.kind, 'mfaSetup', JSON.stringify(first));
    const secret = await new Promise<string>((resolve, reject) =>
      user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject } as any),
    );
    const session = await new Promise<CognitoUserSession>((resolve, reject) =>
      user.verifySoftwareToken(totpCode(secret), 'My phone', { onSuccess: resolve, onFailure: reject } as any),
    );
    assert.equal(session.getIdToken().payload['cognito:username'], 'jo');

    nextStep();
    const again = new CognitoUser({ Username: 'jo', Pool: jsPool() });
    const second = await authenticate(again, 'jo');
    assert.equal(second.kind, 'totpRequired', JSON.stringify(second));
    const wrong = await new Promise<Step>((resolve) => again.sendMFACode('000000', callbacks(resolve), 'SOFTWARE_TOKEN_MFA'));
    assert.equal(wrong.kind === 'failure' && wrong.err.code, 'CodeMismatchException');
    const done = await new Promise<Step>((resolve) => again.sendMFACode(totpCode(secret), callbacks(resolve), 'SOFTWARE_TOKEN_MFA'));
    assert.equal(done.kind, 'success', JSON.stringify(done));
  });

  test('selectMFAType → sendMFASelectionAnswer → mfaRequired (SMS) → sendMFACode', async () => {
    await s.idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.id, Username: 'jo', SMSMfaSettings: { Enabled: true }, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: false } }));
    const user = new CognitoUser({ Username: 'jo', Pool: jsPool() });
    const first = await authenticate(user, 'jo');
    assert.equal(first.kind, 'selectMFAType', JSON.stringify(first));
    if (first.kind !== 'selectMFAType') return;
    assert.deepEqual(JSON.parse(first.params.MFAS_CAN_CHOOSE!).sort(), ['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);
    const sms = await new Promise<Step>((resolve) => user.sendMFASelectionAnswer('SMS_MFA', callbacks(resolve) as any));
    assert.equal(sms.kind, 'mfaRequired', JSON.stringify(sms));
    if (sms.kind !== 'mfaRequired') return;
    assert.equal(sms.params.CODE_DELIVERY_DESTINATION, '+********0199');
    const { code } = await codeSentTo('+15555550199');
    const done = await new Promise<Step>((resolve) => user.sendMFACode(code, callbacks(resolve)));
    assert.equal(done.kind, 'success', JSON.stringify(done));
  });

  /** A pool with MFA ON (TOTP) and this DeviceConfiguration, whose user enrolled TOTP through the library at first sign-in. */
  async function enrolledDevicePool(name: string, username: string, ChallengeRequiredOnNewDevice: boolean, DeviceOnlyRememberedOnUserPrompt: boolean) {
    const devPool = await newPool(
      name,
      { MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } },
      { DeviceConfiguration: { ChallengeRequiredOnNewDevice, DeviceOnlyRememberedOnUserPrompt } },
    );
    await newUser(devPool.id, username);
    const lib = () => new CognitoUserPool({ UserPoolId: devPool.id, ClientId: devPool.ClientId, endpoint: s.url + '/' });
    nextStep();
    const first = new CognitoUser({ Username: username, Pool: lib() });
    assert.equal((await authenticate(first, username)).kind, 'mfaSetup');
    const secret = await new Promise<string>((resolve, reject) => first.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject } as any));
    await new Promise<CognitoUserSession>((resolve, reject) => first.verifySoftwareToken(totpCode(secret), 'My phone', { onSuccess: resolve, onFailure: reject } as any));
    return { devPool, lib, secret };
  }

  test('remembered device: TOTP enrolled at first sign-in, confirmDevice after totpRequired, setDeviceStatusRemembered, then device SRP and no TOTP', async () => {
    // First sign-in: MFA_SETUP, the library enrols TOTP with the session.
    const { devPool, lib, secret } = await enrolledDevicePool('mfa-js-devices', 'rem', true, true);

    // Second sign-in: the TOTP challenge; the tokens carry NewDeviceMetadata and the library confirms the device.
    nextStep();
    const second = new CognitoUser({ Username: 'rem', Pool: lib() });
    assert.equal((await authenticate(second, 'rem')).kind, 'totpRequired');
    const confirmed = await new Promise<{ session: CognitoUserSession; necessary?: boolean }>((resolve, reject) =>
      second.sendMFACode(totpCode(secret), { onSuccess: (session: CognitoUserSession, necessary?: boolean) => resolve({ session, necessary }), onFailure: reject } as any, 'SOFTWARE_TOKEN_MFA'),
    );
    assert.equal(confirmed.necessary, true); // DeviceOnlyRememberedOnUserPrompt: the user is asked
    const deviceKey = decodeJwt(confirmed.session.getAccessToken().getJwtToken()).device_key as string;
    assert.ok(deviceKey);

    // Confirmed, not remembered: the TOTP challenge still comes; after the code, DEVICE_SRP_AUTH (the library keeps
    // the MFA Session for it), and the tokens carry this device's key — no new device.
    nextStep();
    const notRemembered = new CognitoUser({ Username: 'rem', Pool: lib() });
    assert.equal((await authenticate(notRemembered, 'rem')).kind, 'totpRequired');
    const mfaSession = (notRemembered as unknown as { Session: string }).Session;
    // Before its code is right, the MFA Session does not open DEVICE_SRP_AUTH, however often it is tried.
    for (let i = 0; i < 3; i++) {
      const early = await awsErrorOf(() => respond(devPool.ClientId, 'DEVICE_SRP_AUTH', mfaSession, { USERNAME: 'rem', DEVICE_KEY: deviceKey, SRP_A: 'ab' }));
      assert.equal(early.name, 'NotAuthorizedException');
    }
    const proved = await new Promise<Step>((resolve) => notRemembered.sendMFACode(totpCode(secret), callbacks(resolve), 'SOFTWARE_TOKEN_MFA'));
    assert.equal(proved.kind, 'success', JSON.stringify(proved));
    if (proved.kind !== 'success') return;
    assert.equal(decodeJwt(proved.session.getAccessToken().getJwtToken()).device_key, deviceKey);
    // That MFA Session opens DEVICE_SRP_AUTH once only.
    const replay = await awsErrorOf(() => respond(devPool.ClientId, 'DEVICE_SRP_AUTH', mfaSession, { USERNAME: 'rem', DEVICE_KEY: deviceKey, SRP_A: 'ab' }));
    assert.equal(replay.name, 'NotAuthorizedException');

    await new Promise<string>((resolve, reject) => second.setDeviceStatusRemembered({ onSuccess: resolve, onFailure: reject }));
    await new Promise<void>((resolve, reject) => second.signOut((e?: Error) => (e ? reject(e) : resolve())));

    // Third sign-in from the remembered device: DEVICE_SRP_AUTH answered by the library, no TOTP asked.
    nextStep();
    const third = new CognitoUser({ Username: 'rem', Pool: lib() });
    const done = await authenticate(third, 'rem');
    assert.equal(done.kind, 'success', JSON.stringify(done));
    if (done.kind !== 'success') return;
    assert.equal(decodeJwt(done.session.getAccessToken().getJwtToken()).device_key, deviceKey);

    // Through the AWS SDK: the DEVICE_KEY of a forgotten device is "Device does not exist.".
    await s.idp.send(new AdminForgetDeviceCommand({ UserPoolId: devPool.id, Username: 'rem', DeviceKey: deviceKey }));
    await assert.rejects(s.idp.send(new AdminGetDeviceCommand({ UserPoolId: devPool.id, Username: 'rem', DeviceKey: deviceKey })), {
      name: 'ResourceNotFoundException',
    });
    const err = await awsErrorOf(() =>
      s.idp.send(new InitiateAuthCommand({ ClientId: devPool.ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'rem', PASSWORD: PW, DEVICE_KEY: deviceKey } })),
    );
    assert.deepEqual({ name: err.name, message: err.message }, { name: 'ResourceNotFoundException', message: 'Device does not exist.' });
  });

  test('ChallengeRequiredOnNewDevice false: a remembered device still answers TOTP, then device SRP', async () => {
    const { devPool, lib, secret } = await enrolledDevicePool('mfa-js-devices-always', 'kim', false, false);
    nextStep();
    const second = new CognitoUser({ Username: 'kim', Pool: lib() });
    assert.equal((await authenticate(second, 'kim')).kind, 'totpRequired');
    const confirmed = await new Promise<Step>((resolve) => second.sendMFACode(totpCode(secret), callbacks(resolve), 'SOFTWARE_TOKEN_MFA'));
    assert.equal(confirmed.kind, 'success', JSON.stringify(confirmed));
    if (confirmed.kind !== 'success') return;
    const deviceKey = decodeJwt(confirmed.session.getAccessToken().getJwtToken()).device_key as string;
    const device = await s.idp.send(new AdminGetDeviceCommand({ UserPoolId: devPool.id, Username: 'kim', DeviceKey: deviceKey }));
    assert.equal(device.Device!.DeviceAttributes!.find((a) => a.Name === 'dev:device_remembered_status')?.Value, 'remembered');

    nextStep();
    const third = new CognitoUser({ Username: 'kim', Pool: lib() });
    assert.equal((await authenticate(third, 'kim')).kind, 'totpRequired');
    const done = await new Promise<Step>((resolve) => third.sendMFACode(totpCode(secret), callbacks(resolve), 'SOFTWARE_TOKEN_MFA'));
    assert.equal(done.kind, 'success', JSON.stringify(done));
    if (done.kind !== 'success') return;
    assert.equal(decodeJwt(done.session.getAccessToken().getJwtToken()).device_key, deviceKey);
  });
});

describe('MFA_SETUP answered with EMAIL', () => {
  test('{USERNAME, EMAIL} → EMAIL_OTP; the right code turns email MFA on and ends the sign-in; next sign-in asks EMAIL_OTP', async () => {
    const pool = await newPool('mfa-setup-email', {
      MfaConfiguration: 'ON',
      SoftwareTokenMfaConfiguration: { Enabled: true },
      EmailMfaConfiguration: { Subject: 'Sign-in code', Message: 'Code {####}' },
    });
    await newUser(pool.id, 'eve', { email: 'eve@example.com' });
    const out = await signIn(pool.ClientId, 'eve');
    assert.equal(out.ChallengeName, 'MFA_SETUP');
    assert.deepEqual(JSON.parse(out.ChallengeParameters!.MFAS_CAN_SETUP!).sort(), ['EMAIL_OTP', 'SOFTWARE_TOKEN_MFA']);
    // Another address is refused (Cognate's limit), nothing changed: the session still answers.
    const other = await awsErrorOf(() => respond(pool.ClientId, 'MFA_SETUP', out.Session, { USERNAME: 'eve', EMAIL: 'mallory@example.com' }));
    assert.equal(other.name, 'InvalidParameterException');
    const email = await respond(pool.ClientId, 'MFA_SETUP', out.Session, { USERNAME: 'eve', EMAIL: 'eve@example.com' });
    assert.equal(email.ChallengeName, 'EMAIL_OTP');
    assert.equal(email.ChallengeParameters!.CODE_DELIVERY_DELIVERY_MEDIUM, 'EMAIL');
    const wrong = await awsErrorOf(() => respond(pool.ClientId, 'EMAIL_OTP', email.Session, { USERNAME: 'eve', EMAIL_OTP_CODE: '000000' }));
    assert.equal(wrong.name, 'CodeMismatchException');
    assert.equal((await s.idp.send(new AdminGetUserCommand({ UserPoolId: pool.id, Username: 'eve' }))).UserMFASettingList, undefined);
    const { code } = await codeSentTo('eve@example.com');
    const ok = await respond(pool.ClientId, 'EMAIL_OTP', email.Session, { USERNAME: 'eve', EMAIL_OTP_CODE: code });
    assert.ok(ok.AuthenticationResult?.AccessToken);
    assert.deepEqual((await s.idp.send(new AdminGetUserCommand({ UserPoolId: pool.id, Username: 'eve' }))).UserMFASettingList, ['EMAIL_OTP']);
    const again = await signIn(pool.ClientId, 'eve');
    assert.equal(again.ChallengeName, 'EMAIL_OTP');
  });

  test('a pool without email MFA refuses EMAIL at MFA_SETUP', async () => {
    const pool = await newPool('mfa-setup-no-email', { MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } });
    await newUser(pool.id, 'fay', { email: 'fay@example.com' });
    const out = await signIn(pool.ClientId, 'fay');
    const err = await awsErrorOf(() => respond(pool.ClientId, 'MFA_SETUP', out.Session, { USERNAME: 'fay', EMAIL: 'fay@example.com' }));
    assert.deepEqual({ name: err.name, message: err.message }, { name: 'InvalidParameterException', message: 'Email MFA is not enabled for this user pool.' });
  });
});

describe('MFA ON: a verified authenticator turned off is still asked for', () => {
  test('SetUserMFAPreference turning TOTP off does not open MFA_SETUP to anyone with the password', async () => {
    const pool = await newPool('mfa-on-turned-off', { MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } });
    await newUser(pool.id, 'vic');
    const first = await signIn(pool.ClientId, 'vic');
    assert.equal(first.ChallengeName, 'MFA_SETUP');
    const assoc = await s.idp.send(new AssociateSoftwareTokenCommand({ Session: first.Session }));
    const verified = await s.idp.send(new VerifySoftwareTokenCommand({ Session: assoc.Session, UserCode: totpCode(assoc.SecretCode!) }));
    const done = await respond(pool.ClientId, 'MFA_SETUP', verified.Session, { USERNAME: 'vic' });
    // The user (or a thief of one access token) turns TOTP off: the pool requires MFA, so this cannot drop the factor.
    await s.idp.send(new SetUserMFAPreferenceCommand({ AccessToken: done.AuthenticationResult!.AccessToken!, SoftwareTokenMfaSettings: { Enabled: false } }));
    // Someone who knows only the password must still answer the victim's authenticator, not enrol one of their own.
    const next = await signIn(pool.ClientId, 'vic');
    assert.equal(next.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    nextStep();
    const ok = await respond(pool.ClientId, 'SOFTWARE_TOKEN_MFA', next.Session, { USERNAME: 'vic', SOFTWARE_TOKEN_MFA_CODE: totpCode(assoc.SecretCode!) });
    assert.ok(ok.AuthenticationResult?.AccessToken);
  });
});

describe('MFA ON without TOTP in the pool: MFA_SETUP cannot be passed with an authenticator the pool does not ask for', () => {
  test('AssociateSoftwareToken with the MFA_SETUP Session of an SMS-only pool is refused, and no tokens follow', async () => {
    const pool = await newPool('mfa-on-sms-only', {
      MfaConfiguration: 'ON',
      SmsMfaConfiguration: { SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::123456789012:role/sns' } },
    });
    await newUser(pool.id, 'nophone');
    const first = await signIn(pool.ClientId, 'nophone');
    assert.equal(first.ChallengeName, 'MFA_SETUP');
    assert.deepEqual(first.ChallengeParameters, { MFAS_CAN_SETUP: '["SMS_MFA"]' });
    // TOTP enrolled here would end the sign-in with tokens and never be asked again (the pool does not offer it).
    const assoc = await awsErrorOf(() => s.idp.send(new AssociateSoftwareTokenCommand({ Session: first.Session })));
    assert.equal(assoc.name, 'InvalidParameterException');
    const stored = await s.deps.store.users.get(pool.id, 'nophone');
    assert.equal((stored!.mfa as { totpPending?: unknown } | undefined)?.totpPending, undefined);
  });
});

describe('AdminDeleteSoftwareToken and AdminGetUserAuthFactors', () => {
  test('a lost phone: the TOTP factor and its preference go, email MFA stays; MFA ON with TOTP only asks MFA_SETUP again', async () => {
    const pool = await newPool('mfa-delete-totp', {
      MfaConfiguration: 'ON',
      SoftwareTokenMfaConfiguration: { Enabled: true },
      EmailMfaConfiguration: { Subject: 'Sign-in code', Message: 'Code {####}' },
    });
    await newUser(pool.id, 'lou', { email: 'lou@example.com' });
    // Enrol TOTP at the first sign-in (MFA_SETUP), then turn email on too, TOTP preferred.
    const first = await signIn(pool.ClientId, 'lou');
    assert.equal(first.ChallengeName, 'MFA_SETUP');
    const assoc = await s.idp.send(new AssociateSoftwareTokenCommand({ Session: first.Session }));
    const verified = await s.idp.send(new VerifySoftwareTokenCommand({ Session: assoc.Session, UserCode: totpCode(assoc.SecretCode!) }));
    const done = await respond(pool.ClientId, 'MFA_SETUP', verified.Session, { USERNAME: 'lou' });
    assert.ok(done.AuthenticationResult?.AccessToken);
    await s.idp.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: pool.id,
        Username: 'lou',
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
        EmailMfaSettings: { Enabled: true },
      }),
    );
    const before = await s.idp.send(new AdminGetUserAuthFactorsCommand({ UserPoolId: pool.id, Username: 'lou' }));
    assert.equal(before.Username, 'lou');
    assert.equal(before.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
    assert.deepEqual([...before.UserMFASettingList!].sort(), ['EMAIL_OTP', 'SOFTWARE_TOKEN_MFA']);
    assert.deepEqual(before.ConfiguredUserAuthFactors, ['PASSWORD']);
    assert.equal((await signIn(pool.ClientId, 'lou')).ChallengeName, 'SOFTWARE_TOKEN_MFA');

    await s.idp.send(new AdminDeleteSoftwareTokenCommand({ UserPoolId: pool.id, Username: 'lou' }));
    const after = await s.idp.send(new AdminGetUserAuthFactorsCommand({ UserPoolId: pool.id, Username: 'lou' }));
    assert.equal(after.PreferredMfaSetting, undefined);
    assert.deepEqual(after.UserMFASettingList, ['EMAIL_OTP']);
    const admin = await s.idp.send(new AdminGetUserCommand({ UserPoolId: pool.id, Username: 'lou' }));
    assert.deepEqual(admin.UserMFASettingList, ['EMAIL_OTP']);
    // The seed is gone from the stored user.
    const stored = await s.deps.store.users.get(pool.id, 'lou');
    assert.equal((stored!.mfa as { totp?: unknown }).totp, undefined);
    // Sign-in falls back to the factor that remains.
    const next = await signIn(pool.ClientId, 'lou');
    assert.equal(next.ChallengeName, 'EMAIL_OTP');
    // TOTP cannot be turned back on without a new authenticator.
    const again = await awsErrorOf(() =>
      s.idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.id, Username: 'lou', SoftwareTokenMfaSettings: { Enabled: true } })),
    );
    assert.equal(again.name, 'InvalidParameterException');
    // Without email MFA either, the pool's required MFA asks for a new enrolment.
    await s.idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.id, Username: 'lou', EmailMfaSettings: { Enabled: false } }));
    await s.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.id, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } }));
    assert.equal((await signIn(pool.ClientId, 'lou')).ChallengeName, 'MFA_SETUP');
    // Deleting again changes nothing and is not an error.
    await s.idp.send(new AdminDeleteSoftwareTokenCommand({ UserPoolId: pool.id, Username: 'lou' }));
  });

  test('unknown users and pools are refused; the calls need the admin signature', async () => {
    const pool = await newPool('mfa-delete-totp-errors', { MfaConfiguration: 'OFF' });
    for (const send of [
      () => s.idp.send(new AdminDeleteSoftwareTokenCommand({ UserPoolId: pool.id, Username: 'nobody' })),
      () => s.idp.send(new AdminGetUserAuthFactorsCommand({ UserPoolId: pool.id, Username: 'nobody' })),
    ]) {
      const e = await awsErrorOf(send);
      assert.deepEqual([e.name, e.message], ['UserNotFoundException', 'User does not exist.']);
    }
    const noPool = await awsErrorOf(() => s.idp.send(new AdminGetUserAuthFactorsCommand({ UserPoolId: 'us-east-1_nopool', Username: 'x' })));
    assert.equal(noPool.name, 'ResourceNotFoundException');
    const unsigned = await fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.AdminDeleteSoftwareToken' },
      body: JSON.stringify({ UserPoolId: pool.id, Username: 'x' }),
    });
    assert.notEqual(unsigned.status, 200);
  });
});
