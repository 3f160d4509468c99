// Administering users through the real AWS SDK: AdminCreateUser (invitations read from the outbox over HTTP, RESEND),
// the invited user's first sign-in (NEW_PASSWORD_REQUIRED → tokens) and an expired temporary password, AdminGetUser,
// AdminSetUserPassword, AdminResetUserPassword (→ PasswordResetRequiredException → ConfirmForgotPassword),
// AdminDisableUser / AdminEnableUser with the user's tokens, AdminDeleteUser and DeleteUser — and their errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminResetUserPasswordCommand,
  AdminSetUserPasswordCommand,
  ConfirmForgotPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type AdminCreateUserCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { awsErrorOf, startTestServer, type TestServer } from '../support/server.ts';
import { ALL_FLOWS } from '../support/users.ts';
import { FixedClock } from '../../src/runtime/clock.ts';

const DAY = 86_400_000;
const PW = 'Passw0rd!';
let s: TestServer;
// Near the real time (SigV4 allows 15 minutes of skew); moved by hand only around unsigned calls.
const clock = new FixedClock(Date.now());
let poolId: string;
let clientId: string;

before(async () => {
  s = await startTestServer({ clock, config: { dev: true } });
  poolId = (
    await s.idp.send(
      new CreateUserPoolCommand({
        PoolName: 'admin-users',
        AliasAttributes: ['email'],
        Schema: [{ Name: 'name', AttributeDataType: 'String', Required: true, Mutable: true }],
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      }),
    )
  ).UserPool!.Id!;
  clientId = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ALL_FLOWS })))
    .UserPoolClient!.ClientId!;
});
after(() => s.close());

interface OutboxEntry {
  to: string;
  subject: string | null;
  body: string;
  channel: string;
}

/** The messages to `to`, newest first, from the (open, --dev) outbox over HTTP. */
async function outbox(to: string): Promise<OutboxEntry[]> {
  const res = await fetch(`${s.url}/_cognate/outbox?to=${encodeURIComponent(to)}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { messages: OutboxEntry[] }).messages;
}

const createUser = (input: Omit<AdminCreateUserCommandInput, 'UserPoolId'>) => s.idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, ...input }));
const signIn = (USERNAME: string, PASSWORD: string) =>
  s.idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD } }));
const getUser = (Username: string) => s.idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username }));

async function tokensOf(username: string, password = PW): Promise<{ AccessToken: string }> {
  const out = await signIn(username, password);
  assert.ok(out.AuthenticationResult?.AccessToken, 'signed in');
  return { AccessToken: out.AuthenticationResult.AccessToken };
}

test('an invited user: the emailed temporary password, NEW_PASSWORD_REQUIRED with the missing required attribute, then tokens', async () => {
  const created = await createUser({ Username: 'alice', UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }] });
  const u = created.User!;
  assert.equal(u.Username, 'alice');
  assert.equal(u.UserStatus, 'FORCE_CHANGE_PASSWORD');
  assert.equal(u.Enabled, true);
  assert.ok(u.UserCreateDate instanceof Date && Math.abs(u.UserCreateDate.getTime() - clock.now()) < 1000);
  assert.deepEqual(u.Attributes!.map((a) => a.Name), ['sub', 'email']);

  const [invite, ...more] = await outbox('alice@example.com');
  assert.equal(more.length, 0);
  assert.equal(invite!.subject, 'Your temporary password');
  const temp = /^Your username is alice and temporary password is (.+)\.$/.exec(invite!.body)![1]!;

  const first = await signIn('alice', temp);
  assert.equal(first.ChallengeName, 'NEW_PASSWORD_REQUIRED');
  assert.equal(first.ChallengeParameters!.requiredAttributes, '["userAttributes.name"]');
  assert.deepEqual(JSON.parse(first.ChallengeParameters!.userAttributes!), { email: 'alice@example.com' });
  const done = await s.idp.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: first.Session,
      ChallengeResponses: { USERNAME: 'alice', NEW_PASSWORD: PW, 'userAttributes.name': 'Alice' },
    }),
  );
  const me = await s.idp.send(new GetUserCommand({ AccessToken: done.AuthenticationResult!.AccessToken! }));
  assert.equal(me.Username, 'alice');

  const got = await getUser('alice');
  assert.equal(got.UserStatus, 'CONFIRMED');
  assert.equal(got.Enabled, true);
  assert.deepEqual(
    got.UserAttributes!.filter((a) => a.Name !== 'sub'),
    [
      { Name: 'email', Value: 'alice@example.com' },
      { Name: 'name', Value: 'Alice' },
    ],
  );
  assert.equal(got.UserAttributes![0]!.Value, u.Attributes![0]!.Value, 'the same sub');
  assert.ok(got.UserCreateDate instanceof Date && got.UserLastModifiedDate instanceof Date);
  assert.equal(got.MFAOptions, undefined);
});

test('a temporary password expires after TemporaryPasswordValidityDays; RESEND sends a new one that works', async () => {
  await createUser({ Username: 'bob', TemporaryPassword: 'Temp0rary!', UserAttributes: [{ Name: 'email', Value: 'bob@example.com' }] });
  const now = clock.now();
  clock.advance(7 * DAY + 60_000);
  try {
    // InitiateAuth is unsigned, so the moved clock affects only the password's age.
    assert.deepEqual(await awsErrorOf(() => signIn('bob', 'Temp0rary!')), {
      name: 'NotAuthorizedException',
      message: 'Temporary password has expired and must be reset by an administrator.',
      status: 400,
    });
  } finally {
    clock.set(now);
  }
  const resent = await createUser({ Username: 'bob', MessageAction: 'RESEND', DesiredDeliveryMediums: ['EMAIL'] });
  assert.equal(resent.User!.UserStatus, 'FORCE_CHANGE_PASSWORD');
  const [invite] = await outbox('bob@example.com');
  const temp = /temporary password is (.+)\.$/.exec(invite!.body)![1]!;
  assert.notEqual(temp, 'Temp0rary!');
  assert.equal((await signIn('bob', temp)).ChallengeName, 'NEW_PASSWORD_REQUIRED');
  assert.deepEqual(await awsErrorOf(() => signIn('bob', 'Temp0rary!')), { name: 'NotAuthorizedException', message: 'Incorrect username or password.', status: 400 });
});

test('AdminCreateUser errors: a taken name, a weak temporary password, a missing medium, RESEND to the wrong users, a taken alias', async () => {
  await createUser({ Username: 'carol', MessageAction: 'SUPPRESS' });
  assert.deepEqual(await awsErrorOf(() => createUser({ Username: 'carol' })), { name: 'UsernameExistsException', message: 'User account already exists', status: 400 });
  assert.deepEqual(await awsErrorOf(() => createUser({ Username: 'dave', TemporaryPassword: 'weak' })), {
    name: 'InvalidPasswordException',
    message: 'Password did not conform with policy: Password not long enough',
    status: 400,
  });
  assert.deepEqual(await awsErrorOf(() => createUser({ Username: 'dave', DesiredDeliveryMediums: ['EMAIL'] })), {
    name: 'InvalidParameterException',
    message: 'No email provided but desired delivery medium was Email',
    status: 400,
  });
  assert.deepEqual(await awsErrorOf(() => createUser({ Username: 'nobody', MessageAction: 'RESEND' })), {
    name: 'UserNotFoundException',
    message: 'User does not exist.',
    status: 400,
  });
  assert.deepEqual(await awsErrorOf(() => createUser({ Username: 'alice', MessageAction: 'RESEND' })), {
    name: 'UnsupportedUserStateException',
    message: 'Resend not possible. alice status is not FORCE_CHANGE_PASSWORD',
    status: 400,
  });
  const verified = [
    { Name: 'email', Value: 'shared@example.com' },
    { Name: 'email_verified', Value: 'true' },
  ];
  await createUser({ Username: 'erin', UserAttributes: verified, MessageAction: 'SUPPRESS' });
  assert.deepEqual(await awsErrorOf(() => createUser({ Username: 'frank', UserAttributes: verified, MessageAction: 'SUPPRESS' })), {
    name: 'AliasExistsException',
    message: 'An account with the email already exists.',
    status: 400,
  });
  await createUser({ Username: 'frank', UserAttributes: verified, MessageAction: 'SUPPRESS', ForceAliasCreation: true });
  assert.equal((await getUser('shared@example.com')).Username, 'frank', 'the alias moved');
  assert.deepEqual(await awsErrorOf(() => createUser({ Username: 'x', UserPoolId: 'us-east-1_nosuchpool' } as AdminCreateUserCommandInput)), {
    name: 'ResourceNotFoundException',
    message: 'User pool us-east-1_nosuchpool does not exist.',
    status: 400,
  });
});

test('AdminGetUser by alias and sub; unknown users', async () => {
  const { User } = await createUser({
    Username: 'gina',
    UserAttributes: [
      { Name: 'email', Value: 'gina@example.com' },
      { Name: 'email_verified', Value: 'true' },
    ],
    MessageAction: 'SUPPRESS',
  });
  const sub = User!.Attributes!.find((a) => a.Name === 'sub')!.Value!;
  assert.equal((await getUser('gina@example.com')).Username, 'gina');
  assert.equal((await getUser(sub)).Username, 'gina');
  assert.deepEqual(await awsErrorOf(() => getUser('nobody')), { name: 'UserNotFoundException', message: 'User does not exist.', status: 400 });
});

test('AdminSetUserPassword: permanent → CONFIRMED and signs in; temporary → FORCE_CHANGE_PASSWORD; the policy applies', async () => {
  await createUser({ Username: 'hank', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'name', Value: 'Hank' }] });
  await s.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'hank', Password: PW, Permanent: true }));
  assert.equal((await getUser('hank')).UserStatus, 'CONFIRMED');
  await tokensOf('hank');
  await s.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'hank', Password: 'Temp0rary!', Permanent: false }));
  assert.equal((await getUser('hank')).UserStatus, 'FORCE_CHANGE_PASSWORD');
  assert.equal((await signIn('hank', 'Temp0rary!')).ChallengeName, 'NEW_PASSWORD_REQUIRED');
  assert.deepEqual(
    await awsErrorOf(() => s.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'hank', Password: 'nouppercase1!', Permanent: true }))),
    { name: 'InvalidPasswordException', message: 'Password did not conform with policy: Password must have uppercase characters', status: 400 },
  );
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'nobody', Password: PW }))), {
    name: 'UserNotFoundException',
    message: 'User does not exist.',
    status: 400,
  });
});

test('AdminResetUserPassword: sign-in then PasswordResetRequiredException; the emailed code resets the password', async () => {
  await createUser({
    Username: 'ivy',
    MessageAction: 'SUPPRESS',
    UserAttributes: [
      { Name: 'email', Value: 'ivy@example.com' },
      { Name: 'email_verified', Value: 'true' },
      { Name: 'name', Value: 'Ivy' },
    ],
  });
  await s.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'ivy', Password: PW, Permanent: true }));
  await s.idp.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: 'ivy' }));
  assert.equal((await getUser('ivy')).UserStatus, 'RESET_REQUIRED');
  assert.deepEqual(await awsErrorOf(() => signIn('ivy', PW)), {
    name: 'PasswordResetRequiredException',
    message: 'Password reset required for the user',
    status: 400,
  });
  const [m] = await outbox('ivy@example.com');
  const code = /^Your verification code is (\d{6})\. $/.exec(m!.body)![1]!;
  await s.idp.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'ivy', ConfirmationCode: code, Password: 'N3w-Passw0rd' }));
  assert.equal((await getUser('ivy')).UserStatus, 'CONFIRMED');
  await tokensOf('ivy', 'N3w-Passw0rd');

  // No verified email or phone number: nothing to send the code to.
  await createUser({ Username: 'jack', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'jack@example.com' }] });
  await s.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'jack', Password: PW, Permanent: true }));
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: 'jack' }))), {
    name: 'InvalidParameterException',
    message: 'Cannot reset password for the user as there is no registered/verified email or phone_number',
    status: 400,
  });
  assert.equal((await getUser('jack')).UserStatus, 'CONFIRMED');
});

test('AdminDisableUser: sign-in refused, the old access token refused; AdminEnableUser: sign-in works again', async () => {
  await createUser({ Username: 'kim', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'name', Value: 'Kim' }] });
  await s.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'kim', Password: PW, Permanent: true }));
  const { AccessToken } = await tokensOf('kim');
  await s.idp.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'kim' }));
  assert.equal((await getUser('kim')).Enabled, false);
  assert.deepEqual(await awsErrorOf(() => signIn('kim', PW)), { name: 'NotAuthorizedException', message: 'User is disabled.', status: 400 });
  const refused = await awsErrorOf(() => s.idp.send(new GetUserCommand({ AccessToken })));
  assert.equal(refused.name, 'NotAuthorizedException');

  await s.idp.send(new AdminEnableUserCommand({ UserPoolId: poolId, Username: 'kim' }));
  assert.equal((await getUser('kim')).Enabled, true);
  const fresh = await tokensOf('kim');
  assert.equal((await s.idp.send(new GetUserCommand({ AccessToken: fresh.AccessToken }))).Username, 'kim');
  // The token from before the disabling stays revoked.
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new GetUserCommand({ AccessToken }))), {
    name: 'NotAuthorizedException',
    message: 'Access Token has been revoked',
    status: 400,
  });
  for (const Cmd of [AdminDisableUserCommand, AdminEnableUserCommand])
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new Cmd({ UserPoolId: poolId, Username: 'nobody' }))), {
      name: 'UserNotFoundException',
      message: 'User does not exist.',
      status: 400,
    });
});

test('AdminDeleteUser and DeleteUser: the user is gone and their access token is refused', async () => {
  for (const name of ['liam', 'mia']) {
    await createUser({ Username: name, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'name', Value: name }] });
    await s.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: name, Password: PW, Permanent: true }));
  }
  const liam = await tokensOf('liam');
  await s.idp.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'liam' }));
  assert.deepEqual(await awsErrorOf(() => getUser('liam')), { name: 'UserNotFoundException', message: 'User does not exist.', status: 400 });
  assert.equal((await awsErrorOf(() => s.idp.send(new GetUserCommand({ AccessToken: liam.AccessToken })))).name, 'NotAuthorizedException');
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'liam' }))), {
    name: 'UserNotFoundException',
    message: 'User does not exist.',
    status: 400,
  });

  const mia = await tokensOf('mia');
  const out = await s.idp.send(new DeleteUserCommand({ AccessToken: mia.AccessToken }));
  assert.equal(out.$metadata.httpStatusCode, 200);
  assert.deepEqual(await awsErrorOf(() => getUser('mia')), { name: 'UserNotFoundException', message: 'User does not exist.', status: 400 });
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new DeleteUserCommand({ AccessToken: mia.AccessToken }))), {
    name: 'NotAuthorizedException',
    message: 'Access Token has been revoked',
    status: 400,
  });
  assert.deepEqual(await awsErrorOf(() => signIn('mia', PW)), { name: 'UserNotFoundException', message: 'User does not exist.', status: 400 });
});
