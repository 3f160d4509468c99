// MFA and one-time sign-in codes leave through the configured transports, not only the outbox: email codes (EMAIL_OTP
// MFA, USER_AUTH EMAIL_OTP) by SMTP to a real SMTP server (smtp-server), SMS codes (SMS_MFA, USER_AUTH SMS_OTP) by the
// SMS webhook (COGNATE_SMS_WEBHOOK_URL, a JSON POST {to, body, poolId}). The code read from what the transport received
// signs the user in; without --dev nothing delivered stays in the outbox. AWS SDK; PostgreSQL too when
// COGNATE_TEST_DATABASE_URL is set.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AdminSetUserMFAPreferenceCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { FixedClock } from '../../src/runtime/clock.ts';
import type { TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { startMailbox, type TestMailbox } from '../support/smtp.ts';
import { createConfirmedUser } from '../support/mfa.ts';

const PW = 'Passw0rd!';
const clock = new FixedClock(Date.now());
let s: TestServer;
let mailbox: TestMailbox;
let smsHook: Server;
const texts: { to: string; body: string; poolId: string }[] = [];

before(async () => {
  mailbox = await startMailbox();
  smsHook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      texts.push(JSON.parse(body));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => smsHook.listen(0, '127.0.0.1', () => resolve()));
  const smsWebhookUrl = `http://127.0.0.1:${(smsHook.address() as AddressInfo).port}/sms`;
  s = await startServerOnStoreUnderTest(clock, 'mfa_transports', 2, { smtpUrl: mailbox.url, smsWebhookUrl });
});
after(async () => {
  await s.close();
  await mailbox.close();
  await new Promise<void>((resolve) => smsHook.close(() => resolve()));
});
testOnPostgres(() => s);

/** A pool with MFA OPTIONAL (email and SMS factors), PASSWORD, EMAIL_OTP and SMS_OTP first, and a user with both addresses. */
async function setup(name: string, email: string, phone: string) {
  const UserPoolId = (
    await s.idp.send(new CreateUserPoolCommand({ PoolName: name, Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP'] } } }))
  ).UserPool!.Id!;
  await s.idp.send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId,
      MfaConfiguration: 'OPTIONAL',
      EmailMfaConfiguration: { Subject: 'Your sign-in code', Message: 'Sign-in code {####}' },
      SmsMfaConfiguration: { SmsAuthenticationMessage: 'SMS code {####}', SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::123456789012:role/sns' } },
    }),
  );
  const ClientId = (
    await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_USER_PASSWORD_AUTH'] }))
  ).UserPoolClient!.ClientId!;
  await createConfirmedUser(s.idp, UserPoolId, 'una', PW, { email, phone_number: phone });
  return { UserPoolId, ClientId };
}

/** The code in the newest mail the SMTP server received for `to`, and its raw text. */
function mailedCode(to: string): { code: string; raw: string } {
  const mail = [...mailbox.mails].reverse().find((m) => m.to.includes(to));
  assert.ok(mail, `the SMTP server received a mail for ${to}`);
  return { code: /Sign-in code (\d{6})/.exec(mail.raw)![1]!, raw: mail.raw };
}

/** The code in the newest SMS the webhook received for `to`. */
function textedCode(to: string): { code: string; body: string; poolId: string } {
  const sms = [...texts].reverse().find((t) => t.to === to);
  assert.ok(sms, `the SMS webhook received a message for ${to}`);
  return { code: /SMS code (\d{6})/.exec(sms.body)![1]!, body: sms.body, poolId: sms.poolId };
}

const respond = (ClientId: string, ChallengeName: string, Session: string | undefined, r: Record<string, string>) =>
  s.idp.send(new RespondToAuthChallengeCommand({ ClientId, ChallengeName: ChallengeName as 'EMAIL_OTP', Session, ChallengeResponses: { USERNAME: 'una', ...r } }));

test('EMAIL_OTP MFA: the code arrives by SMTP, not in the outbox, and signs the user in', async () => {
  const { UserPoolId, ClientId } = await setup('tr-email-mfa', 'una-mfa@example.com', '+15555550161');
  await s.idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId, Username: 'una', EmailMfaSettings: { Enabled: true, PreferredMfa: true } }));
  const out = await s.idp.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'una', PASSWORD: PW } }));
  assert.equal(out.ChallengeName, 'EMAIL_OTP');
  const { code, raw } = mailedCode('una-mfa@example.com');
  assert.match(raw, /^Subject: Your sign-in code\r?$/m);
  assert.deepEqual(await s.deps.store.outbox.list('una-mfa@example.com', 10, 0), []);
  assert.ok((await respond(ClientId, 'EMAIL_OTP', out.Session, { EMAIL_OTP_CODE: code })).AuthenticationResult?.AccessToken);
});

test('SMS_MFA: the code arrives through the SMS webhook, not in the outbox, and signs the user in', async () => {
  const { UserPoolId, ClientId } = await setup('tr-sms-mfa', 'una-sms@example.com', '+15555550162');
  await s.idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId, Username: 'una', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
  const out = await s.idp.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'una', PASSWORD: PW } }));
  assert.equal(out.ChallengeName, 'SMS_MFA');
  const { code, body, poolId } = textedCode('+15555550162');
  assert.equal(body, `SMS code ${code}`);
  assert.equal(poolId, UserPoolId);
  assert.deepEqual(await s.deps.store.outbox.list('+15555550162', 10, 0), []);
  assert.ok((await respond(ClientId, 'SMS_MFA', out.Session, { SMS_MFA_CODE: code })).AuthenticationResult?.AccessToken);
});

test('USER_AUTH EMAIL_OTP and SMS_OTP first factors: the codes arrive by SMTP and by the SMS webhook and sign in', async () => {
  const { ClientId } = await setup('tr-user-auth', 'una-otp@example.com', '+15555550163');
  const email = await s.idp.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: 'una', PREFERRED_CHALLENGE: 'EMAIL_OTP' } }));
  assert.equal(email.ChallengeName, 'EMAIL_OTP');
  const { code: emailed } = mailedCode('una-otp@example.com');
  assert.deepEqual(await s.deps.store.outbox.list('una-otp@example.com', 10, 0), []);
  assert.ok((await respond(ClientId, 'EMAIL_OTP', email.Session, { EMAIL_OTP_CODE: emailed })).AuthenticationResult?.AccessToken);

  const sms = await s.idp.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: 'una', PREFERRED_CHALLENGE: 'SMS_OTP' } }));
  assert.equal(sms.ChallengeName, 'SMS_OTP');
  const { code: texted } = textedCode('+15555550163');
  assert.deepEqual(await s.deps.store.outbox.list('+15555550163', 10, 0), []);
  assert.ok((await respond(ClientId, 'SMS_OTP', sms.Session, { SMS_OTP_CODE: texted })).AuthenticationResult?.AccessToken);
});
