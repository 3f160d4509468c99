import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import type { ClientRecord, PoolRecord, UserRecord } from '../../storage/records.ts';
import createUserPool from '../operations/create-user-pool.ts';
import createClient from '../operations/create-user-pool-client.ts';
import type { CreateUserPoolClientRequest } from '../shapes.ts';
import { usernameKey } from '../domain/usernames.ts';
import { jwks } from '../../tokens/keys.ts';
import { newRefreshToken, refreshTokenFromBytes, refreshTokenHash } from '../../tokens/mint.ts';
import { issueTokens } from './issue-tokens.ts';

const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const NOW_S = NOW / 1000;

let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let clock: FixedClock;
let pool: PoolRecord;
let user: UserRecord;

before(async () => {
  clock = new FixedClock(NOW);
  deps = await makeTestDeps({ clock, config: { publicUrl: 'https://auth.example.test' } });
  const id = (
    await createUserPool.handle({ PoolName: 'p', Schema: [{ Name: 'tier', AttributeDataType: 'Number', Mutable: true }] }, deps, ctx)
  ).UserPool!.Id!;
  pool = (await deps.store.pools.get(id))!;
  user = await insertUser(pool, 'alice', {
    attributes: {
      email: 'alice@example.com',
      email_verified: 'true',
      phone_number: '+15555550100',
      phone_number_verified: 'false',
      name: 'Alice',
      updated_at: '1700000000',
      'custom:tier': '5',
      'dev:custom:secret': 'x',
    },
  });
});

async function client(input: Partial<CreateUserPoolClientRequest> = {}): Promise<ClientRecord> {
  const c = (await createClient.handle({ UserPoolId: pool.id, ClientName: 'web', ...input }, deps, ctx)).UserPoolClient!;
  return (await deps.store.clients.get(c.ClientId!))!;
}


/** A user inserted straight into the store (no password: these tests mint tokens without signing in). */
async function insertUser(
  p: PoolRecord,
  username: string,
  o: { attributes?: Record<string, string>; mfa?: Record<string, unknown> } = {},
): Promise<UserRecord> {
  const now = deps.clock.now();
  const user: UserRecord = {
    poolId: p.id,
    username,
    usernameKey: usernameKey(p, username),
    sub: deps.random.uuid(),
    status: 'CONFIRMED',
    enabled: true,
    attributes: { ...o.attributes },
    credentialsSealed: null,
    mfa: o.mfa ?? {},
    passwordSetAt: null,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  assert.equal(await deps.store.users.create(user), 'ok');
  return user;
}

test('a sign-in mints ID and access tokens with exactly Cognito\'s claims', async () => {
  clock.set(NOW);
  const c = await client();
  const r = await issueTokens(deps, { pool, client: c, user });
  assert.deepEqual(Object.keys(r), ['AccessToken', 'ExpiresIn', 'TokenType', 'RefreshToken', 'IdToken']);
  assert.equal(r.ExpiresIn, 3600);
  assert.equal(r.TokenType, 'Bearer');

  const id = decodeJwt(r.IdToken!);
  const access = decodeJwt(r.AccessToken!);
  for (const v of [id.jti, id.origin_jti, id.event_id, access.jti]) assert.match(String(v), UUID);
  assert.notEqual(id.jti, access.jti);
  assert.equal(access.origin_jti, id.origin_jti);
  assert.equal(access.event_id, id.event_id);
  const iss = `https://auth.example.test/${pool.id}`;
  assert.deepEqual(id, {
    sub: user.sub,
    email: 'alice@example.com',
    email_verified: true,
    phone_number: '+15555550100',
    phone_number_verified: false,
    name: 'Alice',
    updated_at: 1700000000,
    'custom:tier': '5',
    iss,
    'cognito:username': 'alice',
    origin_jti: id.origin_jti,
    aud: c.id,
    event_id: id.event_id,
    token_use: 'id',
    auth_time: NOW_S,
    exp: NOW_S + 3600,
    iat: NOW_S,
    jti: id.jti,
  });
  assert.deepEqual(access, {
    sub: user.sub,
    iss,
    client_id: c.id,
    origin_jti: id.origin_jti,
    event_id: id.event_id,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: NOW_S,
    exp: NOW_S + 3600,
    iat: NOW_S,
    jti: access.jti,
    username: 'alice',
  });
});

test('ID and access tokens carry different kids, both in the pool\'s JWKS, and verify against it', async () => {
  const c = await client();
  const r = await issueTokens(deps, { pool, client: c, user });
  const idHeader = decodeProtectedHeader(r.IdToken!);
  const accessHeader = decodeProtectedHeader(r.AccessToken!);
  assert.deepEqual(Object.keys(idHeader), ['kid', 'alg']);
  assert.equal(idHeader.alg, 'RS256');
  assert.equal(accessHeader.alg, 'RS256');
  assert.notEqual(idHeader.kid, accessHeader.kid);
  const set = jwks(await deps.store.keys.listForPool(pool.id), clock.now());
  const kids = set.keys.map((k) => k.kid);
  assert.ok(kids.includes(idHeader.kid) && kids.includes(accessHeader.kid));
  const keySet = createLocalJWKSet(set as Parameters<typeof createLocalJWKSet>[0]);
  const opts = { currentDate: new Date(clock.now()), issuer: `https://auth.example.test/${pool.id}` };
  assert.equal((await jwtVerify(r.IdToken!, keySet, { ...opts, audience: c.id })).payload.token_use, 'id');
  assert.equal((await jwtVerify(r.AccessToken!, keySet, opts)).payload.token_use, 'access');
});

test('a sign-in stores a session and only the sha256 of its JWE-shaped refresh token', async () => {
  clock.set(NOW);
  const c = await client();
  const r = await issueTokens(deps, { pool, client: c, user, deviceKey: 'us-east-1_00000000-0000-4000-8000-000000000001' });
  const parts = r.RefreshToken!.split('.');
  assert.equal(parts.length, 5);
  assert.deepEqual(JSON.parse(Buffer.from(parts[0]!, 'base64url').toString()), { cty: 'JWT', enc: 'A256GCM', alg: 'RSA-OAEP' });
  assert.deepEqual(
    parts.slice(1).map((p) => Buffer.from(p, 'base64url').length),
    [256, 12, 128, 16],
  );
  const hash = createHash('sha256').update(r.RefreshToken!).digest('hex');
  assert.equal(refreshTokenHash(r.RefreshToken!), hash);
  const originJti = decodeJwt(r.IdToken!).origin_jti as string;
  assert.deepEqual(await deps.store.sessions.getRefreshToken(hash), {
    tokenHash: hash,
    originJti,
    createdAt: NOW,
    expiresAt: NOW + 30 * 86400_000,
    supersededAt: null,
  });
  assert.deepEqual(await deps.store.sessions.get(originJti), {
    originJti,
    poolId: pool.id,
    clientId: c.id,
    username: 'alice',
    authTime: NOW,
    createdAt: NOW,
    expiresAt: NOW + 30 * 86400_000,
    revokedAt: null,
    deviceKey: 'us-east-1_00000000-0000-4000-8000-000000000001',
  });
  assert.equal(decodeJwt(r.AccessToken!).device_key, 'us-east-1_00000000-0000-4000-8000-000000000001');
  assert.equal(decodeJwt(r.IdToken!).device_key, undefined);
});

test('lifetimes follow the client\'s validity and units', async () => {
  clock.set(NOW);
  const c = await client({
    AccessTokenValidity: 5,
    IdTokenValidity: 2,
    RefreshTokenValidity: 180,
    TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'hours', RefreshToken: 'minutes' },
  });
  const r = await issueTokens(deps, { pool, client: c, user });
  assert.equal(r.ExpiresIn, 300);
  const access = decodeJwt(r.AccessToken!);
  const id = decodeJwt(r.IdToken!);
  assert.equal(access.exp! - access.iat!, 300);
  assert.equal(id.exp! - id.iat!, 7200);
  const session = await deps.store.sessions.get(id.origin_jti as string);
  assert.equal(session!.expiresAt, NOW + 3 * 3600_000);

  const d = await client({ AccessTokenValidity: 1, IdTokenValidity: 30, TokenValidityUnits: { IdToken: 'minutes' } });
  const r2 = await issueTokens(deps, { pool, client: d, user });
  assert.equal(r2.ExpiresIn, 3600); // hours by default
  const id2 = decodeJwt(r2.IdToken!);
  assert.equal(id2.exp! - id2.iat!, 1800);
});

test('the ID token carries only the attributes the client may read', async () => {
  const c = await client({ ReadAttributes: ['email', 'custom:tier'] });
  const id = decodeJwt((await issueTokens(deps, { pool, client: c, user })).IdToken!);
  assert.equal(id.email, 'alice@example.com');
  assert.equal(id['custom:tier'], '5');
  for (const n of ['email_verified', 'name', 'phone_number', 'updated_at', 'dev:custom:secret']) assert.equal(n in id, false, n);
  assert.equal(id.sub, user.sub);
});

test('a refresh reuses the session: same auth_time and origin_jti, new jti and times, no refresh token', async () => {
  clock.set(NOW);
  const c = await client();
  const first = await issueTokens(deps, { pool, client: c, user });
  const originJti = decodeJwt(first.IdToken!).origin_jti as string;
  const session = (await deps.store.sessions.get(originJti))!;
  clock.advance(600_000);
  const again = await issueTokens(deps, { pool, client: c, user, session });
  assert.deepEqual(Object.keys(again), ['AccessToken', 'ExpiresIn', 'TokenType', 'IdToken']);
  for (const t of [again.IdToken!, again.AccessToken!]) {
    const p = decodeJwt(t);
    assert.equal(p.auth_time, NOW_S);
    assert.equal(p.origin_jti, originJti);
    assert.equal(p.iat, NOW_S + 600);
  }
  assert.notEqual(decodeJwt(again.IdToken!).jti, decodeJwt(first.IdToken!).jti);
});

test('scopes given (OAuth flows) replace the API scope', async () => {
  const c = await client();
  const r = await issueTokens(deps, { pool, client: c, user, scopes: ['openid', 'email', 'aws.cognito.signin.user.admin'] });
  assert.equal(decodeJwt(r.AccessToken!).scope, 'openid email aws.cognito.signin.user.admin');
});

test('after a key rotation new tokens are signed with the new keys', async () => {
  const c = await client();
  const before = decodeProtectedHeader((await issueTokens(deps, { pool, client: c, user })).AccessToken!).kid;
  const { newPoolKeys } = await import('../../tokens/keys.ts');
  const added = await newPoolKeys({ random: deps.random, secrets: deps.secrets, now: clock.now() + 1 }, pool.id);
  await deps.store.keys.rotate(pool.id, added, clock.now() + 86400_000);
  const r = await issueTokens(deps, { pool, client: c, user });
  assert.equal(decodeProtectedHeader(r.AccessToken!).kid, added.find((k) => k.use === 'access')!.kid);
  assert.equal(decodeProtectedHeader(r.IdToken!).kid, added.find((k) => k.use === 'id')!.kid);
  assert.notEqual(decodeProtectedHeader(r.AccessToken!).kid, before);
});

test('refresh tokens are random and differ', () => {
  const a = newRefreshToken(deps.random);
  const b = newRefreshToken(deps.random);
  assert.notEqual(a, b);
  assert.throws(() => refreshTokenFromBytes(Buffer.alloc(10)));
});
