// Lambda triggers through the real AWS SDK, each through the three runner kinds (a module file, an HTTP endpoint,
// a Lambda Invoke API at COGNATE_LAMBDA_ENDPOINT): PreSignUp (the AWS docs' auto-confirm handler; a refusing one),
// PostConfirmation, CustomMessage on every source wired, UserMigration_ForgotPassword.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminResetUserPasswordCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminUpdateUserAttributesCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  GetUserAttributeVerificationCodeCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  SetUserPoolMfaConfigCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  type LambdaConfigType,
} from '@aws-sdk/client-cognito-identity-provider';
import { awsErrorOf, startTestServer, type TestServer } from '../support/server.ts';
import { arnOf, LAMBDA_KINDS, lambdaEvents, triggerSetup } from '../support/lambda-kinds.ts';
import { createConfirmedUser } from '../support/mfa.ts';

const ADMIN = { accessKeyId: 'AKIDTESTADMIN0000001', secretAccessKey: 'test-admin-secret-key-0000000000000000000' };
const PASSWORD = 'Passw0rd!';
const FUNCTIONS = ['pre-sign-up-auto-confirm', 'pre-sign-up-domain', 'post-confirmation', 'custom-message', 'user-migration'];

interface OutboxMessage {
  to: string;
  subject: string | null;
  body: string;
}

async function outbox(s: TestServer, to: string): Promise<OutboxMessage[]> {
  const res = await fetch(`${s.url}/_cognate/outbox?to=${encodeURIComponent(to)}`);
  return ((await res.json()) as { messages: OutboxMessage[] }).messages;
}

for (const kind of LAMBDA_KINDS) {
  describe(`triggers through the ${kind} runner`, () => {
    let s: TestServer;
    let setup: Awaited<ReturnType<typeof triggerSetup>>;
    let n = 0;
    const unique = (p: string) => `${p}-${kind}-${++n}`;

    before(async () => {
      setup = await triggerSetup(kind, ADMIN, FUNCTIONS);
      s = await startTestServer({ admin: ADMIN, config: { dev: true, ...setup.config } });
    });
    after(async () => {
      await s.close();
      await setup.close();
    });

    async function poolWith(lambda: LambdaConfigType, more: Record<string, unknown> = {}) {
      const pool = (await s.idp.send(new CreateUserPoolCommand({ PoolName: unique('p'), AutoVerifiedAttributes: ['email'], LambdaConfig: lambda, ...more })))
        .UserPool!;
      const client = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool.Id!, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] })))
        .UserPoolClient!;
      return { poolId: pool.Id!, clientId: client.ClientId! };
    }

    const lastEvent = (source: string) => lambdaEvents().filter((e) => e.triggerSource === source).at(-1);

    test('PreSignUp: the AWS docs handler auto-confirms and auto-verifies; the user signs in at once, no code is sent', async () => {
      const { poolId, clientId } = await poolWith({ PreSignUp: arnOf('pre-sign-up-auto-confirm') });
      const email = `${unique('auto')}@example.com`;
      const out = await s.idp.send(
        new SignUpCommand({
          ClientId: clientId,
          Username: unique('auto'),
          Password: PASSWORD,
          UserAttributes: [{ Name: 'email', Value: email }],
          ValidationData: [{ Name: 'invite', Value: 'abc' }],
          ClientMetadata: { source: 'test' },
        }),
      );
      assert.equal(out.UserConfirmed, true);
      assert.equal(out.CodeDeliveryDetails, undefined);
      const ev = lastEvent('PreSignUp_SignUp');
      assert.equal(ev.version, '1');
      assert.equal(ev.region, 'us-east-1');
      assert.equal(ev.userPoolId, poolId);
      assert.equal(ev.callerContext.clientId, clientId);
      assert.match(ev.callerContext.awsSdkVersion, /^aws-sdk-js-3\./);
      assert.deepEqual(ev.request.validationData, { invite: 'abc' });
      assert.deepEqual(ev.request.clientMetadata, { source: 'test' });
      assert.equal(ev.request.userAttributes.email, email);
      const user = await s.idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: ev.userName }));
      assert.equal(user.UserStatus, 'CONFIRMED');
      assert.equal(user.UserAttributes!.find((a) => a.Name === 'email_verified')?.Value, 'true');
      assert.deepEqual(await outbox(s, email), []);
      const auth = await s.idp.send(
        new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: ev.userName, PASSWORD } }),
      );
      assert.ok(auth.AuthenticationResult?.IdToken);
    });

    test('PreSignUp refusing (callback style): UserLambdaValidationException with its message, nothing stored', async () => {
      const { poolId, clientId } = await poolWith({ PreSignUp: arnOf('pre-sign-up-domain') });
      const name = unique('denied');
      const err = await awsErrorOf(() =>
        s.idp.send(new SignUpCommand({ ClientId: clientId, Username: name, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'x@other.org' }] })),
      );
      assert.deepEqual(err, { name: 'UserLambdaValidationException', message: 'PreSignUp failed with error Email domain not allowed.', status: 400 });
      const gone = await awsErrorOf(() => s.idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: name })));
      assert.equal(gone.name, 'UserNotFoundException');
      // AdminCreateUser runs it as PreSignUp_AdminCreateUser.
      const admin = await awsErrorOf(() =>
        s.idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: unique('a'), UserAttributes: [{ Name: 'email', Value: 'y@other.org' }] })),
      );
      assert.equal(admin.message, 'PreSignUp failed with error Email domain not allowed.');
      assert.equal(lastEvent('PreSignUp_AdminCreateUser').callerContext.clientId, null);
    });

    test('PostConfirmation after ConfirmSignUp, AdminConfirmSignUp and ConfirmForgotPassword; a throw fails the call, the user stays confirmed', async () => {
      const { poolId, clientId } = await poolWith({ PostConfirmation: arnOf('post-confirmation') });
      const email = `${unique('pc')}@example.com`;
      const name = unique('pc');
      await s.idp.send(new SignUpCommand({ ClientId: clientId, Username: name, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }));
      const code = /\d{6}/.exec((await outbox(s, email))[0]!.body)![0];
      const err = await awsErrorOf(() =>
        s.idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: name, ConfirmationCode: code, ClientMetadata: { fail: 'yes' } })),
      );
      assert.deepEqual(err, { name: 'UserLambdaValidationException', message: `PostConfirmation failed with error cannot welcome ${name}.`, status: 400 });
      const ev = lastEvent('PostConfirmation_ConfirmSignUp');
      assert.equal(ev.request.userAttributes['cognito:user_status'], 'CONFIRMED');
      assert.equal(ev.request.userAttributes.email_verified, 'true');
      assert.match(ev.request.userAttributes.sub, /^[0-9a-f-]{36}$/);
      assert.equal((await s.idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: name }))).UserStatus, 'CONFIRMED');

      const other = unique('pc2');
      await s.idp.send(new SignUpCommand({ ClientId: clientId, Username: other, Password: PASSWORD }));
      const before = lambdaEvents().length;
      await s.idp.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: other }));
      assert.equal(lambdaEvents().length, before + 1);
      assert.equal(lastEvent('PostConfirmation_ConfirmSignUp').userName, other);

      await s.idp.send(new ForgotPasswordCommand({ ClientId: clientId, Username: name }));
      const reset = /\d{6}/.exec((await outbox(s, email))[0]!.body)![0];
      await s.idp.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: name, ConfirmationCode: reset, Password: 'N3w-Passw0rd!' }));
      assert.equal(lastEvent('PostConfirmation_ConfirmForgotPassword').userName, name);
    });

    test('CustomMessage rewrites every message: SignUp, ResendCode, ForgotPassword, AdminCreateUser, UpdateUserAttribute, VerifyUserAttribute', async () => {
      const { poolId, clientId } = await poolWith({ CustomMessage: arnOf('custom-message') });
      const email = `${unique('cm')}@example.com`;
      const name = unique('cm');
      const latest = async (to: string) => (await outbox(s, to))[0]!;

      await s.idp.send(new SignUpCommand({ ClientId: clientId, Username: name, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }));
      let m = await latest(email);
      assert.equal(m.subject, 'Brand: CustomMessage_SignUp');
      assert.match(m.body, new RegExp(`^Hello ${name}, your code for CustomMessage_SignUp is \\d{6}\\.$`));
      const ev = lastEvent('CustomMessage_SignUp');
      assert.deepEqual(
        [ev.request.codeParameter, ev.request.linkParameter, ev.request.usernameParameter],
        ['{####}', '{##Click Here##}', null],
      );

      await s.idp.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: name }));
      m = await latest(email);
      assert.equal(m.subject, 'Brand: CustomMessage_ResendCode');
      await s.idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: name, ConfirmationCode: /\d{6}/.exec(m.body)![0] }));

      await s.idp.send(new ForgotPasswordCommand({ ClientId: clientId, Username: name }));
      assert.equal((await latest(email)).subject, 'Brand: CustomMessage_ForgotPassword');
      await s.idp.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: name }));
      assert.equal((await latest(email)).subject, 'Brand: CustomMessage_ForgotPassword');
      await s.idp.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: name, ConfirmationCode: /\d{6}/.exec((await latest(email)).body)![0], Password: PASSWORD }));

      const invited = `${unique('inv')}@example.com`;
      const invitee = unique('inv');
      await s.idp.send(
        new AdminCreateUserCommand({ UserPoolId: poolId, Username: invitee, UserAttributes: [{ Name: 'email', Value: invited }], DesiredDeliveryMediums: ['EMAIL'] }),
      );
      m = await latest(invited);
      assert.equal(m.subject, 'Brand: CustomMessage_AdminCreateUser');
      assert.match(m.body, new RegExp(`^Hello ${invitee}, your code for CustomMessage_AdminCreateUser is \\S{12,}\\.$`));
      assert.equal(lastEvent('CustomMessage_AdminCreateUser').request.usernameParameter, '{username}');

      const tokens = await s.idp.send(
        new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: name, PASSWORD } }),
      );
      const access = tokens.AuthenticationResult!.AccessToken!;
      const changed = `${unique('new')}@example.com`;
      await s.idp.send(new UpdateUserAttributesCommand({ AccessToken: access, UserAttributes: [{ Name: 'email', Value: changed }], ClientMetadata: { k: 'v' } }));
      assert.equal((await latest(changed)).subject, 'Brand: CustomMessage_UpdateUserAttribute');
      assert.deepEqual(lastEvent('CustomMessage_UpdateUserAttribute').request.clientMetadata, { k: 'v' });
      await s.idp.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: access, AttributeName: 'email' }));
      assert.equal((await latest(changed)).subject, 'Brand: CustomMessage_VerifyUserAttribute');
      const adminChanged = `${unique('adm')}@example.com`;
      await s.idp.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: name, UserAttributes: [{ Name: 'email', Value: adminChanged }] }));
      assert.equal((await latest(adminChanged)).subject, 'Brand: CustomMessage_UpdateUserAttribute');
    });

    test('CustomMessage_Authentication rewrites the email MFA code message', async () => {
      const { poolId, clientId } = await poolWith({ CustomMessage: arnOf('custom-message') });
      await s.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'OPTIONAL', EmailMfaConfiguration: { Message: 'Pool {####}' } }));
      const email = `${unique('mfa')}@example.com`;
      const name = unique('mfa');
      await createConfirmedUser(s.idp, poolId, name, PASSWORD, { email });
      await s.idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: name, EmailMfaSettings: { Enabled: true } }));
      const out = await s.idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: name, PASSWORD } }));
      assert.equal(out.ChallengeName, 'EMAIL_OTP');
      const m = (await outbox(s, email))[0]!;
      assert.equal(m.subject, 'Brand: CustomMessage_Authentication');
      assert.match(m.body, new RegExp(`^Hello ${name}, your code for CustomMessage_Authentication is \\d{6}\\.$`));
      assert.equal(lastEvent('CustomMessage_Authentication').userName, name);
    });

    test('CustomMessage answering a text without {####}: the pool’s own message goes out (with the function’s subject)', async () => {
      const { clientId } = await poolWith({ CustomMessage: arnOf('custom-message') }, { VerificationMessageTemplate: { EmailMessage: 'Pool says {####}', EmailSubject: 'Pool' } });
      const email = `${unique('np')}@example.com`;
      await s.idp.send(
        new SignUpCommand({ ClientId: clientId, Username: unique('np'), Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }], ClientMetadata: { placeholders: 'none' } }),
      );
      const m = (await outbox(s, email))[0]!;
      assert.match(m.body, /^Pool says \d{6}$/);
      assert.equal(m.subject, 'Brand: CustomMessage_SignUp');
    });

    test('UserMigration_ForgotPassword: an unknown name the function knows is created RESET_REQUIRED and gets the code; then it signs in', async () => {
      const { poolId, clientId } = await poolWith({ UserMigration: arnOf('user-migration') });
      const out = await s.idp.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'legacy', ClientMetadata: { from: 'app' } }));
      assert.equal(out.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
      const ev = lastEvent('UserMigration_ForgotPassword');
      assert.equal(ev.userName, 'legacy');
      assert.equal('password' in ev.request, false);
      assert.deepEqual(ev.request.clientMetadata, { from: 'app' });
      const user = await s.idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'legacy' }));
      assert.equal(user.UserStatus, 'RESET_REQUIRED');
      assert.equal(user.UserAttributes!.find((a) => a.Name === 'given_name')?.Value, 'Old');
      const code = /\d{6}/.exec((await outbox(s, 'legacy@example.com'))[0]!.body)![0];
      await s.idp.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'legacy', ConfirmationCode: code, Password: PASSWORD }));
      const auth = await s.idp.send(
        new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'legacy', PASSWORD } }),
      );
      assert.ok(auth.AuthenticationResult?.AccessToken);
      // A name the function does not know: it throws, and the name stays unknown.
      const err = await awsErrorOf(() => s.idp.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'stranger' })));
      assert.deepEqual([err.name, err.message], ['UserNotFoundException', `Exception migrating user in app client ${clientId}`]);
    });
  });
}

describe('triggers that cannot run', () => {
  let s: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'cognate-missing-'));
  before(async () => {
    // One ARN mapped to a module that is not there; the others unmapped, with no COGNATE_LAMBDA_ENDPOINT.
    writeFileSync(join(dir, 'triggers.json'), JSON.stringify({ [arnOf('missing')]: { module: './secret-handlers/missing.mjs' } }));
    s = await startTestServer({ admin: ADMIN, config: { dev: true, triggersFile: join(dir, 'triggers.json') } });
  });
  after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('no mapping and no COGNATE_LAMBDA_ENDPOINT: UnexpectedLambdaException, nothing stored', async () => {
    const pool = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'x', LambdaConfig: { PreSignUp: arnOf('nowhere') } }))).UserPool!;
    const client = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool.Id!, ClientName: 'c' }))).UserPoolClient!;
    const err = await awsErrorOf(() => s.idp.send(new SignUpCommand({ ClientId: client.ClientId!, Username: 'u1', Password: PASSWORD })));
    assert.deepEqual(err, { name: 'UnexpectedLambdaException', message: 'PreSignUp invocation failed due to configuration.', status: 400 });
    assert.equal((await awsErrorOf(() => s.idp.send(new AdminGetUserCommand({ UserPoolId: pool.Id!, Username: 'u1' })))).name, 'UserNotFoundException');
  });

  test('a module that does not load: UnexpectedLambdaException with a fixed detail, never its path', async () => {
    const pool = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'y', LambdaConfig: { PreSignUp: arnOf('missing') } }))).UserPool!;
    const client = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool.Id!, ClientName: 'c' }))).UserPoolClient!;
    const err = await awsErrorOf(() => s.idp.send(new SignUpCommand({ ClientId: client.ClientId!, Username: 'u2', Password: PASSWORD })));
    assert.deepEqual(err, { name: 'UnexpectedLambdaException', message: 'PreSignUp invocation failed due to error Unable to reach the function.', status: 400 });
  });
});
