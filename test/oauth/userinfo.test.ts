// GET /oauth2/userInfo through openid-client v6's fetchUserInfo. Tokens from the JSON API carry only
// aws.cognito.signin.user.admin and are refused (no openid, §7.3); a pool's PreTokenGeneration V2_0 function (the
// developer guide's example, adding openid email phone profile) gives them openid, and then the user's readable
// attributes come back as strings. Revoked sessions and machine tokens are refused with Cognito's Bearer challenge.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { startTestServer, type TestServer } from '../support/server.ts';
import { arnOf, triggerSetup } from '../support/lambda-kinds.ts';
import { discoverClient } from '../support/oauth.ts';

const ADMIN = { accessKeyId: 'AKIDTESTADMIN0000001', secretAccessKey: 'test-admin-secret-key-0000000000000000000' };
const PW = 'Passw0rd!';
let s: TestServer;
let setup: Awaited<ReturnType<typeof triggerSetup>>;
let n = 0;

before(async () => {
  setup = await triggerSetup('module', ADMIN, ['pre-token-generation.v2']);
  s = await startTestServer({ admin: ADMIN, config: { dev: true, ...setup.config } });
});
after(async () => {
  await s.close();
  await setup.close();
});

/** A pool with a domain and alice in it; with the V2_0 function unless `plain`. */
async function poolWithAlice(plain = false, ReadAttributes?: string[]) {
  n++;
  const poolId = (
    await s.idp.send(
      new CreateUserPoolCommand({
        PoolName: `userinfo-${n}`,
        UserPoolTier: 'ESSENTIALS',
        Schema: [{ Name: 'tier', AttributeDataType: 'String', Mutable: true }],
        ...(plain ? {} : { LambdaConfig: { PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: arnOf('pre-token-generation.v2') } } }),
      }),
    )
  ).UserPool!.Id!;
  await s.idp.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: `userinfo-${n}` }));
  const clientId = (
    await s.idp.send(
      new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], ReadAttributes }),
    )
  ).UserPoolClient!.ClientId!;
  await s.idp.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: 'alice',
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: 'alice@example.com' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'family_name', Value: 'Liddell' },
        { Name: 'custom:tier', Value: 'gold' },
      ],
    }),
  );
  await s.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'alice', Password: PW, Permanent: true }));
  const t = (await s.idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD: PW } })))
    .AuthenticationResult!;
  const config = await discoverClient(`${s.url}/${poolId}`, clientId, undefined, 'none');
  return { poolId, clientId, t, config, sub: decodeJwt(t.AccessToken!).sub! };
}

test('a token with openid (and aws.cognito.signin.user.admin): sub, every readable attribute as strings, username', async () => {
  const { t, config, sub } = await poolWithAlice();
  assert.equal(config.serverMetadata().userinfo_endpoint, `${config.serverMetadata().issuer}/oauth2/userInfo`);
  assert.equal(decodeJwt(t.AccessToken!).scope, 'aws.cognito.signin.user.admin openid email phone profile');
  const info = await oidc.fetchUserInfo(config, t.AccessToken!, sub);
  assert.deepEqual(info, { sub, email: 'alice@example.com', email_verified: 'true', family_name: 'Liddell', 'custom:tier': 'gold', username: 'alice' });
});

test("the client's ReadAttributes limit what userInfo tells", async () => {
  const { t, config, sub } = await poolWithAlice(false, ['email', 'email_verified']);
  assert.deepEqual(await oidc.fetchUserInfo(config, t.AccessToken!, sub), { sub, email: 'alice@example.com', email_verified: 'true', username: 'alice' });
});

test("refused: an API token without openid, a signed-out session, no token — with Cognito's WWW-Authenticate challenge", async () => {
  const plain = await poolWithAlice(true);
  // Cognito's challenge names no scheme (developer guide, "userInfo endpoint", sample negative responses), so
  // openid-client reports the status it did not expect; the wire is checked with the same token.
  const refusedBy = (config: oidc.Configuration, token: string) =>
    assert.rejects(oidc.fetchUserInfo(config, token, oidc.skipSubjectCheck), (e: unknown) => e instanceof oidc.ClientError && /unexpected HTTP response status code/.test(e.message));
  const statusOf = async (config: oidc.Configuration, token: string) =>
    (await fetch(config.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${token}` } })).status;
  await refusedBy(plain.config, plain.t.AccessToken!);
  assert.equal(await statusOf(plain.config, plain.t.AccessToken!), 401);

  const { t, config, sub } = await poolWithAlice();
  await oidc.fetchUserInfo(config, t.AccessToken!, sub);
  await s.idp.send(new GlobalSignOutCommand({ AccessToken: t.AccessToken! }));
  await refusedBy(config, t.AccessToken!);
  assert.equal(await statusOf(config, t.AccessToken!), 401);

  const url = config.serverMetadata().userinfo_endpoint!;
  const none = await fetch(url);
  assert.equal(none.status, 400);
  assert.equal(none.headers.get('www-authenticate'), 'error="invalid_request", error_description="Bad OAuth2 request at UserInfo Endpoint"');
  const bad = await fetch(url, { headers: { authorization: 'Bearer not.a.token' } });
  assert.equal(bad.status, 401);
  assert.equal(
    bad.headers.get('www-authenticate'),
    'error="invalid_token", error_description="Access token is expired, disabled, or deleted, or the user has globally signed out."',
  );
  // Another pool's token is refused at this pool's endpoint.
  const other = await poolWithAlice();
  assert.equal((await fetch(url, { headers: { authorization: `Bearer ${other.t.AccessToken}` } })).status, 401);
});
