import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { makeDelivery, readOutbox } from '../../runtime/delivery.ts';
import { seededRandom } from '../../runtime/random.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord } from '../../storage/records.ts';
import { createSettings } from '../domain/pools.ts';
import { openCredentials } from '../domain/passwords.ts';
import type { CreateUserPoolClientRequest, CreateUserPoolRequest, SignUpRequest } from '../shapes.ts';
import createClient from './create-user-pool-client.ts';
import op from './sign-up.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const PASSWORD = 'Passw0rd!';
type TestDeps = Awaited<ReturnType<typeof makeTestDeps>>;
let deps: TestDeps;
let n = 0;

before(async () => {
  deps = await makeTestDeps({ clock: new FixedClock(), random: seededRandom(7) });
});

/** A pool with the settings CreateUserPool would give it, inserted straight into the store (no signing keys). */
async function newPool(input: Omit<CreateUserPoolRequest, 'PoolName'> = {}): Promise<PoolRecord> {
  const id = `us-east-1_signup${++n}`;
  const now = deps.clock.now();
  const pool: PoolRecord = {
    id,
    name: id,
    arn: `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${id}`,
    createdAt: now,
    updatedAt: now,
    version: 1,
    settings: createSettings(input),
    tags: {},
  };
  await deps.store.pools.create(pool, [], 1000);
  return pool;
}

async function newClient(poolId: string, more: Partial<CreateUserPoolClientRequest> = {}) {
  return (await createClient.handle({ UserPoolId: poolId, ClientName: 'app', ...more }, deps, ctx)).UserPoolClient!;
}

async function setup(pool: Omit<CreateUserPoolRequest, 'PoolName'> = { AutoVerifiedAttributes: ['email'] }, client: Partial<CreateUserPoolClientRequest> = {}) {
  const p = await newPool(pool);
  const c = await newClient(p.id, client);
  const signUp = (req: Partial<SignUpRequest> & { Username: string }) =>
    op.handle({ ClientId: c.ClientId!, Password: PASSWORD, ...req }, deps, ctx);
  return { pool: p, client: c, signUp };
}

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    return [(e as { code?: string }).code ?? String(e), (e as Error).message];
  }
  assert.fail('expected an error');
}

const lastMessage = async (to: string) => (await readOutbox(deps, to, 1))[0];

test('signs up an UNCONFIRMED user and sends the code to the auto-verified email', async () => {
  const { pool, signUp } = await setup();
  const out = await signUp({ Username: 'alice', UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }, { Name: 'name', Value: 'Alice' }] });
  assert.deepEqual(checkOutput(model, 'SignUp', out), []);
  assert.equal(out.UserConfirmed, false);
  assert.match(out.UserSub, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(out.CodeDeliveryDetails, { Destination: 'a***@e***.com', DeliveryMedium: 'EMAIL', AttributeName: 'email' });

  const user = (await deps.store.users.get(pool.id, 'alice'))!;
  assert.equal(user.status, 'UNCONFIRMED');
  assert.equal(user.sub, out.UserSub);
  assert.deepEqual(user.attributes, { email: 'alice@example.com', name: 'Alice' });
  assert.equal(user.enabled, true);
  const creds = openCredentials(deps, user);
  assert.ok(await deps.hashing.verify(creds.passwordHash!, PASSWORD));
  assert.match(creds.srpVerifierHex!, /^[0-9a-f]+$/);

  const m = (await lastMessage('alice@example.com'))!;
  assert.equal(m.channel, 'email');
  assert.equal(m.poolId, pool.id);
  assert.equal(m.subject, 'Your verification code');
  assert.match(m.body, /^Your verification code is \d{6}\. $/);
  assert.equal(m.delivery, 'outbox-only');
  assert.equal(m.sentAt, deps.clock.now());
  const code = await deps.store.codes.get(pool.id, 'alice', 'signup');
  assert.ok(code && !code.codeHash.includes(m.body.match(/\d{6}/)![0]), 'only a hash of the code is stored');
  assert.equal(code.expiresAt - code.createdAt, 24 * 3600 * 1000);
});

test('without an auto-verified attribute no code is sent and no CodeDeliveryDetails answered', async () => {
  const { signUp } = await setup({});
  const out = await signUp({ Username: 'quiet', UserAttributes: [{ Name: 'email', Value: 'quiet@example.com' }] });
  assert.deepEqual(Object.keys(out).sort(), ['UserConfirmed', 'UserSub']);
  assert.equal(await lastMessage('quiet@example.com'), undefined);
});

test('with email and phone both auto-verified the code goes by SMS only', async () => {
  const { signUp } = await setup({ AutoVerifiedAttributes: ['email', 'phone_number'] });
  const out = await signUp({
    Username: 'both',
    UserAttributes: [
      { Name: 'email', Value: 'both@example.com' },
      { Name: 'phone_number', Value: '+15555550123' },
    ],
  });
  assert.deepEqual(out.CodeDeliveryDetails, { Destination: '+********0123', DeliveryMedium: 'SMS', AttributeName: 'phone_number' });
  const sms = (await lastMessage('+15555550123'))!;
  assert.equal(sms.channel, 'sms');
  assert.equal(sms.subject, null);
  assert.match(sms.body, /^Your verification code is \d{6}\. $/);
  assert.equal(await lastMessage('both@example.com'), undefined);
});

test('the pool\'s VerificationMessageTemplate, else its legacy messages, word the code message', async () => {
  const { signUp } = await setup({
    AutoVerifiedAttributes: ['email'],
    VerificationMessageTemplate: { EmailSubject: 'Welcome {username}', EmailMessage: 'Code {####} for {username}', DefaultEmailOption: 'CONFIRM_WITH_CODE' },
  });
  await signUp({ Username: 'tpl', UserAttributes: [{ Name: 'email', Value: 'tpl@example.com' }] });
  const m = (await lastMessage('tpl@example.com'))!;
  assert.equal(m.subject, 'Welcome {username}');
  assert.match(m.body, /^Code \d{6} for \{username\}$/, '{username} is not filled in verification messages');

  const legacy = await setup({ AutoVerifiedAttributes: ['phone_number'], SmsVerificationMessage: 'Your code: {####}' });
  await legacy.signUp({ Username: 'sms', UserAttributes: [{ Name: 'phone_number', Value: '+15555550199' }] });
  assert.match((await lastMessage('+15555550199'))!.body, /^Your code: \d{6}$/);
});

test('a taken username is UsernameExistsException; case-insensitive pools compare lower-cased', async () => {
  const { signUp } = await setup();
  await signUp({ Username: 'Bob' });
  assert.deepEqual(await errorOf(signUp({ Username: 'Bob' })), ['UsernameExistsException', 'User already exists']);
  await signUp({ Username: 'bob' }); // case-sensitive (API default)

  const ci = await setup({ UsernameConfiguration: { CaseSensitive: false } });
  await ci.signUp({ Username: 'Carol' });
  assert.deepEqual(await errorOf(ci.signUp({ Username: 'CAROL' })), ['UsernameExistsException', 'User already exists']);
  const stored = (await deps.store.users.get(ci.pool.id, 'carol'))!;
  assert.equal(stored.username, 'Carol', 'the name is kept as given');
});

test('SECRET_HASH: required for a client with a secret, checked over username + client id', async () => {
  const { client, signUp } = await setup({}, { GenerateSecret: true });
  assert.deepEqual(await errorOf(signUp({ Username: 'sec' })), [
    'NotAuthorizedException',
    `Client ${client.ClientId} is configured for secret but secret was not received`,
  ]);
  assert.deepEqual(await errorOf(signUp({ Username: 'sec', SecretHash: 'bm90IGl0' })), [
    'NotAuthorizedException',
    `Unable to verify secret hash for client ${client.ClientId}`,
  ]);
  const hash = createHmac('sha256', client.ClientSecret!).update('sec' + client.ClientId).digest('base64');
  const out = await signUp({ Username: 'sec', SecretHash: hash });
  assert.equal(out.UserConfirmed, false);
});

test('pools where only administrators create users refuse SignUp', async () => {
  const { signUp } = await setup({ AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
  assert.deepEqual(await errorOf(signUp({ Username: 'x' })), ['NotAuthorizedException', 'SignUp is not permitted for this user pool']);
});

test('the password policy and a missing password', async () => {
  const { signUp, client } = await setup();
  assert.deepEqual(await errorOf(signUp({ Username: 'weak', Password: 'short' })), [
    'InvalidPasswordException',
    'Password did not conform with policy: Password not long enough',
  ]);
  assert.deepEqual(await errorOf(op.handle({ ClientId: client.ClientId!, Username: 'nopw' }, deps, ctx)), [
    'InvalidParameterException',
    "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null",
  ]);
});

test('an unknown client is ResourceNotFoundException', async () => {
  assert.deepEqual(await errorOf(op.handle({ ClientId: 'nosuchclient00000000000000', Username: 'u', Password: PASSWORD }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool client nosuchclient00000000000000 does not exist.',
  ]);
});

test('email-as-username pools: a UUID username equal to sub, the email as attribute, one account per email', async () => {
  const { pool, signUp } = await setup({ UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'] });
  const out = await signUp({ Username: 'Dana@Example.com' });
  const user = (await deps.store.users.getBySub(pool.id, out.UserSub))!;
  assert.equal(user.username, out.UserSub);
  assert.deepEqual(user.attributes, { email: 'Dana@Example.com' });
  assert.deepEqual(out.CodeDeliveryDetails, { Destination: 'D***@E***.com', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
  assert.deepEqual(await errorOf(signUp({ Username: 'dana@example.com' })), [
    'UsernameExistsException',
    'An account with the given email already exists.',
  ]);
  assert.deepEqual(await errorOf(signUp({ Username: 'dana' })), ['InvalidParameterException', 'Username should be an email.']);

  const both = await setup({ UsernameAttributes: ['email', 'phone_number'] });
  assert.deepEqual(await errorOf(both.signUp({ Username: 'dana' })), [
    'InvalidParameterException',
    'Username should be either an email or a phone number.',
  ]);
  const byPhone = await both.signUp({ Username: '+15555550100' });
  const phoneUser = (await deps.store.users.getBySub(both.pool.id, byPhone.UserSub))!;
  assert.deepEqual(phoneUser.attributes, { phone_number: '+15555550100' });
  assert.deepEqual(await errorOf(both.signUp({ Username: '+15555550100' })), [
    'UsernameExistsException',
    'An account with the given phone_number already exists.',
  ]);
});

test('alias pools refuse a username in the alias\'s format', async () => {
  const { signUp } = await setup({ AliasAttributes: ['email'] });
  assert.deepEqual(await errorOf(signUp({ Username: 'erin@example.com' })), [
    'InvalidParameterException',
    'Username cannot be of email format, since user pool is configured for email alias.',
  ]);
  await signUp({ Username: 'erin', UserAttributes: [{ Name: 'email', Value: 'erin@example.com' }] });
});

test('attributes are checked against the schema, its constraints and the client\'s write permissions', async () => {
  const { signUp } = await setup({
    Schema: [
      { Name: 'email', Required: true, AttributeDataType: 'String' },
      { Name: 'nickname', Required: true, AttributeDataType: 'String' },
      { Name: 'tier', AttributeDataType: 'Number', NumberAttributeConstraints: { MinValue: '1', MaxValue: '3' } },
      { Name: 'team', AttributeDataType: 'String', StringAttributeConstraints: { MaxLength: '5' } },
    ],
  });
  assert.deepEqual(await errorOf(signUp({ Username: 'f', UserAttributes: [{ Name: 'favorite_flavor', Value: 'x' }, { Name: 'custom:x', Value: 'y' }] })), [
    'InvalidParameterException',
    'Attributes did not conform to the schema: favorite_flavor: Attribute does not exist in the schema.\n' +
      'custom:x: Attribute does not exist in the schema.\n' +
      'nickname: The attribute is required\nemail: The attribute is required\n', // in the schema's order
  ]);
  // Many bad attributes: each problem once, at most 20, then how many more (20,000 made a 1 MB answer).
  const many = Array.from({ length: 2000 }, (_, i) => ({ Name: `custom:x${i % 50}`, Value: 'y' }));
  const [name, message] = await errorOf(signUp({ Username: 'f', UserAttributes: many }));
  assert.equal(name, 'InvalidParameterException');
  assert.equal(message.split('\n').filter((l) => l.includes('Attribute does not exist')).length, 20, message);
  assert.match(message, /\n\.\.\. and 32 more\n$/); // 50 unknown names + 2 required ones, 20 shown
  const req = [
    { Name: 'email', Value: 'f@example.com' },
    { Name: 'nickname', Value: 'eff' },
  ];
  assert.deepEqual(await errorOf(signUp({ Username: 'f', UserAttributes: [...req, { Name: 'custom:tier', Value: '9' }, { Name: 'custom:team', Value: 'toolong' }] })), [
    'InvalidParameterException',
    'Attributes did not conform to the schema: custom:tier: Number must be no greater than 3\ncustom:team: String must be no longer than 5 characters\n',
  ]);
  assert.deepEqual(await errorOf(signUp({ Username: 'f', UserAttributes: [{ Name: 'email', Value: 'not-an-email' }, req[1]!] })), [
    'InvalidParameterException',
    'Invalid email address format.',
  ]);
  assert.deepEqual(await errorOf(signUp({ Username: 'f', UserAttributes: [...req, { Name: 'phone_number', Value: '555-0100' }] })), [
    'InvalidParameterException',
    'Invalid phone number format.',
  ]);
  assert.deepEqual(await errorOf(signUp({ Username: 'f', UserAttributes: [...req, { Name: 'email_verified', Value: 'true' }] })), [
    'NotAuthorizedException',
    'A client attempted to write unauthorized attribute',
  ]);
  const out = await signUp({ Username: 'f', UserAttributes: [...req, { Name: 'custom:tier', Value: '2' }, { Name: 'custom:team', Value: 'red' }] });
  assert.equal(out.UserConfirmed, false);
});

test('a client with WriteAttributes may write only those', async () => {
  const { signUp } = await setup({ AutoVerifiedAttributes: ['email'] }, { WriteAttributes: ['email', 'name'] });
  assert.deepEqual(await errorOf(signUp({ Username: 'g', UserAttributes: [{ Name: 'nickname', Value: 'gee' }] })), [
    'NotAuthorizedException',
    'A client attempted to write unauthorized attribute',
  ]);
  // A name the pool lacks is unauthorized too for such a client (amplify-js#5345).
  assert.deepEqual(await errorOf(signUp({ Username: 'g', UserAttributes: [{ Name: 'phonenumber', Value: '1' }] })), [
    'NotAuthorizedException',
    'A client attempted to write unauthorized attribute',
  ]);
  await signUp({ Username: 'g', UserAttributes: [{ Name: 'email', Value: 'g@example.com' }, { Name: 'name', Value: 'Gee' }] });
});

test('when the code cannot be sent the user is kept, the outbox records the failure, CodeDeliveryFailureException', async () => {
  const failing = await makeTestDeps({ clock: new FixedClock() });
  failing.delivery = makeDelivery(failing, {
    email: {
      async send() {
        throw new Error('connect ECONNREFUSED 127.0.0.1:25');
      },
    },
  });
  const saved = deps;
  deps = failing;
  try {
    const { pool, signUp } = await setup();
    assert.deepEqual(await errorOf(signUp({ Username: 'h', UserAttributes: [{ Name: 'email', Value: 'h@example.com' }] })), [
      'CodeDeliveryFailureException',
      'Invalid email provided/Unable to send the email',
    ]);
    assert.equal((await deps.store.users.get(pool.id, 'h'))!.status, 'UNCONFIRMED');
    const m = (await lastMessage('h@example.com'))!;
    assert.equal(m.delivery, 'failed: connect ECONNREFUSED 127.0.0.1:25');
    assert.ok(failing.logger.entries.some((e) => e.msg === 'message delivery failed' && !JSON.stringify(e).includes(m.body)));
  } finally {
    deps = saved;
  }
});
