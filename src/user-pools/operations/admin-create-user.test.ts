import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord } from '../../storage/records.ts';
import { createTestClient, createTestPool, createTestUser, getTestUser, ALL_FLOWS } from '../../../test/support/users.ts';
import { adminAuthContext, initiateAuth, respondToAuthChallenge } from '../sign-in/index.ts';
import { generateTemporaryPassword } from '../domain/admin-users.ts';
import { checkPasswordPolicy, openCredentials } from '../domain/passwords.ts';
import type { AdminCreateUserRequest, CreateUserPoolRequest } from '../shapes.ts';
import op from './admin-create-user.ts';
import { readOutbox } from '../../runtime/delivery.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const TEMP = 'Temp0rary!';
const DAY = 86_400_000;
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let clock: FixedClock;

before(async () => {
  clock = new FixedClock();
  deps = await makeTestDeps({ clock });
});

/** The AWS error a call threw, [name, message]; the name must be one the model declares (or the documented AliasExists). */
async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    // AliasExistsException is documented for ForceAliasCreation=false though the model does not list it.
    assert.ok(model.operations.AdminCreateUser!.errors.includes(code) || code === 'AliasExistsException', `${code} is not declared for AdminCreateUser`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

const create = (pool: PoolRecord, req: Omit<AdminCreateUserRequest, 'UserPoolId'>) => op.handle({ UserPoolId: pool.id, ...req }, deps, ctx);

async function messagesTo(to: string) {
  return readOutbox(deps, to, 10);
}

async function newPool(over: Partial<CreateUserPoolRequest> = {}) {
  return createTestPool(deps, over);
}

test('creates a FORCE_CHANGE_PASSWORD user and answers the UserType', async () => {
  const pool = await newPool();
  const out = await create(pool, {
    Username: 'alice',
    TemporaryPassword: TEMP,
    UserAttributes: [
      { Name: 'email', Value: 'alice@example.com' },
      { Name: 'email_verified', Value: 'True' },
      { Name: 'name', Value: 'Alice' },
    ],
    ValidationData: [{ Name: 'x', Value: 'y' }],
    MessageAction: 'SUPPRESS',
  });
  assert.deepEqual(checkOutput(model, 'AdminCreateUser', out), []);
  const user = await getTestUser(deps, pool, 'alice');
  const t = clock.now() / 1000;
  assert.deepEqual(out, {
    User: {
      Username: 'alice',
      Attributes: [
        { Name: 'sub', Value: user.sub },
        { Name: 'email', Value: 'alice@example.com' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'name', Value: 'Alice' },
      ],
      UserCreateDate: t,
      UserLastModifiedDate: t,
      Enabled: true,
      UserStatus: 'FORCE_CHANGE_PASSWORD',
    },
  });
  assert.equal(user.passwordSetAt, clock.now());
  assert.ok(await deps.hashing.verify(openCredentials(deps, user).passwordHash!, TEMP));
  assert.deepEqual(await messagesTo('alice@example.com'), [], 'SUPPRESS sends nothing');
});

test('the invitation: default texts, by email when the user has no phone number; {username} is the name given', async () => {
  const pool = await newPool();
  await create(pool, { Username: 'bob', TemporaryPassword: TEMP, UserAttributes: [{ Name: 'email', Value: 'bob@example.com' }] });
  const [m] = await messagesTo('bob@example.com');
  assert.equal(m!.channel, 'email');
  assert.equal(m!.subject, 'Your temporary password');
  assert.equal(m!.body, `Your username is bob and temporary password is ${TEMP}.`);
});

test('the invitation: SMS by default when the user has a phone number; DesiredDeliveryMediums picks; the pool template', async () => {
  const pool = await newPool({
    AdminCreateUserConfig: {
      InviteMessageTemplate: { EmailSubject: 'Welcome', EmailMessage: 'Hi {username}, use {####}', SMSMessage: '{username}: {####}' },
    },
  });
  const attrs = [
    { Name: 'email', Value: 'carol@example.com' },
    { Name: 'phone_number', Value: '+15555550100' },
  ];
  await create(pool, { Username: 'carol', TemporaryPassword: TEMP, UserAttributes: attrs });
  assert.deepEqual(
    (await messagesTo('+15555550100')).map((m) => [m.channel, m.body]),
    [['sms', `carol: ${TEMP}`]],
  );
  assert.deepEqual(await messagesTo('carol@example.com'), []);

  await create(pool, {
    Username: 'dave',
    TemporaryPassword: TEMP,
    UserAttributes: [
      { Name: 'email', Value: 'dave@example.com' },
      { Name: 'phone_number', Value: '+15555550101' },
    ],
    DesiredDeliveryMediums: ['EMAIL', 'SMS'],
  });
  const [mail] = await messagesTo('dave@example.com');
  assert.deepEqual([mail!.subject, mail!.body], ['Welcome', `Hi dave, use ${TEMP}`]);
  assert.equal((await messagesTo('+15555550101')).length, 1);
});

test('a medium the user has no attribute for is refused before the user is created', async () => {
  const pool = await newPool();
  assert.deepEqual(await errorOf(create(pool, { Username: 'erin', DesiredDeliveryMediums: ['EMAIL'] })), [
    'InvalidParameterException',
    'No email provided but desired delivery medium was Email',
  ]);
  assert.deepEqual(
    await errorOf(create(pool, { Username: 'erin', DesiredDeliveryMediums: ['SMS'], UserAttributes: [{ Name: 'email', Value: 'erin@example.com' }] })),
    ['InvalidParameterException', 'No phone_number provided but desired delivery medium was Sms'],
  );
  assert.equal(await deps.store.users.get(pool.id, 'erin'), null);
  // With SUPPRESS no medium is needed, and a user without email or phone gets no message at all.
  await create(pool, { Username: 'erin', DesiredDeliveryMediums: ['EMAIL'], MessageAction: 'SUPPRESS' });
  await create(pool, { Username: 'frank' });
});

test('a template without {####} sends no invitation', async () => {
  const pool = await newPool({ AdminCreateUserConfig: { InviteMessageTemplate: { EmailMessage: 'Welcome {username}' } } });
  await create(pool, { Username: 'gina', UserAttributes: [{ Name: 'email', Value: 'gina@example.com' }] });
  assert.deepEqual(await messagesTo('gina@example.com'), []);
});

test('generated temporary passwords meet the policy, and the invitation carries the one stored', async () => {
  const pool = await newPool({
    Policies: { PasswordPolicy: { MinimumLength: 20, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
  });
  for (let i = 0; i < 20; i++) {
    const p = generateTemporaryPassword(deps, pool);
    assert.ok(p.length >= 20, p);
    checkPasswordPolicy(pool, p);
  }
  await create(pool, { Username: 'hank', UserAttributes: [{ Name: 'email', Value: 'hank@example.com' }] });
  const [m] = await messagesTo('hank@example.com');
  const temp = /temporary password is (.+)\.$/.exec(m!.body)![1]!;
  assert.ok(await deps.hashing.verify(openCredentials(deps, await getTestUser(deps, pool, 'hank')).passwordHash!, temp));
});

test('a TemporaryPassword must meet the policy', async () => {
  const pool = await newPool();
  assert.deepEqual(await errorOf(create(pool, { Username: 'ivy', TemporaryPassword: 'short' })), [
    'InvalidPasswordException',
    'Password did not conform with policy: Password not long enough',
  ]);
});

test('attributes: the schema and formats are checked, required ones may be left for the user, sub is not writable', async () => {
  const pool = await newPool({ Schema: [{ Name: 'name', AttributeDataType: 'String', Required: true, Mutable: true }] });
  await create(pool, { Username: 'jack', MessageAction: 'SUPPRESS' });
  assert.deepEqual(await errorOf(create(pool, { Username: 'kim', UserAttributes: [{ Name: 'custom:nope', Value: 'x' }] })), [
    'InvalidParameterException',
    'Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.\n',
  ]);
  assert.deepEqual(await errorOf(create(pool, { Username: 'kim', UserAttributes: [{ Name: 'email', Value: 'not-an-email' }] })), [
    'InvalidParameterException',
    'Invalid email address format.',
  ]);
  assert.deepEqual(await errorOf(create(pool, { Username: 'kim', UserAttributes: [{ Name: 'email_verified', Value: 'yes' }] })), [
    'InvalidParameterException',
    'Attributes did not conform to the schema: email_verified: Boolean expected\n',
  ]);
  assert.deepEqual(await errorOf(create(pool, { Username: 'kim', UserAttributes: [{ Name: 'sub', Value: 'x' }] })), [
    'InvalidParameterException',
    'Cannot modify the non-mutable attribute sub',
  ]);
});

test('a taken username: UsernameExistsException "User account already exists" (any case in a case-insensitive pool)', async () => {
  const pool = await newPool({ UsernameConfiguration: { CaseSensitive: false } });
  await create(pool, { Username: 'Liam', MessageAction: 'SUPPRESS' });
  assert.deepEqual(await errorOf(create(pool, { Username: 'liam', MessageAction: 'SUPPRESS' })), ['UsernameExistsException', 'User account already exists']);
  assert.deepEqual(await errorOf(create({ ...pool, id: 'us-east-1_nosuchpool' }, { Username: 'x' })), [
    'ResourceNotFoundException',
    'User pool us-east-1_nosuchpool does not exist.',
  ]);
});

test('a username is one user in every Unicode normal form: the NFD spelling of an NFC name is taken, and signs the user in', async () => {
  const nfc = 'Jos\u00e9';
  const nfd = 'Jose\u0301';
  for (const CaseSensitive of [true, false]) {
    const pool = await newPool({ UsernameConfiguration: { CaseSensitive } });
    await create(pool, { Username: nfc, TemporaryPassword: TEMP, MessageAction: 'SUPPRESS' });
    assert.deepEqual(await errorOf(create(pool, { Username: nfd, MessageAction: 'SUPPRESS' })), ['UsernameExistsException', 'User account already exists']);
    const client = await createTestClient(deps, pool.id, { ExplicitAuthFlows: ALL_FLOWS });
    const authCtx = await adminAuthContext(deps, pool.id, client.id);
    const first = await initiateAuth(deps, authCtx, { AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: nfd, PASSWORD: TEMP } });
    assert.equal(first.ChallengeName, 'NEW_PASSWORD_REQUIRED');
    assert.equal((await getTestUser(deps, pool, nfd)).username, nfc, 'the user keeps the name as created');
  }
});

test('email-as-username pools: a UUID username, the email as attribute, one account per email', async () => {
  const pool = await newPool({ UsernameAttributes: ['email'] });
  const out = await create(pool, { Username: 'mia@example.com', TemporaryPassword: TEMP });
  const username = out.User!.Username!;
  assert.match(username, /^[0-9a-f-]{36}$/);
  const user = await getTestUser(deps, pool, username);
  assert.equal(user.sub, username);
  assert.deepEqual(user.attributes, { email: 'mia@example.com' });
  const [m] = await messagesTo('mia@example.com');
  assert.equal(m!.body, `Your username is mia@example.com and temporary password is ${TEMP}.`);
  assert.deepEqual(await errorOf(create(pool, { Username: 'MIA@example.com' })), ['UsernameExistsException', 'An account with the given email already exists.']);
  assert.deepEqual(await errorOf(create(pool, { Username: 'mia' })), ['InvalidParameterException', 'Username should be an email.']);
});

test('a verified alias taken by another user: AliasExistsException, or moved with ForceAliasCreation', async () => {
  const pool = await newPool({ AliasAttributes: ['email'] });
  await createTestUser(deps, pool, 'nora', 'Passw0rd!', { attributes: { email: 'shared@example.com', email_verified: 'true' } });
  const verified = [
    { Name: 'email', Value: 'shared@example.com' },
    { Name: 'email_verified', Value: 'true' },
  ];
  assert.deepEqual(await errorOf(create(pool, { Username: 'oscar', UserAttributes: verified, MessageAction: 'SUPPRESS' })), [
    'AliasExistsException',
    'An account with the email already exists.',
  ]);
  assert.equal(await deps.store.users.get(pool.id, 'oscar'), null);
  await create(pool, { Username: 'oscar', UserAttributes: verified, MessageAction: 'SUPPRESS', ForceAliasCreation: true });
  assert.equal((await getTestUser(deps, pool, 'nora')).attributes.email_verified, 'false');
  assert.deepEqual(await errorOf(create(pool, { Username: 'a@b.com' })), [
    'InvalidParameterException',
    'Username cannot be of email format, since user pool is configured for email alias.',
  ]);
});

test('RESEND: a new temporary password, a fresh expiry and the invitation again; only for FORCE_CHANGE_PASSWORD users', async () => {
  const pool = await newPool();
  await create(pool, { Username: 'pat', TemporaryPassword: TEMP, UserAttributes: [{ Name: 'email', Value: 'pat@example.com' }] });
  const created = await getTestUser(deps, pool, 'pat');
  clock.advance(6 * DAY);
  const out = await create(pool, { Username: 'pat', MessageAction: 'RESEND', TemporaryPassword: 'An0ther-Temp' });
  assert.deepEqual(checkOutput(model, 'AdminCreateUser', out), []);
  assert.equal(out.User!.UserCreateDate, created.createdAt / 1000);
  assert.equal(out.User!.UserLastModifiedDate, clock.now() / 1000);
  const user = await getTestUser(deps, pool, 'pat');
  assert.equal(user.passwordSetAt, clock.now());
  assert.ok(await deps.hashing.verify(openCredentials(deps, user).passwordHash!, 'An0ther-Temp'));
  const [m] = await messagesTo('pat@example.com');
  assert.equal(m!.body, 'Your username is pat and temporary password is An0ther-Temp.');

  assert.deepEqual(await errorOf(create(pool, { Username: 'nobody', MessageAction: 'RESEND' })), ['UserNotFoundException', 'User does not exist.']);
  await createTestUser(deps, pool, 'quinn', 'Passw0rd!');
  assert.deepEqual(await errorOf(create(pool, { Username: 'quinn', MessageAction: 'RESEND' })), [
    'UnsupportedUserStateException',
    'Resend not possible. quinn status is not FORCE_CHANGE_PASSWORD',
  ]);
  // Without RESEND an existing user is a taken username.
  assert.deepEqual(await errorOf(create(pool, { Username: 'pat' })), ['UsernameExistsException', 'User account already exists']);
});

test('a failed delivery is CodeDeliveryFailureException, and the user stays created', async () => {
  const failing = await makeTestDeps({ clock, delivery: { send: async () => ({ delivered: false, error: 'smtp down' }) } });
  const pool = await createTestPool(failing);
  await assert.rejects(
    op.handle({ UserPoolId: pool.id, Username: 'rita', UserAttributes: [{ Name: 'email', Value: 'rita@example.com' }] }, failing, ctx),
    { name: 'CodeDeliveryFailureException', message: 'Invalid email provided/Unable to send the email' },
  );
  assert.equal((await failing.store.users.get(pool.id, 'rita'))!.status, 'FORCE_CHANGE_PASSWORD');
});

test('the user signs in: NEW_PASSWORD_REQUIRED with the missing required attributes, then tokens; temporary passwords expire', async () => {
  const pool = await newPool({ Schema: [{ Name: 'name', AttributeDataType: 'String', Required: true, Mutable: true }] });
  const client = await createTestClient(deps, pool.id, { ExplicitAuthFlows: ALL_FLOWS });
  await create(pool, { Username: 'sam', TemporaryPassword: TEMP, MessageAction: 'SUPPRESS' });
  const authCtx = await adminAuthContext(deps, pool.id, client.id);
  const first = await initiateAuth(deps, authCtx, { AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'sam', PASSWORD: TEMP } });
  assert.equal(first.ChallengeName, 'NEW_PASSWORD_REQUIRED');
  assert.equal(first.ChallengeParameters.requiredAttributes, '["userAttributes.name"]');
  const done = await respondToAuthChallenge(deps, authCtx, {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: first.Session,
    ChallengeResponses: { USERNAME: 'sam', NEW_PASSWORD: 'N3w-Passw0rd', 'userAttributes.name': 'Sam' },
  });
  assert.ok(done.AuthenticationResult?.AccessToken);
  const sam = await getTestUser(deps, pool, 'sam');
  assert.equal(sam.status, 'CONFIRMED');
  assert.equal(sam.attributes.name, 'Sam');

  await create(pool, { Username: 'tess', TemporaryPassword: TEMP, MessageAction: 'SUPPRESS' });
  clock.advance(7 * DAY + 1);
  await assert.rejects(
    initiateAuth(deps, authCtx, { AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'tess', PASSWORD: TEMP } }),
    { name: 'NotAuthorizedException', message: 'Temporary password has expired and must be reset by an administrator.' },
  );
  // RESEND starts the validity again.
  await create(pool, { Username: 'tess', MessageAction: 'RESEND', TemporaryPassword: TEMP });
  const again = await initiateAuth(deps, authCtx, { AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'tess', PASSWORD: TEMP } });
  assert.equal(again.ChallengeName, 'NEW_PASSWORD_REQUIRED');
});
