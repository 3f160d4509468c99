// Tokens and sessions through the real AWS SDK: GetUser, GlobalSignOut, AdminUserGlobalSignOut, RevokeToken,
// GetTokensFromRefreshToken, and aws-jwt-verify accepting the tokens with the keys it fetches from the JWKS URL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminConfirmSignUpCommand,
  AdminUserGlobalSignOutCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  SignUpCommand,
  type AuthenticationResultType,
  type CreateUserPoolClientCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { decodeJwt } from 'jose';
import { FixedClock } from '../../src/runtime/clock.ts';
import { startTestServer, awsErrorOf, type TestServer } from '../support/server.ts';

const PASSWORD = 'Corr3ct-Horse!';
let s: TestServer;
// Near the real time: SigV4 allows 15 minutes of skew, and aws-jwt-verify checks exp against the real clock.
const clock = new FixedClock(Math.floor(Date.now() / 1000) * 1000);
let poolId: string;
let clientId: string;

before(async () => {
  s = await startTestServer({ clock });
  poolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'tokens' }))).UserPool!.Id!;
  clientId = (await newClient()).ClientId;
});
after(() => s.close());

async function newClient(over: Partial<CreateUserPoolClientCommandInput> = {}): Promise<{ ClientId: string; ClientSecret?: string }> {
  const { UserPoolClient: c } = await s.idp.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'app',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      ...over,
    }),
  );
  return { ClientId: c!.ClientId!, ClientSecret: c!.ClientSecret };
}

let users = 0;
/** A confirmed user, signed up through the public API. */
async function newUser(): Promise<string> {
  const username = `user${++users}`;
  await s.idp.send(
    new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }] }),
  );
  await s.idp.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: username }));
  return username;
}

async function signIn(username: string, client = clientId): Promise<AuthenticationResultType> {
  const r = await s.idp.send(
    new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: client, AuthParameters: { USERNAME: username, PASSWORD } }),
  );
  return r.AuthenticationResult!;
}

test('GetUser answers the signed-in user', async () => {
  const username = await newUser();
  const t = await signIn(username);
  const out = await s.idp.send(new GetUserCommand({ AccessToken: t.AccessToken }));
  assert.equal(out.Username, username);
  const attrs = Object.fromEntries(out.UserAttributes!.map((a) => [a.Name, a.Value]));
  assert.equal(attrs.sub, decodeJwt(t.AccessToken!).sub);
  assert.equal(attrs.email, `${username}@example.com`);
  assert.equal(out.UserAttributes![0]!.Name, 'sub');
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new GetUserCommand({ AccessToken: 'not.a.token' }))), {
    name: 'NotAuthorizedException',
    message: 'Invalid Access Token',
    status: 400,
  });
});

test('aws-jwt-verify accepts both tokens, fetching the keys from the pool\'s JWKS URL', async () => {
  const username = await newUser();
  const t = await signIn(username);
  const issuer = `${s.url}/${poolId}`;
  const jwksUri = `${issuer}/.well-known/jwks.json`;
  // aws-jwt-verify fetches over HTTPS only; give it a fetcher for this plain-HTTP test server.
  let fetches = 0;
  const cache = new SimpleJwksCache({
    fetcher: {
      fetch: async (uri: string) => {
        fetches++;
        return (await fetch(uri)).arrayBuffer();
      },
    },
  });
  const idVerifier = JwtVerifier.create(
    {
      issuer,
      audience: clientId,
      jwksUri,
      customJwtCheck: ({ payload }) => assert.equal(payload.token_use, 'id'),
    },
    { jwksCache: cache },
  );
  // Access tokens have client_id, not aud (§3.3): the generic verifier checks it in customJwtCheck.
  const accessVerifier = JwtVerifier.create(
    {
      issuer,
      audience: null,
      jwksUri,
      scope: 'aws.cognito.signin.user.admin',
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'access') throw new Error('not an access token');
        if (payload.client_id !== clientId) throw new Error('not for this client');
      },
    },
    { jwksCache: cache },
  );
  const id = await idVerifier.verify(t.IdToken!);
  assert.equal(id['cognito:username'], username);
  assert.equal(id.email, `${username}@example.com`);
  const access = await accessVerifier.verify(t.AccessToken!);
  assert.equal(access.username, username);
  assert.ok(fetches >= 1);
  // And each refuses the other kind of token.
  await assert.rejects(idVerifier.verify(t.AccessToken!));
  await assert.rejects(accessVerifier.verify(t.IdToken!));
});

test('GlobalSignOut: the user\'s access tokens are refused, refresh tokens revoked', async () => {
  const username = await newUser();
  const a = await signIn(username);
  const b = await signIn(username);
  assert.deepEqual(Object.keys(await s.idp.send(new GlobalSignOutCommand({ AccessToken: a.AccessToken }))), ['$metadata']);
  for (const t of [a, b]) {
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new GetUserCommand({ AccessToken: t.AccessToken }))), {
      name: 'NotAuthorizedException',
      message: 'Access Token has been revoked',
      status: 400,
    });
    assert.deepEqual(
      await awsErrorOf(() => s.idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: t.RefreshToken }))),
      { name: 'NotAuthorizedException', message: 'Refresh Token has been revoked', status: 400 },
    );
  }
  // A new sign-in works again.
  const c = await signIn(username);
  assert.equal((await s.idp.send(new GetUserCommand({ AccessToken: c.AccessToken }))).Username, username);
});

test('AdminUserGlobalSignOut signs the user out everywhere', async () => {
  const username = await newUser();
  const other = await newUser();
  const t = await signIn(username);
  const o = await signIn(other);
  await s.idp.send(new AdminUserGlobalSignOutCommand({ UserPoolId: poolId, Username: username }));
  assert.equal((await awsErrorOf(() => s.idp.send(new GetUserCommand({ AccessToken: t.AccessToken })))).message, 'Access Token has been revoked');
  assert.equal((await s.idp.send(new GetUserCommand({ AccessToken: o.AccessToken }))).Username, other);
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new AdminUserGlobalSignOutCommand({ UserPoolId: poolId, Username: 'nobody' }))), {
    name: 'UserNotFoundException',
    message: 'User does not exist.',
    status: 400,
  });
});

test('RevokeToken ends that session only; access tokens are not revocable', async () => {
  const username = await newUser();
  const a = await signIn(username);
  const b = await signIn(username);
  await s.idp.send(new RevokeTokenCommand({ ClientId: clientId, Token: a.RefreshToken }));
  assert.equal((await awsErrorOf(() => s.idp.send(new GetUserCommand({ AccessToken: a.AccessToken })))).message, 'Access Token has been revoked');
  assert.equal(
    (await awsErrorOf(() => s.idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: a.RefreshToken })))).message,
    'Refresh Token has been revoked',
  );
  assert.equal((await s.idp.send(new GetUserCommand({ AccessToken: b.AccessToken }))).Username, username);
  // Revoking again is fine.
  await s.idp.send(new RevokeTokenCommand({ ClientId: clientId, Token: a.RefreshToken }));
  assert.equal(
    (await awsErrorOf(() => s.idp.send(new RevokeTokenCommand({ ClientId: clientId, Token: b.AccessToken })))).name,
    'UnsupportedTokenTypeException',
  );
});

test('GetTokensFromRefreshToken: without rotation no new refresh token, and the session carries over', async () => {
  const username = await newUser();
  const t = await signIn(username);
  const r = (await s.idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: t.RefreshToken }))).AuthenticationResult!;
  assert.equal(r.RefreshToken, undefined);
  assert.equal(r.ExpiresIn, 3600);
  assert.equal(r.TokenType, 'Bearer');
  assert.equal(decodeJwt(r.IdToken!).origin_jti, decodeJwt(t.IdToken!).origin_jti);
  assert.equal(decodeJwt(r.AccessToken!).auth_time, decodeJwt(t.AccessToken!).auth_time);
  assert.equal((await s.idp.send(new GetUserCommand({ AccessToken: r.AccessToken }))).Username, username);
});

test('GetTokensFromRefreshToken with rotation: a new refresh token, the old one honoured only for the grace period', async () => {
  const rotating = await newClient({ RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 10 } });
  const username = await newUser();
  const t = await signIn(username, rotating.ClientId);
  const send = (token: string | undefined) =>
    s.idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: rotating.ClientId, RefreshToken: token }));
  const r = (await send(t.RefreshToken)).AuthenticationResult!;
  assert.ok(r.RefreshToken && r.RefreshToken !== t.RefreshToken);
  assert.equal(r.RefreshToken.split('.').length, 5);
  assert.equal((await send(t.RefreshToken)).AuthenticationResult!.RefreshToken, r.RefreshToken);
  // The successor rotates in turn.
  const next = (await send(r.RefreshToken)).AuthenticationResult!;
  assert.ok(next.RefreshToken && next.RefreshToken !== r.RefreshToken);
  assert.equal((await s.idp.send(new GetUserCommand({ AccessToken: next.AccessToken }))).Username, username);
  clock.advance(11_000);
  try {
    assert.deepEqual(await awsErrorOf(() => send(t.RefreshToken)), {
      name: 'RefreshTokenReuseException',
      message: 'Refresh Token has been rotated and can no longer be used',
      status: 400,
    });
    // Reuse ends the session: the newest refresh token and the access token issued with it are refused.
    assert.deepEqual(await awsErrorOf(() => send(next.RefreshToken)), {
      name: 'NotAuthorizedException',
      message: 'Refresh Token has been revoked',
      status: 400,
    });
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new GetUserCommand({ AccessToken: next.AccessToken }))), {
      name: 'NotAuthorizedException',
      message: 'Access Token has been revoked',
      status: 400,
    });
    // Other sessions of the user are untouched.
    const other = await signIn(username, rotating.ClientId);
    assert.equal((await s.idp.send(new GetUserCommand({ AccessToken: other.AccessToken }))).Username, username);
  } finally {
    clock.advance(-11_000);
  }
});

test('REFRESH_TOKEN_AUTH with a rotated-out refresh token past the grace: NotAuthorizedException, and the session ends', async () => {
  const rotating = await newClient({ RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 5 } });
  const username = await newUser();
  const t = await signIn(username, rotating.ClientId);
  const refresh = (token: string | undefined) =>
    s.idp.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: rotating.ClientId, AuthParameters: { REFRESH_TOKEN: token! } }));
  const r = (await s.idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: rotating.ClientId, RefreshToken: t.RefreshToken })))
    .AuthenticationResult!;
  // Within the grace the old token still works here too.
  assert.ok((await refresh(t.RefreshToken)).AuthenticationResult!.AccessToken);
  clock.advance(6_000);
  try {
    assert.deepEqual(await awsErrorOf(() => refresh(t.RefreshToken)), { name: 'NotAuthorizedException', message: 'Invalid Refresh Token.', status: 400 });
    assert.deepEqual(await awsErrorOf(() => refresh(r.RefreshToken)), {
      name: 'NotAuthorizedException',
      message: 'Refresh Token has been revoked',
      status: 400,
    });
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new GetUserCommand({ AccessToken: r.AccessToken }))), {
      name: 'NotAuthorizedException',
      message: 'Access Token has been revoked',
      status: 400,
    });
  } finally {
    clock.advance(-6_000);
  }
});

test('GetTokensFromRefreshToken on a secret client needs the ClientSecret', async () => {
  const secret = await newClient({ GenerateSecret: true, ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
  const username = await newUser();
  // Sign in through the admin flow (SECRET_HASH computed here, as clients do).
  const { createHmac } = await import('node:crypto');
  const hash = createHmac('sha256', secret.ClientSecret!).update(username + secret.ClientId).digest('base64');
  const { AdminInitiateAuthCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  const t = (
    await s.idp.send(
      new AdminInitiateAuthCommand({
        UserPoolId: poolId,
        ClientId: secret.ClientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD, SECRET_HASH: hash },
      }),
    )
  ).AuthenticationResult!;
  assert.deepEqual(
    await awsErrorOf(() => s.idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: secret.ClientId, RefreshToken: t.RefreshToken }))),
    { name: 'NotAuthorizedException', message: `Client ${secret.ClientId} is configured for secret but secret was not received`, status: 400 },
  );
  const r = await s.idp.send(
    new GetTokensFromRefreshTokenCommand({ ClientId: secret.ClientId, RefreshToken: t.RefreshToken, ClientSecret: secret.ClientSecret }),
  );
  assert.ok(r.AuthenticationResult!.AccessToken);
});

test('an expired access token is refused as such', async () => {
  const username = await newUser();
  const t = await signIn(username);
  clock.advance(3600_000);
  try {
    assert.deepEqual(await awsErrorOf(() => s.idp.send(new GetUserCommand({ AccessToken: t.AccessToken }))), {
      name: 'NotAuthorizedException',
      message: 'Access Token has expired',
      status: 400,
    });
  } finally {
    clock.advance(-3600_000);
  }
});
