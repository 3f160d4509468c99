// Custom sender triggers through the real AWS SDK: with LambdaConfig.CustomEmailSender / CustomSMSSender and a
// KMSKeyID that COGNATE_SENDER_KEYS gives a key for, every code (SignUp, ResendConfirmationCode, ForgotPassword,
// UpdateUserAttributes, GetUserAttributeVerificationCode) and an invitation's temporary password go, encrypted in the
// AWS Encryption SDK format, to a handler that decrypts them with @aws-crypto/client-node — and the decrypted code
// confirms. Through a module mapping and through a Lambda Invoke API; on the store under test. And with a KMS API at
// COGNATE_KMS_ENDPOINT, to a handler as AWS's guide writes it (KmsKeyringNode).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  GetUserAttributeVerificationCodeCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
  AdminGetUserCommand,
  type LambdaConfigType,
} from '@aws-sdk/client-cognito-identity-provider';
import { FixedClock } from '../../src/runtime/clock.ts';
import type { Config } from '../../src/config/schema.ts';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { arnOf, FIXTURE_DIR, triggerSetup } from '../support/lambda-kinds.ts';
import { startKms, type KmsServer } from '../support/kms.ts';

const ADMIN = { accessKeyId: 'AKIDTESTADMIN0000001', secretAccessKey: 'test-admin-secret-key-0000000000000000000' };
const PASSWORD = 'Passw0rd!';
const KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const UNKNOWN_KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000';
const KEY = randomBytes(32).toString('base64');
const SENDER = 'custom-sender';

interface SenderCall {
  event: any;
  code: string | undefined;
}
const calls = (): SenderCall[] => ((globalThis as { __senderCodes?: SenderCall[] }).__senderCodes ??= []);

/** The handler's call for `source` and user (the invocation is asynchronous, as Cognito's). */
async function senderCall(source: string, userName: string): Promise<SenderCall> {
  for (let i = 0; i < 200; i++) {
    const c = calls().find((x) => x.event.triggerSource === source && x.event.userName === userName);
    if (c) return c;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no ${source} call for ${userName}`);
}

async function outbox(s: TestServer, to: string): Promise<unknown[]> {
  const res = await fetch(`${s.url}/_cognate/outbox?to=${encodeURIComponent(to)}`);
  return ((await res.json()) as { messages: unknown[] }).messages;
}

/** The runner kinds: a module mapped where it lies (so it imports the repository's @aws-crypto), and the Invoke API. */
async function senderSetup(kind: 'module' | 'invoke'): Promise<{ config: Partial<Config>; close(): Promise<void> }> {
  if (kind === 'invoke') return triggerSetup('invoke', ADMIN, [SENDER]);
  const dir = mkdtempSync(join(tmpdir(), 'cognate-senders-'));
  const file = join(dir, 'triggers.json');
  writeFileSync(file, JSON.stringify({ [arnOf(SENDER)]: { module: join(FIXTURE_DIR, `${SENDER}.mjs`) } }));
  return { config: { triggersFile: file }, close: async () => rmSync(dir, { recursive: true, force: true }) };
}

for (const kind of ['module', 'invoke'] as const) {
  describe(`custom senders through the ${kind} runner`, () => {
    let s: TestServer;
    let setup: Awaited<ReturnType<typeof senderSetup>>;
    let n = 0;
    const unique = (p: string) => `${p}-${kind}-${++n}`;

    before(async () => {
      process.env.SENDER_KEY_NAMESPACE = 'my-app';
      process.env.SENDER_KEY_NAME = 'code-key';
      process.env.SENDER_KEY_MATERIAL = KEY;
      setup = await senderSetup(kind);
      s = await startServerOnStoreUnderTest(new FixedClock(Date.now()), `cognate_senders_${kind}`, 2, {
        dev: true,
        ...setup.config,
        senderKeys: { [KMS_KEY]: `my-app:code-key:${KEY}` },
      });
    });
    after(async () => {
      await s.close();
      await setup.close();
    });
    testOnPostgres(() => s);

    async function poolWith(lambda: LambdaConfigType, auto: ('email' | 'phone_number')[] = ['email']) {
      const pool = (
        await s.idp.send(
          new CreateUserPoolCommand({ PoolName: unique('p'), AutoVerifiedAttributes: auto, LambdaConfig: { KMSKeyID: KMS_KEY, ...lambda } }),
        )
      ).UserPool!;
      const client = (
        await s.idp.send(
          new CreateUserPoolClientCommand({ UserPoolId: pool.Id!, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
        )
      ).UserPoolClient!;
      return { poolId: pool.Id!, clientId: client.ClientId! };
    }
    const emailSender = { CustomEmailSender: { LambdaVersion: 'V1_0' as const, LambdaArn: arnOf(SENDER) } };

    /** Signs up and confirms with the code the handler decrypted; returns the user's name and email. */
    async function signedUp(clientId: string) {
      const username = unique('u');
      const email = `${username}@example.com`;
      await s.idp.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }));
      const { code } = await senderCall('CustomEmailSender_SignUp', username);
      await s.idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: code! }));
      return { username, email };
    }

    test('SignUp: the handler gets the event Cognito sends and decrypts the code, which confirms the user; nothing is kept in the outbox', async () => {
      const { poolId, clientId } = await poolWith(emailSender);
      const username = unique('u');
      const email = `${username}@example.com`;
      const out = await s.idp.send(
        new SignUpCommand({
          ClientId: clientId,
          Username: username,
          Password: PASSWORD,
          UserAttributes: [{ Name: 'email', Value: email }],
          ClientMetadata: { app: 'test' },
        }),
      );
      assert.equal(out.UserConfirmed, false);
      assert.equal(out.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
      const { event, code } = await senderCall('CustomEmailSender_SignUp', username);
      assert.equal(event.version, '1');
      assert.equal(event.region, 'us-east-1');
      assert.equal(event.userPoolId, poolId);
      assert.equal(event.callerContext.clientId, clientId);
      assert.equal(event.request.type, 'customEmailSenderRequestV1');
      assert.equal(event.request.userAttributes.email, email);
      assert.equal(event.request.userAttributes['cognito:user_status'], 'UNCONFIRMED');
      assert.equal(event.request.userAttributes.sub, out.UserSub);
      assert.deepEqual(event.request.clientMetadata, { app: 'test' });
      assert.equal(event.response, undefined);
      assert.match(code!, /^\d{6}$/);
      assert.doesNotMatch(event.request.code, /\d{6}/);
      assert.deepEqual(await outbox(s, email), []);
      await s.idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: code! }));
      const user = await s.idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
      assert.equal(user.UserStatus, 'CONFIRMED');
    });

    test('email MFA: the sign-in code goes to CustomEmailSender_Authentication, not to the outbox, and the decrypted code signs in', async () => {
      const { poolId, clientId } = await poolWith(emailSender);
      const { username, email } = await signedUp(clientId);
      await s.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'ON', EmailMfaConfiguration: { Subject: 'Code', Message: 'Code {####}' } }));
      const before = (await outbox(s, email)).length;
      const first = await s.idp.send(
        new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: PASSWORD } }),
      );
      assert.equal(first.ChallengeName, 'EMAIL_OTP');
      const { event, code } = await senderCall('CustomEmailSender_Authentication', username);
      assert.doesNotMatch(event.request.code, /^\d{6}$/);
      assert.equal((await outbox(s, email)).length, before);
      const done = await s.idp.send(
        new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'EMAIL_OTP', Session: first.Session, ChallengeResponses: { USERNAME: username, EMAIL_OTP_CODE: code! } }),
      );
      assert.ok(done.AuthenticationResult?.AccessToken);
    });

    test('ResendConfirmationCode: CustomEmailSender_ResendCode with the new code', async () => {
      const { clientId } = await poolWith(emailSender);
      const username = unique('u');
      await s.idp.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }] }));
      await senderCall('CustomEmailSender_SignUp', username);
      await s.idp.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: username }));
      const { event, code } = await senderCall('CustomEmailSender_ResendCode', username);
      assert.equal(event.request.type, 'customEmailSenderRequestV1');
      await s.idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: code! }));
    });

    test('ForgotPassword: CustomEmailSender_ForgotPassword; the decrypted code resets the password', async () => {
      const { clientId } = await poolWith(emailSender);
      const { username } = await signedUp(clientId);
      await s.idp.send(new ForgotPasswordCommand({ ClientId: clientId, Username: username }));
      const { event, code } = await senderCall('CustomEmailSender_ForgotPassword', username);
      assert.equal(event.request.userAttributes.email_verified, 'true');
      await s.idp.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: username, ConfirmationCode: code!, Password: 'N3wPassw0rd!' }));
      const auth = await s.idp.send(
        new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: 'N3wPassw0rd!' } }),
      );
      assert.ok(auth.AuthenticationResult?.AccessToken);
    });

    test('AdminCreateUser: CustomEmailSender_AdminCreateUser with the temporary password, which signs in', async () => {
      const { poolId, clientId } = await poolWith(emailSender);
      const username = unique('invited');
      const email = `${username}@example.com`;
      await s.idp.send(
        new AdminCreateUserCommand({
          UserPoolId: poolId,
          Username: username,
          DesiredDeliveryMediums: ['EMAIL'],
          UserAttributes: [{ Name: 'email', Value: email }],
        }),
      );
      const { event, code } = await senderCall('CustomEmailSender_AdminCreateUser', username);
      assert.equal(event.callerContext.clientId, null);
      assert.equal(event.request.userAttributes['cognito:user_status'], 'FORCE_CHANGE_PASSWORD');
      assert.deepEqual(await outbox(s, email), []);
      const auth = await s.idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: code! } }));
      assert.equal(auth.ChallengeName, 'NEW_PASSWORD_REQUIRED');
    });

    test('UpdateUserAttributes and GetUserAttributeVerificationCode: the decrypted codes verify the new email', async () => {
      const { poolId, clientId } = await poolWith(emailSender);
      const { username } = await signedUp(clientId);
      const auth = await s.idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD } }));
      const token = auth.AuthenticationResult!.AccessToken!;
      const email2 = `${username}-new@example.com`;
      await s.idp.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: [{ Name: 'email', Value: email2 }] }));
      const update = await senderCall('CustomEmailSender_UpdateUserAttribute', username);
      assert.equal(update.event.request.type, 'customEmailSenderRequestV1');
      // A second code replaces the first: the one sent for GetUserAttributeVerificationCode is the one that works.
      await s.idp.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: token, AttributeName: 'email' }));
      const again = await senderCall('CustomEmailSender_VerifyUserAttribute', username);
      await s.idp.send(new VerifyUserAttributeCommand({ AccessToken: token, AttributeName: 'email', Code: again.code! }));
      const user = await s.idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
      const attrs = Object.fromEntries(user.UserAttributes!.map((a) => [a.Name, a.Value]));
      assert.equal(attrs.email, email2);
      assert.equal(attrs.email_verified, 'true');
    });

    test('CustomSMSSender: a phone sign-up code goes to it as customSMSSenderRequestV1 and confirms', async () => {
      const { clientId } = await poolWith({ CustomSMSSender: { LambdaVersion: 'V1_0', LambdaArn: arnOf(SENDER) } }, ['phone_number']);
      const username = unique('sms');
      const phone = `+1555${String(1000000 + n).slice(-7)}`;
      const out = await s.idp.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'phone_number', Value: phone }] }));
      assert.equal(out.CodeDeliveryDetails?.DeliveryMedium, 'SMS');
      const { event, code } = await senderCall('CustomSMSSender_SignUp', username);
      assert.equal(event.request.type, 'customSMSSenderRequestV1');
      assert.equal(event.request.userAttributes.phone_number, phone);
      assert.deepEqual(await outbox(s, phone), []);
      await s.idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: code! }));
    });

    test('a KMSKeyID without a configured key: UnexpectedLambdaException, the function is not invoked', async () => {
      const { clientId } = await poolWith({ ...emailSender, KMSKeyID: UNKNOWN_KMS_KEY });
      const username = unique('nokey');
      const err = await awsErrorOf(() =>
        s.idp.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }] })),
      );
      assert.deepEqual(err, { name: 'UnexpectedLambdaException', message: 'CustomEmailSender invocation failed due to configuration.', status: 400 });
      assert.equal(calls().some((c) => c.event.userName === username), false);
    });
  });
}

describe('custom senders with a KMS API (COGNATE_KMS_ENDPOINT)', () => {
  const KMS_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/kms-backed-0001';
  const ENV = ['AWS_ENDPOINT_URL_KMS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'KEY_ARN'] as const;
  const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
  let s: TestServer;
  let kms: KmsServer;
  let dir: string;

  before(async () => {
    kms = await startKms(ADMIN, [KMS_ARN]);
    // The function's environment, as it would be in Lambda (its role's key; here the admin key the test KMS accepts).
    Object.assign(process.env, { AWS_ENDPOINT_URL_KMS: kms.endpoint, AWS_ACCESS_KEY_ID: ADMIN.accessKeyId, AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey, KEY_ARN: KMS_ARN });
    dir = mkdtempSync(join(tmpdir(), 'cognate-senders-kms-'));
    const file = join(dir, 'triggers.json');
    writeFileSync(file, JSON.stringify({ [arnOf('custom-sender-kms')]: { module: join(FIXTURE_DIR, 'custom-sender-kms.mjs') } }));
    s = await startServerOnStoreUnderTest(new FixedClock(Date.now()), 'cognate_senders_kms', 2, { dev: true, triggersFile: file, kmsEndpoint: kms.endpoint });
  });
  after(async () => {
    await s.close();
    await kms.close();
    rmSync(dir, { recursive: true, force: true });
    for (const k of ENV) if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  });

  test('the code is encrypted under a data key from GenerateDataKey; a KmsKeyringNode handler decrypts it unchanged and it confirms', async () => {
    const pool = (
      await s.idp.send(
        new CreateUserPoolCommand({
          PoolName: 'kms',
          AutoVerifiedAttributes: ['email'],
          LambdaConfig: { KMSKeyID: KMS_ARN, CustomEmailSender: { LambdaVersion: 'V1_0', LambdaArn: arnOf('custom-sender-kms') } },
        }),
      )
    ).UserPool!;
    const client = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool.Id!, ClientName: 'app' }))).UserPoolClient!;
    const username = 'kms-user';
    await s.idp.send(new SignUpCommand({ ClientId: client.ClientId!, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'kms@example.com' }] }));
    const { event, code } = await senderCall('CustomEmailSender_SignUp', username);
    assert.equal(event.request.type, 'customEmailSenderRequestV1');
    assert.match(code!, /^\d{6}$/);
    assert.deepEqual(
      kms.calls.map((c) => [c.operation, c.keyId]),
      [
        ['GenerateDataKey', KMS_ARN],
        ['Decrypt', KMS_ARN],
      ],
    );
    await s.idp.send(new ConfirmSignUpCommand({ ClientId: client.ClientId!, Username: username, ConfirmationCode: code! }));
    assert.equal((await s.idp.send(new AdminGetUserCommand({ UserPoolId: pool.Id!, Username: username }))).UserStatus, 'CONFIRMED');
  });
});
