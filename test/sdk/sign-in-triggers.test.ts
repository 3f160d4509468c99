// Sign-in triggers through the real clients, each through the three runner kinds (a module file, an HTTP endpoint, a
// Lambda Invoke API at COGNATE_LAMBDA_ENDPOINT): PreTokenGeneration V1/V2/V3 (claims seen by aws-jwt-verify),
// PreAuthentication, PostAuthentication, and UserMigration_Authentication (the migrated user then signs in with SRP
// through amazon-cognito-identity-js).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CreateGroupCommand,
  AdminAddUserToGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  type LambdaConfigType,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { awsErrorOf, startTestServer, type TestServer } from '../support/server.ts';
import { arnOf, LAMBDA_KINDS, lambdaEvents, triggerSetup } from '../support/lambda-kinds.ts';

const ADMIN = { accessKeyId: 'AKIDTESTADMIN0000001', secretAccessKey: 'test-admin-secret-key-0000000000000000000' };
const PASSWORD = 'Passw0rd!';
const FUNCTIONS = ['pre-token-generation.v1', 'pre-token-generation.v2', 'pre-authentication', 'post-authentication', 'user-migration-sign-in'];

for (const kind of LAMBDA_KINDS) {
  describe(`sign-in triggers through the ${kind} runner`, () => {
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

    async function poolWith(lambda: LambdaConfigType) {
      const pool = (await s.idp.send(new CreateUserPoolCommand({ PoolName: unique('p'), LambdaConfig: lambda, UserPoolTier: 'ESSENTIALS' }))).UserPool!;
      const client = (
        await s.idp.send(
          new CreateUserPoolClientCommand({
            UserPoolId: pool.Id!,
            ClientName: 'app',
            ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          }),
        )
      ).UserPoolClient!;
      return { poolId: pool.Id!, clientId: client.ClientId! };
    }

    async function userIn(poolId: string, username: string, groups: string[] = []) {
      await s.idp.send(
        new AdminCreateUserCommand({
          UserPoolId: poolId,
          Username: username,
          MessageAction: 'SUPPRESS',
          UserAttributes: [
            { Name: 'email', Value: `${username}@example.com` },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'family_name', Value: 'Original' },
          ],
        }),
      );
      await s.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }));
      for (const g of groups) {
        await s.idp.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: g })).catch(() => undefined);
        await s.idp.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: username, GroupName: g }));
      }
    }

    const signIn = (clientId: string, username: string, password = PASSWORD, ClientMetadata?: Record<string, string>) =>
      s.idp.send(
        new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password }, ClientMetadata }),
      );

    /** Both tokens verified by aws-jwt-verify against the pool's JWKS (fetched over plain HTTP for this test server). */
    async function verified(poolId: string, clientId: string, t: { IdToken?: string; AccessToken?: string }) {
      const issuer = `${s.url}/${poolId}`;
      const jwksUri = `${issuer}/.well-known/jwks.json`;
      const jwksCache = new SimpleJwksCache({ fetcher: { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() } });
      const id = await JwtVerifier.create({ issuer, audience: clientId, jwksUri }, { jwksCache }).verify(t.IdToken!);
      const access = await JwtVerifier.create({ issuer, audience: null, jwksUri }, { jwksCache }).verify(t.AccessToken!);
      assert.equal(access.client_id, clientId);
      return { id: id as Record<string, unknown>, access: access as Record<string, unknown> };
    }

    const events = (source: string, userName?: string) =>
      lambdaEvents().filter((e) => e.triggerSource === source && (userName === undefined || e.userName === userName));

    test('PreTokenGeneration V2_0: claims and scopes added to both tokens, seen by aws-jwt-verify; again on refresh', async () => {
      const { poolId, clientId } = await poolWith({ PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: arnOf('pre-token-generation.v2') } });
      const username = unique('v2');
      await userIn(poolId, username, ['readers']);
      const t = (await signIn(clientId, username)).AuthenticationResult!;
      const { id, access } = await verified(poolId, clientId, t);
      assert.equal(id.family_name, 'Doe');
      assert.deepEqual(id.tenant, { id: 't-1', plan: 'gold' });
      assert.equal(id.email, undefined);
      assert.deepEqual(id['cognito:groups'], ['new-group-A', 'new-group-B']);
      assert.deepEqual(id['cognito:roles'], ['arn:aws:iam::123456789012:role/new-role']);
      assert.equal(id['cognito:preferred_role'], 'arn:aws:iam::123456789012:role/new-role');
      assert.equal(access.my_first_attribute, 'first_value');
      assert.equal(access.my_second_attribute, 'second_value');
      assert.equal(access.username, username, 'fixed claims are not overridden');
      assert.equal(access['cognito:groups'], undefined);
      assert.deepEqual(String(access.scope).split(' ').sort(), ['aws.cognito.signin.user.admin', 'email', 'openid', 'phone', 'profile']);

      const e = events('TokenGeneration_Authentication', username).at(-1);
      assert.equal(e.version, '2');
      assert.equal(e.userPoolId, poolId);
      assert.equal(e.callerContext.clientId, clientId);
      assert.match(e.callerContext.awsSdkVersion, /^aws-sdk-/);
      assert.deepEqual(e.request.groupConfiguration, { groupsToOverride: ['readers'], iamRolesToOverride: [], preferredRole: null });
      assert.deepEqual(e.request.scopes, ['aws.cognito.signin.user.admin']);
      assert.equal(e.request.userAttributes.email, `${username}@example.com`);
      assert.equal(e.request.userAttributes['cognito:user_status'], 'CONFIRMED');

      const r = (
        await s.idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: t.RefreshToken! } }))
      ).AuthenticationResult!;
      assert.equal((await verified(poolId, clientId, r)).id.family_name, 'Doe');
      assert.equal(events('TokenGeneration_RefreshTokens', username).length, 1);
    });

    test('PreTokenGeneration V1_0 (legacy ARN): ID token claims added and suppressed, groups overridden in both tokens', async () => {
      const { poolId, clientId } = await poolWith({ PreTokenGeneration: arnOf('pre-token-generation.v1') });
      const username = unique('v1');
      await userIn(poolId, username, ['staff']);
      const { id, access } = await verified(poolId, clientId, (await signIn(clientId, username)).AuthenticationResult!);
      assert.equal(id.my_first_attribute, 'first_value');
      assert.equal(id.family_name, 'Overridden');
      assert.equal(id.email, undefined);
      assert.deepEqual(id['cognito:groups'], ['group-A', 'group-B']);
      assert.deepEqual(access['cognito:groups'], ['group-A', 'group-B']);
      assert.equal(access.my_first_attribute, undefined, 'V1 answers touch the ID token only');
      const e = events('TokenGeneration_Authentication', username).at(-1);
      assert.equal(e.version, '1');
      assert.equal(e.request.scopes, undefined);
      assert.deepEqual(e.request.groupConfiguration.groupsToOverride, ['staff']);
    });

    test('PreTokenGeneration V3_0: the V2 answer, with version "3" events', async () => {
      const { poolId, clientId } = await poolWith({ PreTokenGenerationConfig: { LambdaVersion: 'V3_0', LambdaArn: arnOf('pre-token-generation.v2') } });
      const username = unique('v3');
      await userIn(poolId, username);
      const { id, access } = await verified(poolId, clientId, (await signIn(clientId, username)).AuthenticationResult!);
      assert.equal(id.family_name, 'Doe');
      assert.equal(access.my_first_attribute, 'first_value');
      assert.equal(events('TokenGeneration_Authentication', username).at(-1).version, '3');
    });

    test('PreAuthentication refuses a sign-in with its message; PostAuthentication hears of the others, with ClientMetadata as Cognito passes it', async () => {
      const { poolId, clientId } = await poolWith({ PreAuthentication: arnOf('pre-authentication'), PostAuthentication: arnOf('post-authentication') });
      const blocked = unique('blocked');
      const ok = unique('fine');
      await userIn(poolId, blocked);
      await userIn(poolId, ok);
      const err = await awsErrorOf(() => signIn(clientId, blocked));
      assert.deepEqual([err.name, err.message], ['UserLambdaValidationException', 'PreAuthentication failed with error This user may not sign in.']);
      assert.equal(events('PostAuthentication_Authentication', blocked).length, 0);

      const t = await signIn(clientId, ok, PASSWORD, { app: 'web' });
      assert.ok(t.AuthenticationResult?.AccessToken);
      const pre = events('PreAuthentication_Authentication', ok).at(-1);
      assert.deepEqual(pre.request.clientMetadata, { app: 'web' });
      assert.deepEqual(pre.request.validationData, { app: 'web' });
      assert.equal(pre.request.userNotFound, false);
      const post = events('PostAuthentication_Authentication', ok).at(-1);
      assert.equal(post.request.newDeviceUsed, false);
      assert.equal(post.request.userAttributes.email, `${ok}@example.com`);
      // InitiateAuth passes its ClientMetadata to PreAuthentication and UserMigration only (API reference).
      assert.equal(post.request.clientMetadata, null);
      // A wrong password is refused after PreAuthentication ran, and PostAuthentication does not run.
      const before = events('PostAuthentication_Authentication', ok).length;
      assert.equal((await awsErrorOf(() => signIn(clientId, ok, 'Wrong-passw0rd'))).name, 'NotAuthorizedException');
      assert.equal(events('PostAuthentication_Authentication', ok).length, before);
    });

    test('with PreventUserExistenceErrors ENABLED, PreAuthentication runs for an unknown name too (userNotFound), and the answer is a wrong password\'s', async () => {
      const { poolId } = await poolWith({ PreAuthentication: arnOf('pre-authentication') });
      const hidden = (
        await s.idp.send(
          new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'hidden', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'], PreventUserExistenceErrors: 'ENABLED' }),
        )
      ).UserPoolClient!.ClientId!;
      const ghost = unique('ghost');
      const err = await awsErrorOf(() => signIn(hidden, ghost));
      assert.deepEqual([err.name, err.message], ['NotAuthorizedException', 'Incorrect username or password.']);
      const e = events('PreAuthentication_Authentication', ghost).at(-1);
      assert.equal(e.request.userNotFound, true);
      assert.deepEqual(e.request.userAttributes, {});
    });

    test('UserMigration_Authentication moves a legacy user on first sign-in; then they sign in with SRP through amazon-cognito-identity-js', async () => {
      const { poolId, clientId } = await poolWith({ UserMigration: arnOf('user-migration-sign-in') });
      const wrong = await awsErrorOf(() => signIn(clientId, 'old-timer', 'NotThePassw0rd!'));
      assert.deepEqual([wrong.name, wrong.message], ['UserNotFoundException', `Exception migrating user in app client ${clientId}`]);
      assert.equal((await awsErrorOf(() => s.idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'old-timer' })))).name, 'UserNotFoundException');

      const t = (await signIn(clientId, 'old-timer', 'OldPassw0rd!', { via: 'migration' })).AuthenticationResult!;
      const { id } = await verified(poolId, clientId, t);
      assert.equal(id['cognito:username'], 'old-timer');
      assert.equal(id.email, 'old-timer@example.com');
      const e = events('UserMigration_Authentication', 'old-timer').at(-1);
      assert.equal(e.request.password, 'OldPassw0rd!');
      assert.deepEqual(e.request.clientMetadata, { via: 'migration' });
      assert.equal(e.request.userAttributes, undefined);

      const user = await s.idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'old-timer' }));
      assert.equal(user.UserStatus, 'CONFIRMED');
      assert.equal(user.UserAttributes!.find((a) => a.Name === 'name')!.Value, 'Old Timer');

      const calls = events('UserMigration_Authentication').length;
      const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: s.url + '/' });
      const session = await new Promise<CognitoUserSession>((resolve, reject) =>
        new CognitoUser({ Username: 'old-timer', Pool: pool }).authenticateUser(new AuthenticationDetails({ Username: 'old-timer', Password: 'OldPassw0rd!' }), {
          onSuccess: resolve,
          onFailure: reject,
        }),
      );
      assert.equal((await verified(poolId, clientId, { IdToken: session.getIdToken().getJwtToken(), AccessToken: session.getAccessToken().getJwtToken() })).id.email, 'old-timer@example.com');
      assert.equal(events('UserMigration_Authentication').length, calls, 'an ordinary user now: no more migration');
    });
  });
}
