// The outbox through the real SDK and HTTP: messages stored sealed by the master key, kept only until their code
// expires (confirmation 24 h, reset 1 h, invitation TemporaryPasswordValidityDays), pruned by housekeeping, and not
// kept at all when a transport delivered them, unless the server runs with --dev.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  AdminCreateUserCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  SignUpCommand,
  type CreateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { FixedClock } from '../../src/runtime/clock.ts';
import { readOutbox } from '../../src/runtime/delivery.ts';
import { housekeep } from '../../src/runtime/housekeeping.ts';
import { secretBox } from '../../src/runtime/secrets.ts';
import { fetchOutbox, signedOutboxHeaders } from '../support/outbox.ts';
import { startMailbox, type ReceivedMail, type TestMailbox } from '../support/smtp.ts';
import { awsErrorOf, startTestServer, type TestServer } from '../support/server.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PASSWORD = 'Passw0rd!';

async function newPool(s: TestServer, more: Partial<CreateUserPoolCommandInput> = {}): Promise<{ poolId: string; clientId: string }> {
  const poolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'outbox', AutoVerifiedAttributes: ['email'], ...more }))).UserPool!.Id!;
  const clientId = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }))).UserPoolClient!.ClientId!;
  return { poolId, clientId };
}

function signUp(s: TestServer, clientId: string, username: string, email: string) {
  return s.idp.send(
    new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }),
  );
}

/** Bodies of the messages the HTTP outbox (unsigned, --dev, from this machine) lists for `to`, newest first. */
async function bodiesTo(s: TestServer, to: string): Promise<string[]> {
  const { status, body } = await fetchOutbox(s.url, to);
  assert.equal(status, 200);
  return body.messages!.map((m) => m.body);
}

const codeIn = (body: string) => /\d{6}/.exec(body)![0];

describe('outbox in --dev mode: sealed rows that expire with their code', () => {
  const clock = new FixedClock(Date.now());
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ clock, config: { dev: true } });
  });
  after(() => s.close());

  test('a row holds neither the code nor the text, only a seal the master key opens', async () => {
    const { clientId } = await newPool(s, { EmailVerificationSubject: 'Welcome aboard', EmailVerificationMessage: 'Your code: {####}' });
    await signUp(s, clientId, 'ann', 'ann@example.com');
    const [body] = await bodiesTo(s, 'ann@example.com');
    const code = codeIn(body!);

    const [row] = await s.deps.store.outbox.list('ann@example.com', 1, clock.now());
    assert.ok(row);
    assert.equal(JSON.stringify(row).includes(code), false, 'the code is not in the stored row');
    assert.equal(JSON.stringify(row).includes('Welcome aboard'), false, 'nor the subject');
    assert.equal(JSON.stringify(row).includes('Your code'), false, 'nor the body');
    assert.deepEqual(JSON.parse(s.deps.secrets.decryptString(row.sealed)), { subject: 'Welcome aboard', body: `Your code: ${code}` });
    assert.throws(() => secretBox(randomBytes(32)).decrypt(row.sealed), /master key/, 'another master key cannot open it');
  });

  test('a confirmation code is kept 24 h, a reset code 1 h; housekeeping then deletes the rows', async () => {
    const { clientId } = await newPool(s);
    await signUp(s, clientId, 'bob', 'bob@example.com');
    const t0 = clock.now();
    const [signUpBody] = await bodiesTo(s, 'bob@example.com');
    await s.idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'bob', ConfirmationCode: codeIn(signUpBody!) }));
    clock.advance(1);
    await s.idp.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'bob' }));
    const [resetBody] = await bodiesTo(s, 'bob@example.com');
    assert.notEqual(resetBody, signUpBody);

    clock.set(t0 + 1 + HOUR - 1);
    assert.deepEqual(await bodiesTo(s, 'bob@example.com'), [resetBody, signUpBody]);
    clock.set(t0 + 1 + HOUR);
    assert.deepEqual(await bodiesTo(s, 'bob@example.com'), [signUpBody], 'the reset code expired after 1 h');
    clock.set(t0 + DAY - 1);
    assert.deepEqual(await bodiesTo(s, 'bob@example.com'), [signUpBody]);
    clock.set(t0 + DAY);
    assert.deepEqual(await bodiesTo(s, 'bob@example.com'), [], 'the confirmation code expired after 24 h');

    // The rows are still stored (a `now` before their expiry lists them) until housekeeping runs.
    assert.equal((await s.deps.store.outbox.list('bob@example.com', 10, t0)).length, 2);
    assert.ok((await housekeep(s.deps)) >= 2);
    assert.equal((await s.deps.store.outbox.list('bob@example.com', 10, t0)).length, 0, 'housekeeping deleted them');
  });

  test("an invitation's temporary password is kept for the pool's TemporaryPasswordValidityDays", async () => {
    const { poolId } = await newPool(s, { Policies: { PasswordPolicy: { MinimumLength: 8, TemporaryPasswordValidityDays: 2 } } });
    const t0 = clock.now();
    await s.idp.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'cat',
        TemporaryPassword: 'Temp-Pass-1',
        UserAttributes: [{ Name: 'email', Value: 'cat@example.com' }],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    const [invite] = await bodiesTo(s, 'cat@example.com');
    assert.match(invite!, /Temp-Pass-1/);
    clock.set(t0 + 2 * DAY - 1);
    assert.deepEqual(await bodiesTo(s, 'cat@example.com'), [invite]);
    clock.set(t0 + 2 * DAY);
    assert.deepEqual(await bodiesTo(s, 'cat@example.com'), []);
  });

  test('a row sealed by a master key this server lacks is left out (and logged), the others still listed', async () => {
    const now = clock.now();
    const foreign = secretBox(randomBytes(32)).encrypt(JSON.stringify({ subject: null, body: 'lost' }));
    await s.deps.store.outbox.add({ id: 'foreign', poolId: null, channel: 'sms', to: '+15555550999', sealed: foreign, sentAt: now, expiresAt: now + HOUR, delivery: 'outbox-only' });
    const own = s.deps.secrets.encrypt(JSON.stringify({ subject: null, body: 'kept' }));
    await s.deps.store.outbox.add({ id: 'own', poolId: null, channel: 'sms', to: '+15555550999', sealed: own, sentAt: now - 1, expiresAt: now + HOUR, delivery: 'outbox-only' });
    assert.deepEqual(
      (await readOutbox(s.deps, '+15555550999', 10)).map((m) => m.body),
      ['kept'],
    );
    assert.ok(s.deps.logger.entries.some((e) => e.msg === 'outbox message cannot be unsealed'));
  });
});

describe('outbox with a transport: a delivered message is not kept, unless --dev', () => {
  let mailbox: TestMailbox;
  let mails: ReceivedMail[] = [];
  let plain: TestServer;
  let dev: TestServer;

  before(async () => {
    mailbox = await startMailbox();
    mails = mailbox.mails;
    const smtpUrl = mailbox.url;
    plain = await startTestServer({ config: { smtpUrl } });
    dev = await startTestServer({ config: { smtpUrl, dev: true } });
  });
  after(async () => {
    await plain.close();
    await dev.close();
    await mailbox.close();
  });

  const signedRead = async (s: TestServer, to: string) =>
    fetchOutbox(s.url, to, await signedOutboxHeaders(s.url, to, s.deps.admin, s.deps.config.region));

  test('without --dev: the mailed code is in the mailbox only; the outbox (signed read) and the store are empty', async () => {
    const { clientId } = await newPool(plain);
    await signUp(plain, clientId, 'dan', 'dan@example.com');
    assert.ok(mails.some((m) => m.to.includes('dan@example.com')), 'the SMTP server got the mail');
    const { status, body } = await signedRead(plain, 'dan@example.com');
    assert.equal(status, 200);
    assert.deepEqual(body.messages, []);
    assert.deepEqual(await plain.deps.store.outbox.list('dan@example.com', 10, 0), []);
  });

  test('without --dev: a message the transport refused is kept (sealed) as failed', async () => {
    const { clientId } = await newPool(plain);
    const err = await awsErrorOf(() => signUp(plain, clientId, 'eve', 'refused-eve@example.com'));
    assert.equal(err.name, 'CodeDeliveryFailureException');
    const { body } = await signedRead(plain, 'refused-eve@example.com');
    assert.equal(body.messages!.length, 1);
    assert.match(body.messages![0]!.delivery, /^failed: .*550/);
    assert.match(body.messages![0]!.body, /^Your verification code is \d{6}\. $/);
  });

  test('with --dev: the mailed message is kept too, marked sent', async () => {
    const { clientId } = await newPool(dev);
    await signUp(dev, clientId, 'fay', 'fay@example.com');
    const mail = mails.find((m) => m.to.includes('fay@example.com'));
    assert.ok(mail);
    const { body } = await fetchOutbox(dev.url, 'fay@example.com');
    assert.equal(body.messages!.length, 1);
    assert.equal(body.messages![0]!.delivery, 'sent');
    assert.ok(mail.raw.includes(codeIn(body.messages![0]!.body)), 'the outbox holds what was mailed');
  });
});
