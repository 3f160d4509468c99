// Recovery and attributes through the real AWS SDK: ForgotPassword, ConfirmForgotPassword, ChangePassword,
// UpdateUserAttributes, AdminUpdateUserAttributes, GetUserAttributeVerificationCode, VerifyUserAttribute,
// DeleteUserAttributes, AdminDeleteUserAttributes and their main errors; codes read from the outbox over HTTP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminDeleteUserAttributesCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserAttributesCommand,
  ForgotPasswordCommand,
  GetUserAttributeVerificationCodeCommand,
  GetUserCommand,
  InitiateAuthCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
  type AttributeType,
  type CreateUserPoolClientCommandInput,
  type CreateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, awsErrorOf, type TestServer } from '../support/server.ts';

const PASSWORD = 'Passw0rd!';
const NEW_PASSWORD = 'N3w-Passw0rd!';
const NEWER_PASSWORD = 'Newer-Passw0rd!';

let s: TestServer;

before(async () => {
  // --dev: the outbox is open, as a developer reads it.
  s = await startTestServer({ config: { dev: true } });
});
after(() => s.close());

/** The code in the newest message to `to`, read from the outbox over HTTP. */
async function codeSentTo(to: string): Promise<string> {
  const res = await fetch(`${s.url}/_cognate/outbox?to=${encodeURIComponent(to)}`);
  assert.equal(res.status, 200);
  const { messages } = (await res.json()) as { messages: { body: string }[] };
  assert.ok(messages[0], `a message to ${to}`);
  return /\d{6}/.exec(messages[0].body)![0];
}

async function messageCount(to: string): Promise<number> {
  const res = await fetch(`${s.url}/_cognate/outbox?to=${encodeURIComponent(to)}`);
  return ((await res.json()) as { messages: unknown[] }).messages.length;
}

let pools = 0;
interface App {
  poolId: string;
  clientId: string;
}

async function newApp(pool: Partial<CreateUserPoolCommandInput> = {}, client: Partial<CreateUserPoolClientCommandInput> = {}): Promise<App> {
  const poolId = (
    await s.idp.send(new CreateUserPoolCommand({ PoolName: `recovery${++pools}`, AutoVerifiedAttributes: ['email'], AliasAttributes: ['email'], ...pool }))
  ).UserPool!.Id!;
  const clientId = (
    await s.idp.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'app',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        ...client,
      }),
    )
  ).UserPoolClient!.ClientId!;
  return { poolId, clientId };
}

/** Signs a user up and confirms them with the emailed code: CONFIRMED, email verified. */
async function signedUp(app: App, username: string, email: string, attrs: AttributeType[] = []): Promise<void> {
  await s.idp.send(
    new SignUpCommand({ ClientId: app.clientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }, ...attrs] }),
  );
  await s.idp.send(new ConfirmSignUpCommand({ ClientId: app.clientId, Username: username, ConfirmationCode: await codeSentTo(email) }));
}

async function signIn(app: App, name: string, password: string): Promise<string> {
  const r = await s.idp.send(
    new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: app.clientId, AuthParameters: { USERNAME: name, PASSWORD: password } }),
  );
  return r.AuthenticationResult!.AccessToken!;
}

async function attributesOf(token: string): Promise<Record<string, string>> {
  const out = await s.idp.send(new GetUserCommand({ AccessToken: token }));
  return Object.fromEntries(out.UserAttributes!.map((a) => [a.Name!, a.Value!]));
}

const INCORRECT = { name: 'NotAuthorizedException', message: 'Incorrect username or password.', status: 400 };

describe('the issue\'s path: forgotten password, then a new email', () => {
  test('reset with the emailed code, change and verify a new email, sign in with the new password and email', async () => {
    const app = await newApp();
    await signedUp(app, 'alice', 'alice@example.com');

    // Forgets the password: the code goes to the verified email.
    const forgot = await s.idp.send(new ForgotPasswordCommand({ ClientId: app.clientId, Username: 'alice@example.com' }));
    assert.deepEqual(forgot.CodeDeliveryDetails, { Destination: 'a***@e***.com', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    const code = await codeSentTo('alice@example.com');
    await s.idp.send(new ConfirmForgotPasswordCommand({ ClientId: app.clientId, Username: 'alice', ConfirmationCode: code, Password: NEW_PASSWORD }));
    assert.deepEqual(await awsErrorOf(() => signIn(app, 'alice', PASSWORD)), INCORRECT);
    let token = await signIn(app, 'alice@example.com', NEW_PASSWORD);

    // Changes the email: unverified, a code goes to the new address.
    const update = await s.idp.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: [{ Name: 'email', Value: 'alice@new.example' }] }));
    assert.deepEqual(update.CodeDeliveryDetailsList, [{ Destination: 'a***@n***.example', DeliveryMedium: 'EMAIL', AttributeName: 'email' }]);
    assert.deepEqual(await attributesOf(token), { sub: (await attributesOf(token)).sub!, email: 'alice@new.example', email_verified: 'false' });
    // An unverified email is no alias yet.
    assert.equal((await awsErrorOf(() => signIn(app, 'alice@new.example', NEW_PASSWORD))).name, 'UserNotFoundException');

    await s.idp.send(new VerifyUserAttributeCommand({ AccessToken: token, AttributeName: 'email', Code: await codeSentTo('alice@new.example') }));
    assert.equal((await attributesOf(token)).email_verified, 'true');
    token = await signIn(app, 'alice@new.example', NEW_PASSWORD);
    assert.equal((await attributesOf(token)).email, 'alice@new.example');

    // And changes the password once more, proving the current one.
    await s.idp.send(new ChangePasswordCommand({ AccessToken: token, PreviousPassword: NEW_PASSWORD, ProposedPassword: NEWER_PASSWORD }));
    assert.deepEqual(await awsErrorOf(() => signIn(app, 'alice', NEW_PASSWORD)), INCORRECT);
    await signIn(app, 'alice', NEWER_PASSWORD);
  });

  test('with AttributesRequireVerificationBeforeUpdate the old email keeps working until the new one is verified', async () => {
    const app = await newApp({ UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] } });
    await signedUp(app, 'bob', 'bob@example.com');
    await s.idp.send(new ForgotPasswordCommand({ ClientId: app.clientId, Username: 'bob' }));
    await s.idp.send(
      new ConfirmForgotPasswordCommand({ ClientId: app.clientId, Username: 'bob', ConfirmationCode: await codeSentTo('bob@example.com'), Password: NEW_PASSWORD }),
    );
    const token = await signIn(app, 'bob@example.com', NEW_PASSWORD);

    const update = await s.idp.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: [{ Name: 'email', Value: 'bob@new.example' }] }));
    assert.equal(update.CodeDeliveryDetailsList![0]!.Destination, 'b***@n***.example');
    const attrs = await attributesOf(token);
    assert.equal(attrs.email, 'bob@example.com');
    assert.equal(attrs.email_verified, 'true');
    await signIn(app, 'bob@example.com', NEW_PASSWORD);
    assert.equal((await awsErrorOf(() => signIn(app, 'bob@new.example', NEW_PASSWORD))).name, 'UserNotFoundException');

    // A resend goes to the new address too.
    const resent = await s.idp.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: token, AttributeName: 'email' }));
    assert.equal(resent.CodeDeliveryDetails!.Destination, 'b***@n***.example');
    assert.equal(await messageCount('bob@new.example'), 2);

    await s.idp.send(new VerifyUserAttributeCommand({ AccessToken: token, AttributeName: 'email', Code: await codeSentTo('bob@new.example') }));
    assert.equal((await attributesOf(token)).email, 'bob@new.example');
    await signIn(app, 'bob@new.example', NEW_PASSWORD);
    assert.equal((await awsErrorOf(() => signIn(app, 'bob@example.com', NEW_PASSWORD))).name, 'UserNotFoundException');
  });
});

describe('errors through the SDK', () => {
  let app: App;
  before(async () => {
    app = await newApp({
      Policies: { PasswordPolicy: { MinimumLength: 8, RequireLowercase: true, RequireNumbers: true, PasswordHistorySize: 2 } },
      Schema: [
        { Name: 'name', AttributeDataType: 'String', Required: true, Mutable: true },
        { Name: 'employee_id', AttributeDataType: 'String', Mutable: false },
        { Name: 'tier', AttributeDataType: 'Number', Mutable: true, NumberAttributeConstraints: { MinValue: '1', MaxValue: '5' } },
      ],
    });
  });

  test('ForgotPassword: unknown user, no verified address, the hourly limit', async () => {
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new ForgotPasswordCommand({ ClientId: app.clientId, Username: 'nobody' }))), {
      name: 'UserNotFoundException',
      message: 'Username/client id combination not found.',
      status: 400,
    });
    await s.idp.send(
      new SignUpCommand({
        ClientId: app.clientId,
        Username: 'unverified',
        Password: PASSWORD,
        UserAttributes: [
          { Name: 'email', Value: 'unverified@example.com' },
          { Name: 'name', Value: 'U' },
        ],
      }),
    );
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new ForgotPasswordCommand({ ClientId: app.clientId, Username: 'unverified' }))), {
      name: 'InvalidParameterException',
      message: 'Cannot reset password for the user as there is no registered/verified email or phone_number',
      status: 400,
    });
    await signedUp(app, 'limited', 'limited@example.com', [{ Name: 'name', Value: 'L' }]);
    for (let i = 0; i < 5; i++) await s.idp.send(new ForgotPasswordCommand({ ClientId: app.clientId, Username: 'limited' }));
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new ForgotPasswordCommand({ ClientId: app.clientId, Username: 'limited' }))), {
      name: 'LimitExceededException',
      message: 'Attempt limit exceeded, please try after some time.',
      status: 400,
    });
  });

  test('ConfirmForgotPassword: no code requested, wrong code, policy, history', async () => {
    await signedUp(app, 'carol', 'carol@example.com', [{ Name: 'name', Value: 'C' }]);
    const confirm = (ConfirmationCode: string, Password: string) =>
      s.idp.send(new ConfirmForgotPasswordCommand({ ClientId: app.clientId, Username: 'carol', ConfirmationCode, Password }));
    assert.deepEqual(await awsErrorOf(() => confirm('123456', NEW_PASSWORD)), {
      name: 'ExpiredCodeException',
      message: 'Invalid code provided, please request a code again.',
      status: 400,
    });
    await s.idp.send(new ForgotPasswordCommand({ ClientId: app.clientId, Username: 'carol' }));
    const code = await codeSentTo('carol@example.com');
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    assert.deepEqual(await awsErrorOf(() => confirm(wrong, NEW_PASSWORD)), {
      name: 'CodeMismatchException',
      message: 'Invalid verification code provided, please try again.',
      status: 400,
    });
    assert.deepEqual(await awsErrorOf(() => confirm(code, 'short1')), {
      name: 'InvalidPasswordException',
      message: 'Password did not conform with policy: Password not long enough',
      status: 400,
    });
    assert.equal((await awsErrorOf(() => confirm(code, PASSWORD))).name, 'PasswordHistoryPolicyViolationException');
    await confirm(code, NEW_PASSWORD);
    await signIn(app, 'carol', NEW_PASSWORD);
  });

  test('ChangePassword: wrong previous password, history, a bad token', async () => {
    await signedUp(app, 'dan', 'dan@example.com', [{ Name: 'name', Value: 'D' }]);
    const token = await signIn(app, 'dan', PASSWORD);
    const change = (PreviousPassword: string, ProposedPassword: string, AccessToken = token) =>
      s.idp.send(new ChangePasswordCommand({ AccessToken, PreviousPassword, ProposedPassword }));
    assert.deepEqual(await awsErrorOf(() => change('Wr0ng-password', NEW_PASSWORD)), INCORRECT);
    assert.equal((await awsErrorOf(() => change(PASSWORD, PASSWORD))).name, 'PasswordHistoryPolicyViolationException');
    assert.deepEqual(await awsErrorOf(() => change(PASSWORD, NEW_PASSWORD, 'not.a.token')), {
      name: 'NotAuthorizedException',
      message: 'Invalid Access Token',
      status: 400,
    });
    await change(PASSWORD, NEW_PASSWORD);
    await signIn(app, 'dan', NEW_PASSWORD);
  });

  test('UpdateUserAttributes and DeleteUserAttributes: permissions, schema, mutability, required attributes', async () => {
    await signedUp(app, 'erin', 'erin@example.com', [{ Name: 'name', Value: 'E' }]);
    const token = await signIn(app, 'erin', PASSWORD);
    const update = (UserAttributes: AttributeType[]) => s.idp.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes }));
    const del = (UserAttributeNames: string[]) => s.idp.send(new DeleteUserAttributesCommand({ AccessToken: token, UserAttributeNames }));

    const out = await update([
      { Name: 'custom:tier', Value: '4' },
      { Name: 'nickname', Value: 'Ee' },
    ]);
    assert.equal(out.CodeDeliveryDetailsList, undefined);
    assert.equal((await attributesOf(token))['custom:tier'], '4');
    assert.deepEqual(await awsErrorOf(() => update([{ Name: 'email_verified', Value: 'true' }])), {
      name: 'NotAuthorizedException',
      message: 'A client attempted to write unauthorized attribute',
      status: 400,
    });
    assert.deepEqual(await awsErrorOf(() => update([{ Name: 'custom:employee_id', Value: 'e1' }])), {
      name: 'InvalidParameterException',
      message: 'user.custom:employee_id: Attribute cannot be updated.\n',
      status: 400,
    });
    assert.deepEqual(await awsErrorOf(() => update([{ Name: 'custom:nope', Value: '1' }])), {
      name: 'InvalidParameterException',
      message: 'user.custom:nope: Attribute does not exist in the schema.\n',
      status: 400,
    });
    assert.equal((await awsErrorOf(() => update([{ Name: 'custom:tier', Value: '7' }]))).name, 'InvalidParameterException');

    await del(['nickname', 'custom:tier']);
    const attrs = await attributesOf(token);
    assert.equal(attrs.nickname, undefined);
    assert.equal(attrs['custom:tier'], undefined);
    assert.deepEqual(await awsErrorOf(() => del(['name'])), {
      name: 'InvalidParameterException',
      message: 'user.name: Required attribute cannot be deleted.',
      status: 400,
    });
    await del(['email']);
    const left = await attributesOf(token);
    assert.equal(left.email, undefined);
    assert.equal(left.email_verified, undefined);
  });

  test('GetUserAttributeVerificationCode and VerifyUserAttribute: codes, wrong codes, other attributes', async () => {
    await signedUp(app, 'fay', 'fay@example.com', [{ Name: 'name', Value: 'F' }]);
    const token = await signIn(app, 'fay', PASSWORD);
    const sent = await s.idp.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: token, AttributeName: 'email' }));
    assert.deepEqual(sent.CodeDeliveryDetails, { Destination: 'f***@e***.com', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    const code = await codeSentTo('fay@example.com');
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new VerifyUserAttributeCommand({ AccessToken: token, AttributeName: 'email', Code: wrong }))), {
      name: 'CodeMismatchException',
      message: 'Invalid verification code provided, please try again.',
      status: 400,
    });
    await s.idp.send(new VerifyUserAttributeCommand({ AccessToken: token, AttributeName: 'email', Code: code }));
    assert.equal(
      (await awsErrorOf(() => s.idp.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: token, AttributeName: 'phone_number' })))).name,
      'InvalidParameterException',
    );
  });

  test('AdminUpdateUserAttributes and AdminDeleteUserAttributes: verified flags, immutables, unknown users', async () => {
    await signedUp(app, 'gus', 'gus@example.com', [{ Name: 'name', Value: 'G' }]);
    await s.idp.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: app.poolId,
        Username: 'gus',
        UserAttributes: [
          { Name: 'phone_number', Value: '+15555550123' },
          { Name: 'phone_number_verified', Value: 'true' },
          { Name: 'custom:tier', Value: '2' },
        ],
      }),
    );
    const get = async () =>
      Object.fromEntries(
        (await s.idp.send(new AdminGetUserCommand({ UserPoolId: app.poolId, Username: 'gus' }))).UserAttributes!.map((a) => [a.Name!, a.Value!]),
      );
    let attrs = await get();
    assert.equal(attrs.phone_number, '+15555550123');
    assert.equal(attrs.phone_number_verified, 'true');
    assert.equal(attrs['custom:tier'], '2');
    // A verified phone number is now preferred for recovery (no AccountRecoverySetting: legacy order).
    const forgot = await s.idp.send(new ForgotPasswordCommand({ ClientId: app.clientId, Username: 'gus' }));
    assert.deepEqual(forgot.CodeDeliveryDetails, { Destination: '+********0123', DeliveryMedium: 'SMS', AttributeName: 'phone_number' });

    assert.deepEqual(
      await awsErrorOf(() =>
        s.idp.send(new AdminUpdateUserAttributesCommand({ UserPoolId: app.poolId, Username: 'gus', UserAttributes: [{ Name: 'custom:employee_id', Value: 'x' }] })),
      ),
      { name: 'InvalidParameterException', message: 'user.custom:employee_id: Attribute cannot be updated.\n', status: 400 },
    );
    assert.deepEqual(
      await awsErrorOf(() =>
        s.idp.send(new AdminUpdateUserAttributesCommand({ UserPoolId: app.poolId, Username: 'nobody', UserAttributes: [{ Name: 'name', Value: 'x' }] })),
      ),
      { name: 'UserNotFoundException', message: 'User does not exist.', status: 400 },
    );

    await s.idp.send(new AdminDeleteUserAttributesCommand({ UserPoolId: app.poolId, Username: 'gus', UserAttributeNames: ['phone_number', 'custom:tier'] }));
    attrs = await get();
    assert.equal(attrs.phone_number, undefined);
    assert.equal(attrs.phone_number_verified, undefined);
    assert.equal(attrs['custom:tier'], undefined);
    assert.deepEqual(
      await awsErrorOf(() => s.idp.send(new AdminDeleteUserAttributesCommand({ UserPoolId: app.poolId, Username: 'gus', UserAttributeNames: ['name'] }))),
      { name: 'InvalidParameterException', message: 'user.name: Required attribute cannot be deleted.', status: 400 },
    );
  });
});

describe('a client that hides users (PreventUserExistenceErrors ENABLED)', () => {
  test('ForgotPassword answers a simulated delivery and sends nothing; ConfirmForgotPassword a code mismatch', async () => {
    const app = await newApp({}, { PreventUserExistenceErrors: 'ENABLED' });
    const out = await s.idp.send(new ForgotPasswordCommand({ ClientId: app.clientId, Username: 'ghost@example.com' }));
    assert.deepEqual(out.CodeDeliveryDetails, { Destination: 'g***@e***.com', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    assert.equal(await messageCount('ghost@example.com'), 0);
    assert.deepEqual(
      await awsErrorOf(() =>
        s.idp.send(new ConfirmForgotPasswordCommand({ ClientId: app.clientId, Username: 'ghost@example.com', ConfirmationCode: '123456', Password: NEW_PASSWORD })),
      ),
      { name: 'CodeMismatchException', message: 'Invalid verification code provided, please try again.', status: 400 },
    );
  });

  test('names nobody has meet the hourly ForgotPassword limit and the password policy as real users do', async () => {
    const app = await newApp({}, { PreventUserExistenceErrors: 'ENABLED' });
    for (let i = 0; i < 5; i++) await s.idp.send(new ForgotPasswordCommand({ ClientId: app.clientId, Username: 'nobody' }));
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new ForgotPasswordCommand({ ClientId: app.clientId, Username: 'nobody' }))), {
      name: 'LimitExceededException',
      message: 'Attempt limit exceeded, please try after some time.',
      status: 400,
    });
    assert.deepEqual(
      await awsErrorOf(() =>
        s.idp.send(new ConfirmForgotPasswordCommand({ ClientId: app.clientId, Username: 'nobody', ConfirmationCode: '123456', Password: 'short' })),
      ),
      { name: 'InvalidPasswordException', message: 'Password did not conform with policy: Password not long enough', status: 400 },
    );
  });
});
