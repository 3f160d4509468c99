// POST /oauth2/token with grant_type=client_credentials, driven by openid-client v6 from the pool's discovery document
// (client_secret_basic and client_secret_post), its tokens checked by aws-jwt-verify against the pool's JWKS; the RFC 6749
// errors (invalid_client, invalid_scope, unauthorized_client, unsupported_grant_type, invalid_request) on the wire; the
// Host form `{prefix}.auth.{anything}`. On the store under test (SQLite or PostgreSQL).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteResourceServerCommand,
  GetUserCommand,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import * as oidc from 'openid-client';
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { rawRequest } from '../support/raw-http.ts';
import { discoverClient } from '../support/oauth.ts';
import { FixedClock } from '../../src/runtime/clock.ts';

let s: TestServer;
// Near the real time: aws-jwt-verify and openid-client check exp/iat against the real clock.
const clock = new FixedClock(Date.now());
let poolId: string;
let issuer: string;
let machine: UserPoolClientType;
let other: UserPoolClientType;
let codeClient: UserPoolClientType;
const DOMAIN = 'm2m-cc';

before(async () => {
  s = await startServerOnStoreUnderTest(clock, 'client_credentials');
  poolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'machines' }))).UserPool!.Id!;
  issuer = `${s.url}/${poolId}`;
  await s.idp.send(
    new CreateResourceServerCommand({
      UserPoolId: poolId,
      Identifier: 'https://orders.example.com',
      Name: 'orders',
      Scopes: [
        { ScopeName: 'read', ScopeDescription: 'Read orders' },
        { ScopeName: 'write', ScopeDescription: 'Write orders' },
      ],
    }),
  );
  await s.idp.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'billing', Name: 'billing', Scopes: [{ ScopeName: 'pay', ScopeDescription: 'Pay' }] }));
  const m2m = (ClientName: string, AllowedOAuthScopes: string[]) =>
    s.idp.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName,
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes,
        AccessTokenValidity: 30,
        TokenValidityUnits: { AccessToken: 'minutes' },
      }),
    );
  machine = (await m2m('machine', ['https://orders.example.com/read', 'https://orders.example.com/write', 'billing/pay'])).UserPoolClient!;
  other = (await m2m('other', ['https://orders.example.com/read'])).UserPoolClient!;
  codeClient = (
    await s.idp.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'web',
        GenerateSecret: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ['openid'],
        CallbackURLs: ['https://app.example.com/cb'],
      }),
    )
  ).UserPoolClient!;
});
after(() => s.close());
testOnPostgres(() => s);

const discover = (c: UserPoolClientType, auth: 'basic' | 'post', secret = c.ClientSecret!) => discoverClient(issuer, c.ClientId!, secret, auth);

/** aws-jwt-verify's generic verifier for this pool's access tokens (access tokens carry client_id, not aud). */
function accessVerifier(clientId: string, scope: string | string[]) {
  return JwtVerifier.create(
    {
      issuer,
      audience: null,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      scope,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'access') throw new Error('not an access token');
        if (payload.client_id !== clientId) throw new Error('not for this client');
      },
    },
    // aws-jwt-verify fetches over HTTPS only; this test server is plain HTTP.
    { jwksCache: new SimpleJwksCache({ fetcher: { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() } }) },
  );
}

/** The error openid-client reports for a refused token request: the RFC 6749 code and the HTTP status. */
async function oauthErrorOf(p: Promise<unknown>): Promise<{ error: string; status: number }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof oidc.ResponseBodyError) return { error: e.error, status: e.status };
    // A 401 with WWW-Authenticate: openid-client reports the challenge (the body's error is checked on the wire below).
    if (e instanceof oidc.WWWAuthenticateChallengeError) return { error: `challenge ${e.cause[0]?.scheme}`, status: e.status };
    throw e;
  }
  assert.fail('expected an OAuth error');
}

test('the discovery document of a pool with a domain lists the token endpoint under the issuer; without a domain it lists none', async () => {
  const bare = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'no-domain' }))).UserPool!.Id!;
  const before = (await (await fetch(`${s.url}/${bare}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  assert.equal(before.token_endpoint, undefined);
  assert.equal((await fetch(`${s.url}/${bare}/oauth2/token`, { method: 'POST' })).status, 404);

  await s.idp.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: DOMAIN }));
  const config = await discover(machine, 'basic');
  const meta = config.serverMetadata();
  assert.equal(meta.issuer, issuer);
  assert.equal(meta.token_endpoint, `${issuer}/oauth2/token`);
  assert.equal(meta.revocation_endpoint, `${issuer}/oauth2/revoke`);
  assert.deepEqual(meta.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post']);
  // Nothing listed that this server does not serve yet.
  assert.equal(meta.userinfo_endpoint, `${issuer}/oauth2/userInfo`);
  for (const k of ['authorization_endpoint', 'end_session_endpoint']) assert.equal(meta[k], undefined, k);
});

test('openid-client clientCredentialsGrant (basic and post) gets a Cognito-shaped access token that aws-jwt-verify accepts', async () => {
  for (const auth of ['basic', 'post'] as const) {
    const config = await discover(machine, auth);
    const t = await oidc.clientCredentialsGrant(config, { scope: 'https://orders.example.com/read' });
    assert.equal(t.token_type, 'bearer');
    assert.equal(t.expires_in, 1800);
    assert.equal(t.refresh_token, undefined);
    assert.equal(t.id_token, undefined);
    const payload = await accessVerifier(machine.ClientId!, 'https://orders.example.com/read').verify(t.access_token);
    const iat = Math.floor(clock.now() / 1000);
    assert.deepEqual(Object.keys(payload), ['sub', 'token_use', 'scope', 'auth_time', 'iss', 'exp', 'iat', 'version', 'jti', 'client_id']);
    assert.deepEqual({ ...payload, jti: undefined }, {
      sub: machine.ClientId,
      token_use: 'access',
      scope: 'https://orders.example.com/read',
      auth_time: iat,
      iss: issuer,
      exp: iat + 1800,
      iat,
      version: 2,
      jti: undefined,
      client_id: machine.ClientId,
    });
    assert.match(payload.jti as string, /^[0-9a-f-]{36}$/);
    // Signed with the pool's access-token key (the one its other access tokens use).
    const keys = await s.deps.store.keys.listForPool(poolId);
    assert.equal(decodeProtectedHeader(t.access_token).kid, keys.find((k) => k.use === 'access' && k.retiresAt === null)!.kid);
  }
});

test('scope: several at once, none given means every custom scope of the client; the token is no user token for GetUser', async () => {
  const config = await discover(machine, 'basic');
  const two = await oidc.clientCredentialsGrant(config, { scope: 'billing/pay https://orders.example.com/write' });
  assert.equal(decodeJwt(two.access_token).scope, 'billing/pay https://orders.example.com/write');
  await accessVerifier(machine.ClientId!, ['billing/pay']).verify(two.access_token);
  const all = await oidc.clientCredentialsGrant(config);
  assert.equal(decodeJwt(all.access_token).scope, 'https://orders.example.com/read https://orders.example.com/write billing/pay');
  assert.equal((await awsErrorOf(() => s.idp.send(new GetUserCommand({ AccessToken: all.access_token })))).name, 'NotAuthorizedException');
});

test('RFC 6749 errors: a wrong secret or unknown client is invalid_client, a scope the client lacks invalid_scope, a client without the flow unauthorized_client', async () => {
  assert.deepEqual(await oauthErrorOf(oidc.clientCredentialsGrant(await discover(machine, 'post', 'wrong-secret'))), { error: 'invalid_client', status: 401 });
  assert.deepEqual(await oauthErrorOf(oidc.clientCredentialsGrant(await discover(machine, 'basic', 'wrong-secret'))), { error: 'challenge basic', status: 401 });
  const unknown = await discoverClient(issuer, '1example23456789', 'x', 'post');
  assert.deepEqual(await oauthErrorOf(oidc.clientCredentialsGrant(unknown)), { error: 'invalid_client', status: 401 });
  const otherConfig = await discover(other, 'post');
  assert.deepEqual(await oauthErrorOf(oidc.clientCredentialsGrant(otherConfig, { scope: 'billing/pay' })), { error: 'invalid_scope', status: 400 });
  assert.deepEqual(await oauthErrorOf(oidc.clientCredentialsGrant(otherConfig, { scope: 'nope/never' })), { error: 'invalid_scope', status: 400 });
  assert.deepEqual(await oauthErrorOf(oidc.clientCredentialsGrant(await discover(codeClient, 'basic'))), { error: 'unauthorized_client', status: 400 });
});

test('on the wire: JSON {"error"}, WWW-Authenticate for Basic, no-store; unsupported_grant_type and invalid_request', async () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${issuer}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
  const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });
  const wrong = await post('grant_type=client_credentials', basic(machine.ClientId!, 'nope'));
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers.get('www-authenticate'), 'Basic');
  assert.equal(wrong.headers.get('cache-control'), 'no-store');
  assert.match(wrong.headers.get('content-type')!, /^application\/json/);
  assert.deepEqual(await wrong.json(), { error: 'invalid_client' });
  const postWrong = await post(`grant_type=client_credentials&client_id=${machine.ClientId}&client_secret=nope`);
  assert.equal(postWrong.status, 401);
  assert.equal(postWrong.headers.get('www-authenticate'), null);
  assert.deepEqual(await (await post('grant_type=password&username=a&password=b', basic(machine.ClientId!, machine.ClientSecret!))).json(), {
    error: 'unsupported_grant_type',
  });
  for (const [body, headers] of [
    ['client_id=x', {}],
    [`grant_type=client_credentials&grant_type=client_credentials`, basic(machine.ClientId!, machine.ClientSecret!)],
    ['grant_type=client_credentials', {}],
    [`grant_type=client_credentials&client_secret=${machine.ClientSecret}`, basic(machine.ClientId!, machine.ClientSecret!)],
  ] as const) {
    const r = await post(body, headers);
    assert.equal(r.status, 400, body);
    assert.deepEqual(await r.json(), { error: 'invalid_request' }, body);
  }
  const json = await fetch(`${issuer}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/json', ...basic(machine.ClientId!, machine.ClientSecret!) }, body: '{}' });
  assert.deepEqual([json.status, await json.json()], [400, { error: 'invalid_request' }]);
});

test('the Host form {prefix}.auth.{anything} serves the pool of that domain; an unknown prefix is 404', async () => {
  const ask = (host: string) =>
    rawRequest(s.url, {
      method: 'POST',
      path: '/oauth2/token',
      headers: {
        host,
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${machine.ClientId}:${machine.ClientSecret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials&scope=billing%2Fpay',
    });
  const r = await ask(`${DOMAIN}.auth.us-east-1.amazoncognito.com`);
  assert.equal(r.status, 200, r.body);
  const t = JSON.parse(r.body) as { access_token: string; token_type: string; expires_in: number };
  assert.deepEqual(Object.keys(t), ['access_token', 'expires_in', 'token_type']);
  assert.equal(t.token_type, 'Bearer');
  await accessVerifier(machine.ClientId!, 'billing/pay').verify(t.access_token);
  assert.equal((await ask(`${DOMAIN}.auth.localhost:9330`)).status, 200);
  assert.equal((await ask('nobody-here.auth.us-east-1.amazoncognito.com')).status, 404);
});

test('a scope whose resource server is deleted is no longer granted', async () => {
  await s.idp.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'temp', Name: 'temp', Scopes: [{ ScopeName: 'x', ScopeDescription: 'x' }] }));
  const c = (
    await s.idp.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'temp',
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ['temp/x'],
      }),
    )
  ).UserPoolClient!;
  const config = await discover(c, 'post');
  assert.equal(decodeJwt((await oidc.clientCredentialsGrant(config)).access_token).scope, 'temp/x');
  await s.idp.send(new DeleteResourceServerCommand({ UserPoolId: poolId, Identifier: 'temp' }));
  assert.deepEqual(await oauthErrorOf(oidc.clientCredentialsGrant(config, { scope: 'temp/x' })), { error: 'invalid_scope', status: 400 });
  assert.deepEqual(await oauthErrorOf(oidc.clientCredentialsGrant(config)), { error: 'invalid_scope', status: 400 });
});
