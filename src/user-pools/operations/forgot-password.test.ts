import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import { createTestClient, createTestPool, createTestUser, secretHashOf, type TestClient, type TestUserOptions } from '../../../test/support/users.ts';
import { verifyCode } from '../domain/codes.ts';
import type { CreateUserPoolClientRequest, CreateUserPoolRequest } from '../shapes.ts';
import op from './forgot-password.ts';
import { readOutbox } from '../../runtime/delivery.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const HOUR = 3600_000;
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let clock: FixedClock;
let n = 0;

before(async () => {
  clock = new FixedClock();
  deps = await makeTestDeps({ clock });
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.ForgotPassword!.errors.includes(code), `${code} is not declared for ForgotPassword`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

const EMAIL = { email: 'alice@example.com', email_verified: 'true' };
const PHONE = { phone_number: '+15555550100', phone_number_verified: 'true' };

async function setup(poolIn: Partial<CreateUserPoolRequest> = {}, clientIn: Partial<CreateUserPoolClientRequest> = {}) {
  const pool = await createTestPool(deps, { PoolName: `forgot${++n}`, AutoVerifiedAttributes: ['email'], ...poolIn });
  const client = await createTestClient(deps, pool.id, clientIn);
  const forgot = (Username: string, SecretHash?: string) => op.handle({ ClientId: client.id, Username, SecretHash }, deps, ctx);
  const user = (username: string, o: TestUserOptions = {}) => createTestUser(deps, pool, username, 'Passw0rd!', o);
  return { pool, client, forgot, user };
}

async function outboxTo(to: string) {
  return readOutbox(deps, to, 10);
}

async function codeSentTo(to: string): Promise<string> {
  const [m] = await outboxTo(to);
  assert.ok(m, `a message to ${to}`);
  return /\d{6}/.exec(m.body)![0];
}

test('sends a one-hour reset code to the verified email and answers where it went', async () => {
  const { pool, forgot, user } = await setup();
  await user('alice', { attributes: EMAIL });
  const out = await forgot('alice');
  assert.deepEqual(out, { CodeDeliveryDetails: { Destination: 'a***@e***.com', DeliveryMedium: 'EMAIL', AttributeName: 'email' } });
  assert.deepEqual(checkOutput(model, 'ForgotPassword', out), []);
  const [m] = await outboxTo('alice@example.com');
  assert.equal(m!.subject, 'Your verification code');
  assert.match(m!.body, /^Your verification code is \d{6}\. $/);
  const record = (await deps.store.codes.get(pool.id, 'alice', 'forgot'))!;
  assert.equal(record.expiresAt - record.createdAt, HOUR);
  assert.deepEqual(record.data, { attribute: 'email', value: 'alice@example.com' });
  await verifyCode(deps, { poolId: pool.id, username: 'alice', purpose: 'forgot', code: await codeSentTo('alice@example.com') });
});

test('without AccountRecoverySetting a verified phone number is preferred, then a verified email', async () => {
  const { forgot, user } = await setup({ AutoVerifiedAttributes: ['email', 'phone_number'] });
  await user('bob', { attributes: { ...EMAIL, email: 'bob@example.com', ...PHONE } });
  assert.deepEqual((await forgot('bob')).CodeDeliveryDetails, { Destination: '+********0100', DeliveryMedium: 'SMS', AttributeName: 'phone_number' });
  await user('bob2', { attributes: { email: 'bob2@example.com', email_verified: 'true', phone_number: '+15555550101', phone_number_verified: 'false' } });
  assert.equal((await forgot('bob2')).CodeDeliveryDetails!.DeliveryMedium, 'EMAIL');
});

test('AccountRecoverySetting priorities pick the channel; SMS MFA disqualifies the phone; admin_only refuses', async () => {
  const emailFirst = await setup({
    AccountRecoverySetting: {
      RecoveryMechanisms: [
        { Name: 'verified_phone_number', Priority: 2 },
        { Name: 'verified_email', Priority: 1 },
      ],
    },
  });
  await emailFirst.user('carol', { attributes: { email: 'carol@example.com', email_verified: 'true', ...PHONE } });
  assert.equal((await emailFirst.forgot('carol')).CodeDeliveryDetails!.DeliveryMedium, 'EMAIL');

  const phoneOnly = await setup({ AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_phone_number', Priority: 1 }] } });
  await phoneOnly.user('dan', { attributes: { ...PHONE }, mfa: { UserMFASettingList: ['SMS_MFA'] } });
  assert.deepEqual(await errorOf(phoneOnly.forgot('dan')), [
    'InvalidParameterException',
    'Cannot reset password for the user as there is no registered/verified email or phone_number',
  ]);
  await phoneOnly.user('dan2', { attributes: { ...PHONE } });
  assert.equal((await phoneOnly.forgot('dan2')).CodeDeliveryDetails!.DeliveryMedium, 'SMS');

  const adminOnly = await setup({ AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] } });
  await adminOnly.user('erin', { attributes: EMAIL });
  const [code] = await errorOf(adminOnly.forgot('erin'));
  assert.equal(code, 'InvalidParameterException');
});

test('the username may be a verified alias', async () => {
  const { pool, forgot, user } = await setup({ AliasAttributes: ['email'] });
  await user('frank', { attributes: { email: 'frank@example.com', email_verified: 'true' } });
  assert.equal((await forgot('frank@example.com')).CodeDeliveryDetails!.Destination, 'f***@e***.com');
  assert.ok(await deps.store.codes.get(pool.id, 'frank', 'forgot'));
});

test('unknown users: UserNotFoundException, or a simulated delivery (nothing sent) when the client hides users', async () => {
  const legacy = await setup();
  assert.deepEqual(await errorOf(legacy.forgot('nobody')), ['UserNotFoundException', 'Username/client id combination not found.']);

  const hiding = await setup({}, { PreventUserExistenceErrors: 'ENABLED' });
  const a = await hiding.forgot('nobody');
  assert.deepEqual(a, await hiding.forgot('nobody'), 'the same answer every time');
  assert.equal(a.CodeDeliveryDetails!.DeliveryMedium, 'EMAIL');
  assert.match(a.CodeDeliveryDetails!.Destination!, /^[a-z]\*\*\*@[a-z]\*\*\*\.com$/);
  assert.deepEqual(checkOutput(model, 'ForgotPassword', a), []);
  assert.deepEqual((await hiding.forgot('ghost@example.com')).CodeDeliveryDetails, {
    Destination: 'g***@e***.com',
    DeliveryMedium: 'EMAIL',
    AttributeName: 'email',
  });
  assert.deepEqual((await hiding.forgot('+15555550999')).CodeDeliveryDetails, {
    Destination: '+********0999',
    DeliveryMedium: 'SMS',
    AttributeName: 'phone_number',
  });
  assert.equal((await outboxTo('ghost@example.com')).length, 0);
});

test('no verified address: InvalidParameterException, or a simulated delivery when the client hides users', async () => {
  const legacy = await setup();
  await legacy.user('gina', { attributes: { email: 'gina@example.com', email_verified: 'false' } });
  assert.deepEqual(await errorOf(legacy.forgot('gina')), [
    'InvalidParameterException',
    'Cannot reset password for the user as there is no registered/verified email or phone_number',
  ]);
  // An UNCONFIRMED user has nothing verified yet.
  await legacy.user('uma', { status: 'UNCONFIRMED', attributes: { email: 'uma@example.com' } });
  assert.equal((await errorOf(legacy.forgot('uma')))[0], 'InvalidParameterException');

  const hiding = await setup({}, { PreventUserExistenceErrors: 'ENABLED' });
  await hiding.user('gina', { attributes: { email: 'gina@example.com' } });
  assert.equal((await hiding.forgot('gina')).CodeDeliveryDetails!.DeliveryMedium, 'EMAIL');
  assert.equal((await outboxTo('gina@example.com')).length, 0);
});

test('disabled users and users with a temporary password are refused (LEGACY) or answered alike (ENABLED)', async () => {
  const legacy = await setup();
  await legacy.user('hal', { enabled: false, attributes: EMAIL });
  assert.deepEqual(await errorOf(legacy.forgot('hal')), ['NotAuthorizedException', 'User is disabled.']);
  await legacy.user('ida', { status: 'FORCE_CHANGE_PASSWORD', attributes: EMAIL });
  assert.deepEqual(await errorOf(legacy.forgot('ida')), ['NotAuthorizedException', 'User password cannot be reset in the current state.']);

  const hiding = await setup({}, { PreventUserExistenceErrors: 'ENABLED' });
  await hiding.user('hal', { enabled: false, attributes: { email: 'hal@example.com', email_verified: 'true' } });
  // The same simulated answer as for a name nobody has: the real address is not revealed either.
  assert.match((await hiding.forgot('hal')).CodeDeliveryDetails!.Destination!, /^[a-z]\*\*\*@[a-z]\*\*\*\.com$/);
  assert.equal((await outboxTo('hal@example.com')).length, 0);
});

test('a RESET_REQUIRED user gets a code', async () => {
  const { pool, forgot, user } = await setup();
  await user('jack', { status: 'RESET_REQUIRED', attributes: { email: 'jack@example.com', email_verified: 'true' } });
  await forgot('jack');
  assert.ok(await deps.store.codes.get(pool.id, 'jack', 'forgot'));
});

test('five requests per user and hour, then LimitExceededException; a new code replaces the previous one', async () => {
  const { pool, forgot, user } = await setup();
  await user('kim', { attributes: { email: 'kim@example.com', email_verified: 'true' } });
  for (let i = 0; i < 5; i++) {
    clock.advance(1);
    await forgot('kim');
  }
  assert.deepEqual(await errorOf(forgot('kim')), ['LimitExceededException', 'Attempt limit exceeded, please try after some time.']);
  const last = await codeSentTo('kim@example.com');
  clock.advance(HOUR);
  await forgot('kim');
  const fresh = await codeSentTo('kim@example.com');
  if (fresh !== last)
    await assert.rejects(verifyCode(deps, { poolId: pool.id, username: 'kim', purpose: 'forgot', code: last }), { name: 'CodeMismatchException' });
});

test('a client with a secret needs the SECRET_HASH', async () => {
  const { client, forgot, user } = await setup({}, { GenerateSecret: true });
  await user('lee', { attributes: { email: 'lee@example.com', email_verified: 'true' } });
  const c = client as TestClient;
  assert.deepEqual(await errorOf(forgot('lee')), ['NotAuthorizedException', `Client ${c.id} is configured for secret but secret was not received`]);
  assert.deepEqual(await errorOf(forgot('lee', secretHashOf(c.secret!, 'someone', c.id))), [
    'NotAuthorizedException',
    `Unable to verify secret hash for client ${c.id}`,
  ]);
  assert.equal((await forgot('lee', secretHashOf(c.secret!, 'lee', c.id))).CodeDeliveryDetails!.DeliveryMedium, 'EMAIL');
});

test('an unknown client is ResourceNotFoundException', async () => {
  assert.deepEqual(await errorOf(op.handle({ ClientId: 'nosuchclient0000000000000', Username: 'x' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool client nosuchclient0000000000000 does not exist.',
  ]);
});


test('a hiding client limits every name alike: unknown, disabled and real users get the sixth request refused', async () => {
  const { forgot, user } = await setup({}, { PreventUserExistenceErrors: 'ENABLED' });
  await user('mia', { attributes: { email: 'mia@example.com', email_verified: 'true' } });
  await user('ned', { enabled: false, attributes: { email: 'ned@example.com', email_verified: 'true' } });
  for (const name of ['mia', 'nobody', 'ned']) {
    for (let i = 0; i < 5; i++) await forgot(name);
    assert.deepEqual(await errorOf(forgot(name)), ['LimitExceededException', 'Attempt limit exceeded, please try after some time.'], name);
  }
  clock.advance(HOUR);
  await forgot('nobody');
});

test('the hourly limit counts per user, not per spelling: case variants of an email or a case-insensitive username, and aliases, count together', async () => {
  const LIMITED = ['LimitExceededException', 'Attempt limit exceeded, please try after some time.'];
  const variants = (name: string) => [...Array(6)].map((_, i) => [...name].map((c, j) => ((i >> j) & 1 ? c.toUpperCase() : c)).join(''));
  for (const PreventUserExistenceErrors of ['ENABLED', 'LEGACY'] as const) {
    // Users sign in with their email (UsernameAttributes): every case spelling of it is the same user.
    const byEmail = await setup({ UsernameAttributes: ['email'] }, { PreventUserExistenceErrors });
    await byEmail.user('c0ffee00-0000-4000-8000-000000000001', { attributes: { email: 'victim@example.com', email_verified: 'true' } });
    const spellings = variants('victim@example.com');
    for (const name of spellings.slice(0, 5)) await byEmail.forgot(name);
    assert.deepEqual(await errorOf(byEmail.forgot(spellings[5]!)), LIMITED, `email, ${PreventUserExistenceErrors}`);

    // A case-insensitive username and a verified email alias of the same user.
    const ci = await setup({ UsernameConfiguration: { CaseSensitive: false }, AliasAttributes: ['email'] }, { PreventUserExistenceErrors });
    await ci.user('zoe', { attributes: { email: 'zoe@example.com', email_verified: 'true' } });
    for (const name of ['Zoe', 'zOe', 'ZOE', 'Zoe@example.com', 'zoe@EXAMPLE.com']) await ci.forgot(name);
    assert.deepEqual(await errorOf(ci.forgot('zoE')), LIMITED, `username, ${PreventUserExistenceErrors}`);
  }
  // A hiding client limits unknown names alike: per name as the sign-in lookup folds it.
  const hiding = await setup({ UsernameConfiguration: { CaseSensitive: false }, AliasAttributes: ['email'] }, { PreventUserExistenceErrors: 'ENABLED' });
  for (const unknown of ['ghost', 'ghost@example.com']) {
    const spellings = variants(unknown);
    for (const name of spellings.slice(0, 5)) await hiding.forgot(name);
    assert.deepEqual(await errorOf(hiding.forgot(spellings[5]!)), LIMITED, unknown);
  }
});

test('an admin_only pool refuses every name alike, whether or not it exists', async () => {
  const recovery = { AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'admin_only' as const, Priority: 1 }] } };
  for (const clientIn of [{}, { PreventUserExistenceErrors: 'ENABLED' as const }]) {
    const { forgot, user } = await setup(recovery, clientIn);
    await user('olga', { attributes: EMAIL });
    const real = await errorOf(forgot('olga'));
    assert.equal(real[0], 'InvalidParameterException');
    assert.deepEqual(await errorOf(forgot('nobody')), real);
  }
});

test('a hiding client answers before storing or sending the code; a delivery that throws is logged', async () => {
  const { pool, client, user } = await setup({}, { PreventUserExistenceErrors: 'ENABLED' });
  await user('pia', { attributes: { email: 'pia@example.com', email_verified: 'true' } });
  let fail: ((e: Error) => void) | undefined;
  const slow = { ...deps, delivery: { send: () => new Promise<never>((_, reject) => (fail = reject)) } };
  const answer = await op.handle({ ClientId: client.id, Username: 'pia' }, slow, ctx);
  assert.equal(answer.CodeDeliveryDetails!.Destination, 'p***@e***.com');
  assert.equal(await deps.store.codes.get(pool.id, 'pia', 'forgot'), null, 'no code stored before the answer');
  assert.equal(fail, undefined, 'nothing sent before the answer');
  for (let i = 0; i < 100 && !fail; i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(await deps.store.codes.get(pool.id, 'pia', 'forgot'), 'the code is stored after the answer');
  fail!(new Error('outbox unavailable'));
  await new Promise((r) => setImmediate(r));
  assert.ok(
    deps.logger.entries.some((e) => e.level === 'error' && e.fields?.error === 'outbox unavailable'),
    'the failure is logged',
  );
});

test('a hiding client answers a failed delivery like a sent one (recorded in the outbox); LEGACY says CodeDeliveryFailureException', async () => {
  const failing = { ...deps, delivery: { send: async () => ({ delivered: false, error: 'SMTP refused' }) } };
  const hiding = await setup({}, { PreventUserExistenceErrors: 'ENABLED' });
  await hiding.user('quinn', { attributes: { email: 'quinn@example.com', email_verified: 'true' } });
  assert.equal((await op.handle({ ClientId: hiding.client.id, Username: 'quinn' }, failing, ctx)).CodeDeliveryDetails!.DeliveryMedium, 'EMAIL');
  const legacy = await setup();
  await legacy.user('quinn', { attributes: { email: 'quinn@example.com', email_verified: 'true' } });
  assert.deepEqual(await errorOf(op.handle({ ClientId: legacy.client.id, Username: 'quinn' }, failing, ctx)), [
    'CodeDeliveryFailureException',
    'Invalid email provided/Unable to send the email',
  ]);
});
