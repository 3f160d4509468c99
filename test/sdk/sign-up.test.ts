// Sign-up through the real AWS SDK: SignUp, ConfirmSignUp, ResendConfirmationCode, AdminConfirmSignUp and their
// errors; codes read from the outbox over HTTP (open in --dev, admin-signed otherwise); real SMTP and webhook delivery.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AdminConfirmSignUpCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
  type CreateUserPoolCommandInput,
  type CreateUserPoolClientCommandInput,
  type SignUpCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { SignatureV4 } from '@smithy/signature-v4';
// @aws-crypto/sha256-js 1.x is CommonJS with tslib re-exports that Node's ESM loader cannot name; take the namespace object.
import sha256js from '@aws-crypto/sha256-js';
import { startMailbox, type ReceivedMail, type TestMailbox } from '../support/smtp.ts';
import { startTestServer, awsErrorOf, type TestServer } from '../support/server.ts';

const { Sha256 } = sha256js;
const PASSWORD = 'Passw0rd!';

interface OutboxEntry {
  to: string;
  subject: string | null;
  body: string;
  sentAt: string;
  channel: string;
  delivery: string;
}

async function readOutbox(url: string, to: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/_cognate/outbox?to=${encodeURIComponent(to)}`, { headers });
  return { status: res.status, body: await res.json() };
}

/** The code in the newest message to `to`, read from the (open, --dev) outbox. */
async function codeSentTo(s: TestServer, to: string): Promise<string> {
  const { status, body } = await readOutbox(s.url, to);
  assert.equal(status, 200);
  const m = (body.messages as OutboxEntry[])[0];
  assert.ok(m, `a message to ${to}`);
  return /\d{6}/.exec(m.body)![0];
}

async function newPool(s: TestServer, more: Partial<CreateUserPoolCommandInput> = {}): Promise<string> {
  return (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'signup', AutoVerifiedAttributes: ['email'], ...more }))).UserPool!.Id!;
}

async function newClient(s: TestServer, poolId: string, more: Partial<CreateUserPoolClientCommandInput> = {}) {
  return (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ...more }))).UserPoolClient!;
}

const signUpInput = (ClientId: string, Username: string, more: Partial<SignUpCommandInput> = {}): SignUpCommandInput => ({
  ClientId,
  Username,
  Password: PASSWORD,
  ...more,
});

describe('in --dev mode (open outbox)', () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;

  before(async () => {
    s = await startTestServer({ config: { dev: true } });
    poolId = await newPool(s);
    clientId = (await newClient(s, poolId)).ClientId!;
  });
  after(() => s.close());

  test('sign up, read the code from the outbox, confirm', async () => {
    const out = await s.idp.send(
      new SignUpCommand(signUpInput(clientId, 'alice', { UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }] })),
    );
    assert.equal(out.UserConfirmed, false);
    assert.match(out.UserSub!, /^[0-9a-f-]{36}$/);
    assert.deepEqual(out.CodeDeliveryDetails, { Destination: 'a***@e***.com', DeliveryMedium: 'EMAIL', AttributeName: 'email' });

    const { body } = await readOutbox(s.url, 'alice@example.com');
    assert.equal(body.messages.length, 1);
    const m = body.messages[0] as OutboxEntry;
    assert.deepEqual(Object.keys(m), ['to', 'subject', 'body', 'sentAt', 'channel', 'delivery']);
    assert.equal(m.to, 'alice@example.com');
    assert.equal(m.subject, 'Your verification code');
    assert.match(m.body, /^Your verification code is \d{6}\. $/);
    assert.match(m.sentAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Math.abs(Date.parse(m.sentAt) - Date.now()) < 60_000);
    assert.equal(m.delivery, 'outbox-only');

    const code = /\d{6}/.exec(m.body)![0];
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'alice', ConfirmationCode: wrong }))), {
      name: 'CodeMismatchException',
      message: 'Invalid verification code provided, please try again.',
      status: 400,
    });
    assert.deepEqual(await s.idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'alice', ConfirmationCode: code })).then((o) => o.$metadata.httpStatusCode), 200);
    const user = (await s.deps.store.users.get(poolId, 'alice'))!;
    assert.equal(user.status, 'CONFIRMED');
    assert.equal(user.attributes.email_verified, 'true');

    assert.deepEqual(await awsErrorOf(() => s.idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'alice', ConfirmationCode: code }))), {
      name: 'NotAuthorizedException',
      message: 'User cannot be confirmed. Current status is CONFIRMED',
      status: 400,
    });
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'alice' }))), {
      name: 'InvalidParameterException',
      message: 'User is already confirmed.',
      status: 400,
    });
  });

  test('the outbox lists newest first; resending replaces the code', async () => {
    await s.idp.send(new SignUpCommand(signUpInput(clientId, 'bob', { UserAttributes: [{ Name: 'email', Value: 'bob@example.com' }] })));
    await new Promise((r) => setTimeout(r, 5));
    const resent = await s.idp.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'bob' }));
    assert.deepEqual(resent.CodeDeliveryDetails, { Destination: 'b***@e***.com', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    const { body } = await readOutbox(s.url, 'bob@example.com');
    assert.equal(body.messages.length, 2);
    assert.ok(Date.parse(body.messages[0].sentAt) > Date.parse(body.messages[1].sentAt), 'newest first');
    await s.idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'bob', ConfirmationCode: await codeSentTo(s, 'bob@example.com') }));
  });

  test('AdminConfirmSignUp, and the errors for unknown users', async () => {
    await s.idp.send(new SignUpCommand(signUpInput(clientId, 'carol', { UserAttributes: [{ Name: 'email', Value: 'carol@example.com' }] })));
    const out = await s.idp.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'carol' }));
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.equal((await s.deps.store.users.get(poolId, 'carol'))!.status, 'CONFIRMED');
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'carol' }))), {
      name: 'NotAuthorizedException',
      message: 'User cannot be confirmed. Current status is CONFIRMED',
      status: 400,
    });
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'nobody' }))), {
      name: 'UserNotFoundException',
      message: 'User does not exist.',
      status: 400,
    });
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'nobody', ConfirmationCode: '123456' }))), {
      name: 'UserNotFoundException',
      message: 'Username/client id combination not found.',
      status: 400,
    });
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'nobody' }))), {
      name: 'UserNotFoundException',
      message: 'Username/client id combination not found.',
      status: 400,
    });
    const hiding = (await newClient(s, poolId, { PreventUserExistenceErrors: 'ENABLED' })).ClientId!;
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new ConfirmSignUpCommand({ ClientId: hiding, Username: 'nobody', ConfirmationCode: '123456' }))), {
      name: 'CodeMismatchException',
      message: 'Invalid verification code provided, please try again.',
      status: 400,
    });
    const simulated = await s.idp.send(new ResendConfirmationCodeCommand({ ClientId: hiding, Username: 'nobody@example.com' }));
    assert.deepEqual(simulated.CodeDeliveryDetails, { Destination: 'n***@e***.com', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
  });

  test('SignUp errors: taken username, password policy, schema, write permissions, admin-only pools, unknown client', async () => {
    await s.idp.send(new SignUpCommand(signUpInput(clientId, 'dave')));
    const err = (input: SignUpCommandInput) => awsErrorOf(() => s.idp.send(new SignUpCommand(input)));
    assert.deepEqual(await err(signUpInput(clientId, 'dave')), { name: 'UsernameExistsException', message: 'User already exists', status: 400 });
    assert.deepEqual(await err(signUpInput(clientId, 'erin', { Password: 'password' })), {
      name: 'InvalidPasswordException',
      message: 'Password did not conform with policy: Password must have uppercase characters',
      status: 400,
    });
    assert.deepEqual(await err(signUpInput(clientId, 'erin', { UserAttributes: [{ Name: 'favorite_flavor', Value: 'x' }] })), {
      name: 'InvalidParameterException',
      message: 'Attributes did not conform to the schema: favorite_flavor: Attribute does not exist in the schema.\n',
      status: 400,
    });
    assert.deepEqual(await err(signUpInput(clientId, 'erin', { UserAttributes: [{ Name: 'email', Value: 'erin at example' }] })), {
      name: 'InvalidParameterException',
      message: 'Invalid email address format.',
      status: 400,
    });
    const restricted = (await newClient(s, poolId, { WriteAttributes: ['email'] })).ClientId!;
    assert.deepEqual(await err(signUpInput(restricted, 'erin', { UserAttributes: [{ Name: 'name', Value: 'Erin' }] })), {
      name: 'NotAuthorizedException',
      message: 'A client attempted to write unauthorized attribute',
      status: 400,
    });
    const adminOnly = await newPool(s, { AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
    const adminOnlyClient = (await newClient(s, adminOnly)).ClientId!;
    assert.deepEqual(await err(signUpInput(adminOnlyClient, 'erin')), {
      name: 'NotAuthorizedException',
      message: 'SignUp is not permitted for this user pool',
      status: 400,
    });
    assert.deepEqual(await err(signUpInput('nosuchclient00000000000000', 'erin')), {
      name: 'ResourceNotFoundException',
      message: 'User pool client nosuchclient00000000000000 does not exist.',
      status: 400,
    });
  });

  test('clients with a secret need SECRET_HASH on every public call', async () => {
    const c = await newClient(s, poolId, { GenerateSecret: true });
    const hash = (name: string) => createHmac('sha256', c.ClientSecret!).update(name + c.ClientId).digest('base64');
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new SignUpCommand(signUpInput(c.ClientId!, 'fay')))), {
      name: 'NotAuthorizedException',
      message: `Client ${c.ClientId} is configured for secret but secret was not received`,
      status: 400,
    });
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new SignUpCommand(signUpInput(c.ClientId!, 'fay', { SecretHash: hash('someone') })))), {
      name: 'NotAuthorizedException',
      message: `Unable to verify secret hash for client ${c.ClientId}`,
      status: 400,
    });
    await s.idp.send(new SignUpCommand(signUpInput(c.ClientId!, 'fay', { SecretHash: hash('fay'), UserAttributes: [{ Name: 'email', Value: 'fay@example.com' }] })));
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new ResendConfirmationCodeCommand({ ClientId: c.ClientId!, Username: 'fay' }))), {
      name: 'NotAuthorizedException',
      message: `Client ${c.ClientId} is configured for secret but secret was not received`,
      status: 400,
    });
    await s.idp.send(new ResendConfirmationCodeCommand({ ClientId: c.ClientId!, Username: 'fay', SecretHash: hash('fay') }));
    const code = await codeSentTo(s, 'fay@example.com');
    await s.idp.send(new ConfirmSignUpCommand({ ClientId: c.ClientId!, Username: 'fay', ConfirmationCode: code, SecretHash: hash('fay') }));
  });

  test('email-as-username pools: the email signs up and confirms, the username is the sub', async () => {
    const pool = await newPool(s, { UsernameAttributes: ['email'] });
    const client = (await newClient(s, pool)).ClientId!;
    const out = await s.idp.send(new SignUpCommand(signUpInput(client, 'Gina@Example.com')));
    assert.deepEqual(out.CodeDeliveryDetails, { Destination: 'G***@E***.com', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    const user = (await s.deps.store.users.getBySub(pool, out.UserSub!))!;
    assert.equal(user.username, out.UserSub);
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new SignUpCommand(signUpInput(client, 'gina@example.com')))), {
      name: 'UsernameExistsException',
      message: 'An account with the given email already exists.',
      status: 400,
    });
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new SignUpCommand(signUpInput(client, 'gina')))), {
      name: 'InvalidParameterException',
      message: 'Username should be an email.',
      status: 400,
    });
    const code = await codeSentTo(s, 'Gina@Example.com');
    await s.idp.send(new ConfirmSignUpCommand({ ClientId: client, Username: 'Gina@Example.com', ConfirmationCode: code }));
    assert.equal((await s.deps.store.users.getBySub(pool, out.UserSub!))!.attributes.email_verified, 'true');
  });

  test('case-insensitive pools: one user per name whatever its case', async () => {
    const pool = await newPool(s, { UsernameConfiguration: { CaseSensitive: false } });
    const client = (await newClient(s, pool)).ClientId!;
    await s.idp.send(new SignUpCommand(signUpInput(client, 'Hank', { UserAttributes: [{ Name: 'email', Value: 'hank@example.com' }] })));
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new SignUpCommand(signUpInput(client, 'HANK')))), {
      name: 'UsernameExistsException',
      message: 'User already exists',
      status: 400,
    });
    const code = await codeSentTo(s, 'hank@example.com');
    await s.idp.send(new ConfirmSignUpCommand({ ClientId: client, Username: 'hank', ConfirmationCode: code }));
    assert.equal((await s.deps.store.users.get(pool, 'hank'))!.status, 'CONFIRMED');
  });
});

describe('outbox access without --dev', () => {
  let s: TestServer;

  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  async function signedHeaders(creds: { accessKeyId: string; secretAccessKey: string }, to: string): Promise<Record<string, string>> {
    const url = new URL(s.url);
    const signer = new SignatureV4({ credentials: creds, region: s.deps.config.region, service: 'cognito-idp', sha256: Sha256 });
    const signed = await signer.sign({
      method: 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/_cognate/outbox',
      query: { to },
      headers: { host: url.host },
    });
    const { host: _host, ...headers } = signed.headers as Record<string, string>;
    return headers;
  }

  test('an unsigned read is refused: 403 MissingAuthenticationTokenException', async () => {
    const res = await fetch(`${s.url}/_cognate/outbox?to=x%40example.com`);
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException:');
    assert.deepEqual(await res.json(), { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
  });

  test('a read signed by the admin key as cognito-idp is answered', async () => {
    const poolId = await newPool(s);
    const clientId = (await newClient(s, poolId)).ClientId!;
    await s.idp.send(new SignUpCommand(signUpInput(clientId, 'ivy', { UserAttributes: [{ Name: 'email', Value: 'ivy@example.com' }] })));
    const { status, body } = await readOutbox(s.url, 'ivy@example.com', await signedHeaders(s.deps.admin, 'ivy@example.com'));
    assert.equal(status, 200);
    assert.equal(body.messages.length, 1);
    assert.match(body.messages[0].body, /^Your verification code is \d{6}\. $/);
  });

  test('a read signed by another key is refused', async () => {
    const { status, body } = await readOutbox(
      s.url,
      'ivy@example.com',
      await signedHeaders({ accessKeyId: 'AKIDSOMEONEELSE00001', secretAccessKey: 'not-the-admin-secret' }, 'ivy@example.com'),
    );
    assert.equal(status, 400);
    assert.equal(body.__type, 'UnrecognizedClientException');
  });
});

describe('real transports: SMTP email and the SMS webhook', () => {
  let s: TestServer;
  let mailbox: TestMailbox;
  let webhook: Server;
  let mails: ReceivedMail[] = [];
  const sms: { body: any; contentType: string | undefined }[] = [];
  let webhookStatus = 200;

  before(async () => {
    mailbox = await startMailbox();
    mails = mailbox.mails;

    webhook = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        sms.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), contentType: req.headers['content-type'] });
        res.statusCode = webhookStatus;
        res.end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', () => resolve()));
    const webhookPort = (webhook.address() as AddressInfo).port;

    s = await startTestServer({
      config: { dev: true, smtpUrl: mailbox.url, smsWebhookUrl: `http://127.0.0.1:${webhookPort}/sms` },
    });
  });
  after(async () => {
    await s.close();
    await mailbox.close();
    await new Promise<void>((resolve) => webhook.close(() => resolve()));
  });

  /** The text of a received mail: headers by name, and the body decoded from quoted-printable when so encoded. */
  function parseMail(raw: string): { headers: Record<string, string>; body: string } {
    const split = raw.indexOf('\r\n\r\n');
    const headers: Record<string, string> = {};
    for (const line of raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    let body = raw.slice(split + 4).replace(/\r\n$/, '');
    if (/quoted-printable/i.test(headers['content-transfer-encoding'] ?? ''))
      body = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return { headers, body };
  }

  test('the code email goes out by SMTP, from no-reply@<public host>, and is recorded as sent', async () => {
    const poolId = await newPool(s);
    const clientId = (await newClient(s, poolId)).ClientId!;
    await s.idp.send(new SignUpCommand(signUpInput(clientId, 'jack', { UserAttributes: [{ Name: 'email', Value: 'jack@example.com' }] })));
    const mail = mails.find((m) => m.to.includes('jack@example.com'))!;
    assert.ok(mail, 'the SMTP server received the mail');
    assert.equal(mail.from, 'no-reply@127.0.0.1');
    const { headers, body } = parseMail(mail.raw);
    assert.equal(headers.subject, 'Your verification code');
    assert.equal(headers.to, 'jack@example.com');
    assert.match(body, /^Your verification code is \d{6}\. $/);
    const code = /\d{6}/.exec(body)![0];
    const { body: box } = await readOutbox(s.url, 'jack@example.com');
    assert.equal(box.messages[0].delivery, 'sent');
    assert.equal(/\d{6}/.exec(box.messages[0].body)![0], code, 'the outbox holds what was mailed');
    await s.idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'jack', ConfirmationCode: code }));
  });

  test('the pool\'s EmailConfiguration From and ReplyTo are used', async () => {
    const poolId = await newPool(s, {
      EmailConfiguration: { EmailSendingAccount: 'DEVELOPER', From: 'Example App <app@example.com>', ReplyToEmailAddress: 'help@example.com' },
    });
    const clientId = (await newClient(s, poolId)).ClientId!;
    await s.idp.send(new SignUpCommand(signUpInput(clientId, 'kim', { UserAttributes: [{ Name: 'email', Value: 'kim@example.com' }] })));
    const mail = mails.find((m) => m.to.includes('kim@example.com'))!;
    assert.equal(mail.from, 'app@example.com');
    const { headers } = parseMail(mail.raw);
    assert.equal(headers.from, 'Example App <app@example.com>');
    assert.equal(headers['reply-to'], 'help@example.com');
  });

  test('an SMTP refusal keeps the user, records the failure and answers CodeDeliveryFailureException', async () => {
    const poolId = await newPool(s);
    const clientId = (await newClient(s, poolId)).ClientId!;
    assert.deepEqual(
      await awsErrorOf(() =>
        s.idp.send(new SignUpCommand(signUpInput(clientId, 'lee', { UserAttributes: [{ Name: 'email', Value: 'refused@example.com' }] }))),
      ),
      { name: 'CodeDeliveryFailureException', message: 'Invalid email provided/Unable to send the email', status: 400 },
    );
    assert.equal((await s.deps.store.users.get(poolId, 'lee'))!.status, 'UNCONFIRMED');
    const { body } = await readOutbox(s.url, 'refused@example.com');
    assert.equal(body.messages.length, 1);
    assert.match(body.messages[0].delivery, /^failed: .*550/);
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new SignUpCommand(signUpInput(clientId, 'lee')))), {
      name: 'UsernameExistsException',
      message: 'User already exists',
      status: 400,
    });
  });

  test('SMS codes are POSTed to the webhook as JSON {to, body, poolId}; a failing webhook is a delivery failure', async () => {
    const poolId = await newPool(s, { AutoVerifiedAttributes: ['phone_number'] });
    const clientId = (await newClient(s, poolId)).ClientId!;
    const out = await s.idp.send(
      new SignUpCommand(signUpInput(clientId, 'mia', { UserAttributes: [{ Name: 'phone_number', Value: '+15555550123' }] })),
    );
    assert.deepEqual(out.CodeDeliveryDetails, { Destination: '+********0123', DeliveryMedium: 'SMS', AttributeName: 'phone_number' });
    const got = sms.find((m) => m.body.to === '+15555550123')!;
    assert.equal(got.contentType, 'application/json');
    assert.deepEqual(Object.keys(got.body).sort(), ['body', 'poolId', 'to']);
    assert.equal(got.body.poolId, poolId);
    assert.match(got.body.body, /^Your verification code is \d{6}\. $/);
    const { body: box } = await readOutbox(s.url, '+15555550123');
    assert.equal(box.messages[0].delivery, 'sent');
    assert.equal(box.messages[0].channel, 'sms');
    assert.equal(box.messages[0].subject, null);

    webhookStatus = 503;
    try {
      assert.deepEqual(await awsErrorOf(() => s.idp.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'mia' }))), {
        name: 'CodeDeliveryFailureException',
        message: 'Invalid phone number provided/Unable to send the message.',
        status: 400,
      });
      const { body: after } = await readOutbox(s.url, '+15555550123');
      assert.equal(after.messages[0].delivery, 'failed: SMS webhook answered HTTP 503');
    } finally {
      webhookStatus = 200;
    }
    await s.idp.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'mia' }));
    const code = /\d{6}/.exec(sms.at(-1)!.body.body)![0];
    await s.idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'mia', ConfirmationCode: code }));
    assert.equal((await s.deps.store.users.get(poolId, 'mia'))!.attributes.phone_number_verified, 'true');
  });
});
