// The tokens module on its own: minting from plain claim inputs, and the typed outcomes of refresh and verification.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { makeTestDeps } from '../../test/support/deps.ts';
import { FixedClock } from '../runtime/clock.ts';
import { rotateKeys } from '../cli/rotate-keys.ts';
import { makeCaches } from '../deps.ts';
import { jwks, newPoolKeys } from './keys.ts';
import { mintTokens, type MintRequest } from './mint.ts';
import { redeemRefreshToken } from './refresh.ts';
import { KEY_RECHECK_MS, verifyAccessToken } from './verify.ts';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const clock = new FixedClock(NOW);
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
const POOL = 'us-east-1_Tokens1';

before(async () => {
  deps = await makeTestDeps({ clock, config: { publicUrl: 'https://idp.example.test' } });
  const keys = await newPoolKeys({ random: deps.random, secrets: deps.secrets, now: NOW }, POOL);
  const pool = { id: POOL, name: 'p', arn: `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${POOL}`, createdAt: NOW, updatedAt: NOW, version: 1, settings: {}, tags: {} };
  assert.equal(await deps.store.pools.create(pool as never, keys, 10), 'ok');
});

const request = (over: Partial<MintRequest> = {}): MintRequest => ({
  poolId: POOL,
  clientId: 'client1',
  sub: '00000000-0000-4000-8000-000000000001',
  username: 'alice',
  validity: { id: 3600, access: 600, refresh: 86400 },
  idClaims: { 'cognito:groups': ['a'], email: 'alice@example.com' },
  accessClaims: { 'cognito:groups': ['a'] },
  scopes: ['aws.cognito.signin.user.admin'],
  ...over,
});

test('mint: sub first, then the caller\'s claims, then the reserved ones, which the caller cannot override', async () => {
  const m = await mintTokens(deps, request({ idClaims: { email: 'a@b.c', iss: 'https://evil', 'cognito:username': 'mallory', aud: 'x' }, accessClaims: { scope: 'all', custom: 1 } }));
  const id = decodeJwt(m.idToken);
  assert.deepEqual(Object.keys(id).slice(0, 3), ['sub', 'email', 'iss']);
  assert.equal(id.iss, `https://idp.example.test/${POOL}`);
  assert.equal(id['cognito:username'], 'alice');
  assert.equal(id.aud, 'client1');
  assert.equal(id.exp, NOW / 1000 + 3600);
  const access = decodeJwt(m.accessToken);
  assert.equal(access.scope, 'aws.cognito.signin.user.admin');
  assert.equal(access.custom, 1);
  assert.equal(access.exp, NOW / 1000 + 600);
  assert.equal(m.expiresIn, 600);
  assert.ok(m.refreshToken);
  assert.equal((await deps.store.sessions.get(m.session.originJti))?.username, 'alice');
});

test('mint: continuing a session keeps origin_jti and auth_time and mints no refresh token', async () => {
  const first = await mintTokens(deps, request());
  clock.advance(60_000);
  const again = await mintTokens(deps, request({ session: first.session }));
  assert.equal(again.refreshToken, undefined);
  assert.equal(decodeJwt(again.accessToken).origin_jti, first.session.originJti);
  assert.equal(decodeJwt(again.accessToken).auth_time, decodeJwt(first.accessToken).auth_time);
});

test('refresh: typed outcomes — ok, invalid for another client, revoked, expired', async () => {
  const m = await mintTokens(deps, request());
  const client = { id: 'client1', poolId: POOL };
  const ok = await redeemRefreshToken(deps, client, m.refreshToken!);
  assert.equal(ok.ok && ok.session.originJti, m.session.originJti);
  assert.deepEqual(await redeemRefreshToken(deps, { id: 'other', poolId: POOL }, m.refreshToken!), { ok: false, reason: 'invalid' });
  assert.deepEqual(await redeemRefreshToken(deps, client, 'not-a-token'), { ok: false, reason: 'invalid' });
  const short = await mintTokens(deps, request({ validity: { id: 60, access: 60, refresh: 60 } }));
  clock.advance(61_000);
  assert.deepEqual(await redeemRefreshToken(deps, client, short.refreshToken!), { ok: false, reason: 'expired' });
  await deps.store.sessions.revoke(m.session.originJti, clock.now());
  assert.deepEqual(await redeemRefreshToken(deps, client, m.refreshToken!), { ok: false, reason: 'revoked' });
});

test('refresh: rotation hands out a successor; reuse past the grace is "reused" and ends the session; a caller refusal rotates nothing', async () => {
  const m = await mintTokens(deps, request());
  const client = { id: 'client1', poolId: POOL };
  await assert.rejects(
    redeemRefreshToken(deps, client, m.refreshToken!, { rotate: true, accept: async () => { throw new Error('user disabled'); } }),
    /user disabled/,
  );
  const r = await redeemRefreshToken(deps, client, m.refreshToken!, { rotate: true, graceSeconds: 10 });
  assert.ok(r.ok && r.newRefreshToken);
  const retry = await redeemRefreshToken(deps, client, m.refreshToken!, { rotate: true, graceSeconds: 10 });
  assert.equal(retry.ok && retry.newRefreshToken, r.ok && r.newRefreshToken);
  const successor = r.ok ? r.newRefreshToken! : '';
  const access = (await mintTokens(deps, request({ session: m.session }))).accessToken;
  assert.equal((await verifyAccessToken(deps, access)).ok, true);
  clock.advance(11_000);
  assert.deepEqual(await redeemRefreshToken(deps, client, m.refreshToken!, { rotate: true, graceSeconds: 10 }), { ok: false, reason: 'reused' });
  // The reuse ended the session: the successor and the session's access tokens are refused.
  assert.deepEqual(await redeemRefreshToken(deps, client, successor, { rotate: true, graceSeconds: 10 }), { ok: false, reason: 'revoked' });
  assert.deepEqual(await verifyAccessToken(deps, access), { ok: false, reason: 'revoked' });
  assert.deepEqual(await redeemRefreshToken(deps, client, m.refreshToken!), { ok: false, reason: 'revoked' });
});

test('refresh: reuse without rotating (REFRESH_TOKEN_AUTH) of a rotated-out token is "reused" too, and ends the session', async () => {
  const m = await mintTokens(deps, request());
  const client = { id: 'client1', poolId: POOL };
  const r = await redeemRefreshToken(deps, client, m.refreshToken!, { rotate: true, graceSeconds: 5 });
  assert.ok(r.ok && r.newRefreshToken);
  // Within the grace the old token still works on the non-rotating path.
  assert.equal((await redeemRefreshToken(deps, client, m.refreshToken!, { graceSeconds: 5 })).ok, true);
  clock.advance(5_001);
  assert.deepEqual(await redeemRefreshToken(deps, client, m.refreshToken!, { graceSeconds: 5 }), { ok: false, reason: 'reused' });
  assert.deepEqual(await redeemRefreshToken(deps, client, r.newRefreshToken, { rotate: true, graceSeconds: 5 }), { ok: false, reason: 'revoked' });
  assert.notEqual((await deps.store.sessions.get(m.session.originJti))?.revokedAt, null);
});

test('verify: typed outcomes — ok, scope, expired, revoked, invalid', async () => {
  const m = await mintTokens(deps, request());
  const ok = await verifyAccessToken(deps, m.accessToken, 'aws.cognito.signin.user.admin');
  assert.ok(ok.ok && ok.poolId === POOL && ok.claims.sub === request().sub);
  assert.deepEqual(await verifyAccessToken(deps, m.accessToken, 'openid'), { ok: false, reason: 'scope' });
  assert.deepEqual(await verifyAccessToken(deps, m.idToken), { ok: false, reason: 'invalid' });
  assert.deepEqual(await verifyAccessToken(deps, m.accessToken.slice(0, -4) + 'AAAA'), { ok: false, reason: 'invalid' });
  assert.deepEqual(await verifyAccessToken(deps, 'garbage'), { ok: false, reason: 'invalid' });
  await deps.store.sessions.revoke(m.session.originJti, clock.now());
  assert.deepEqual(await verifyAccessToken(deps, m.accessToken), { ok: false, reason: 'revoked' });
  const later = await mintTokens(deps, request());
  clock.advance(601_000);
  assert.deepEqual(await verifyAccessToken(deps, later.accessToken), { ok: false, reason: 'expired' });
});

test('verify: a cached key stops verifying at its retiresAt, which the cache re-reads within KEY_RECHECK_MS', async () => {
  const m = await mintTokens(deps, request());
  assert.equal((await verifyAccessToken(deps, m.accessToken)).ok, true); // the key is cached now, unretired
  // A rotation (by this process or another on the same database) retires the old keys 7 s from now.
  const retiresAt = clock.now() + 7_000;
  await deps.store.keys.rotate(POOL, await newPoolKeys({ random: deps.random, secrets: deps.secrets, now: clock.now() }, POOL), retiresAt);
  clock.advance(KEY_RECHECK_MS);
  assert.equal((await verifyAccessToken(deps, m.accessToken)).ok, true, 'still published until retiresAt');
  // Less than KEY_RECHECK_MS after the entry was re-read: the cached retiresAt alone refuses it.
  clock.set(retiresAt);
  assert.deepEqual(await verifyAccessToken(deps, m.accessToken), { ok: false, reason: 'invalid' });
  assert.deepEqual(await verifyAccessToken({ ...deps, caches: makeCaches() }, m.accessToken), { ok: false, reason: 'invalid' });
  // Tokens of the new keys verify.
  assert.equal((await verifyAccessToken(deps, (await mintTokens(deps, request())).accessToken)).ok, true);
});

test('verify: a key revoked by another process sharing the database stops verifying within KEY_RECHECK_MS; the JWKS drops it at once', async () => {
  const m = await mintTokens(deps, request());
  const kid = decodeProtectedHeader(m.accessToken).kid!;
  assert.equal((await verifyAccessToken(deps, m.accessToken)).ok, true);
  // The other process: the same database, its own caches (as `cognate rotate-keys --revoke` run beside the server).
  const other = { ...deps, caches: makeCaches() };
  const added = await rotateKeys(other, POOL, { revoke: true });
  assert.ok(!jwks(await deps.store.keys.listForPool(POOL), clock.now()).keys.some((k) => k.kid === kid));
  assert.deepEqual(jwks(await deps.store.keys.listForPool(POOL), clock.now()).keys.map((k) => k.kid).sort(), [...added].sort());
  clock.advance(KEY_RECHECK_MS);
  assert.deepEqual(await verifyAccessToken(deps, m.accessToken), { ok: false, reason: 'invalid' });
  const fresh = await mintTokens(deps, request());
  assert.ok(added.includes(decodeProtectedHeader(fresh.accessToken).kid!));
  assert.equal((await verifyAccessToken(deps, fresh.accessToken)).ok, true);
});
