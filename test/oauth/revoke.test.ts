// POST /oauth2/revoke (RFC 7009) through openid-client v6's tokenRevocation, for refresh tokens from the JSON API's
// sign-in: a confidential client (client_secret_basic, client_secret_post) and a public one; revoking makes the refresh
// token unusable and the session's access tokens fail GetUser, as RevokeToken does; the RFC errors on the wire. On the
// store under test (SQLite or PostgreSQL).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  GetUserCommand,
  InitiateAuthCommand,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import * as oidc from 'openid-client';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { createTestUser, secretHashOf } from '../support/users.ts';
import { discoverClient, type ClientAuthKind } from '../support/oauth.ts';
import { FixedClock } from '../../src/runtime/clock.ts';

let s: TestServer;
const clock = new FixedClock(Date.now());
let poolId: string;
let issuer: string;
let confidential: UserPoolClientType;
let publicClient: UserPoolClientType;
let noRevocation: UserPoolClientType;
const PW = 'Passw0rd!';

before(async () => {
  s = await startServerOnStoreUnderTest(clock, 'oauth_revoke');
  poolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'revoke' }))).UserPool!.Id!;
  issuer = `${s.url}/${poolId}`;
  await s.idp.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'revoke-test' }));
  const flows = ['ALLOW_USER_PASSWORD_AUTH' as const, 'ALLOW_REFRESH_TOKEN_AUTH' as const];
  const mk = async (ClientName: string, GenerateSecret: boolean, EnableTokenRevocation = true) =>
    (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName, GenerateSecret, ExplicitAuthFlows: flows, EnableTokenRevocation })))
      .UserPoolClient!;
  confidential = await mk('server', true);
  publicClient = await mk('spa', false);
  noRevocation = await mk('legacy', false, false);
  await createTestUser(s.deps, (await s.deps.store.pools.get(poolId))!, 'alice', PW);
});
after(() => s.close());
testOnPostgres(() => s);

async function signIn(c: UserPoolClientType) {
  const AuthParameters: Record<string, string> = { USERNAME: 'alice', PASSWORD: PW };
  if (c.ClientSecret) AuthParameters.SECRET_HASH = secretHashOf(c.ClientSecret, 'alice', c.ClientId!);
  return (await s.idp.send(new InitiateAuthCommand({ ClientId: c.ClientId!, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters }))).AuthenticationResult!;
}
const refresh = (c: UserPoolClientType, token: string) => {
  const AuthParameters: Record<string, string> = { REFRESH_TOKEN: token };
  if (c.ClientSecret) AuthParameters.SECRET_HASH = secretHashOf(c.ClientSecret, 'alice', c.ClientId!);
  return s.idp.send(new InitiateAuthCommand({ ClientId: c.ClientId!, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters }));
};
const configOf = (c: UserPoolClientType, auth: ClientAuthKind, secret = c.ClientSecret) => discoverClient(issuer, c.ClientId!, secret, auth);

test('a confidential client revokes its refresh token (basic and post): refresh and GetUser fail after, revoking again is 200', async () => {
  for (const auth of ['basic', 'post'] as const) {
    const t = await signIn(confidential);
    await s.idp.send(new GetUserCommand({ AccessToken: t.AccessToken! }));
    const config = await configOf(confidential, auth);
    assert.equal(config.serverMetadata().revocation_endpoint, `${issuer}/oauth2/revoke`);
    await oidc.tokenRevocation(config, t.RefreshToken!);
    assert.deepEqual(await awsErrorOf(() => refresh(confidential, t.RefreshToken!)), { name: 'NotAuthorizedException', message: 'Refresh Token has been revoked', status: 400 });
    assert.equal((await awsErrorOf(() => s.idp.send(new GetUserCommand({ AccessToken: t.AccessToken! })))).name, 'NotAuthorizedException');
    await oidc.tokenRevocation(config, t.RefreshToken!);
  }
});

test('a public client revokes with its client_id alone; another session of the user stays', async () => {
  const keep = await signIn(publicClient);
  const t = await signIn(publicClient);
  await oidc.tokenRevocation(await configOf(publicClient, 'none'), t.RefreshToken!);
  assert.equal((await awsErrorOf(() => refresh(publicClient, t.RefreshToken!))).name, 'NotAuthorizedException');
  assert.ok((await refresh(publicClient, keep.RefreshToken!)).AuthenticationResult?.AccessToken);
});

test('errors: wrong secret invalid_client; another client\'s token, an access token, revocation disabled, no token — nothing revoked', async () => {
  const t = await signIn(confidential);
  const expectError = (p: Promise<unknown>, error: string, status: number) =>
    assert.rejects(p, (e: unknown) => {
      if (e instanceof oidc.WWWAuthenticateChallengeError) return status === 401 && e.status === 401 && error === 'invalid_client';
      return e instanceof oidc.ResponseBodyError && e.error === error && e.status === status;
    });
  await expectError(oidc.tokenRevocation(await configOf(confidential, 'post', 'wrong'), t.RefreshToken!), 'invalid_client', 401);
  await expectError(oidc.tokenRevocation(await configOf(confidential, 'basic', 'wrong'), t.RefreshToken!), 'invalid_client', 401);
  await expectError(oidc.tokenRevocation(await configOf(publicClient, 'none'), t.RefreshToken!), 'invalid_client', 401);
  await expectError(oidc.tokenRevocation(await configOf(confidential, 'basic'), t.AccessToken!), 'unsupported_token_type', 400);
  const legacy = await signIn(noRevocation);
  await expectError(oidc.tokenRevocation(await configOf(noRevocation, 'none'), legacy.RefreshToken!), 'invalid_request', 400);
  assert.ok((await refresh(noRevocation, legacy.RefreshToken!)).AuthenticationResult?.AccessToken);
  const noToken = await fetch(`${issuer}/oauth2/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `client_id=${publicClient.ClientId}` });
  assert.deepEqual([noToken.status, await noToken.json()], [400, { error: 'invalid_request' }]);
  // Still alive after all of that.
  assert.ok((await refresh(confidential, t.RefreshToken!)).AuthenticationResult?.AccessToken);
  await s.idp.send(new GetUserCommand({ AccessToken: t.AccessToken! }));
});
