import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import type { FixedClock } from '../../runtime/clock.ts';
import type { ClientRecord, PoolRecord, UserRecord } from '../../storage/records.ts';
import type { CreateUserPoolClientRequest } from '../shapes.ts';
import { errorOf as refusal, NOW, tokenFixture, type TestDeps, type TokenFixture } from '../../../test/support/fixtures.ts';
import { refreshTokenHash } from '../../tokens/mint.ts';
import { clientSecretMatches } from '../domain/clients.ts';
import { issueTokens } from './issue-tokens.ts';
import { refreshSession as redeemRefreshToken, rotationOf } from './refresh.ts';

let deps: TestDeps;
let clock: FixedClock;
let pool: PoolRecord;
let client: ClientRecord;
let user: UserRecord;
let insertUser: TokenFixture['insertUser'];
let newClientOf: TokenFixture['newClient'];

const newClient = async (input?: Partial<CreateUserPoolClientRequest>) => (await newClientOf(input)).client;

before(async () => {
  ({ deps, clock, pool, client, insertUser, newClient: newClientOf } = await tokenFixture());
  user = await insertUser(pool, 'alice');
});

async function signIn(c: ClientRecord = client, u: UserRecord = user): Promise<{ token: string; originJti: string }> {
  clock.set(NOW);
  const r = await issueTokens(deps, { pool, client: c, user: u });
  return { token: r.RefreshToken!, originJti: decodeJwt(r.IdToken!).origin_jti as string };
}

test('a live refresh token redeems to its pool, user and session', async () => {
  const { token, originJti } = await signIn();
  clock.advance(86400_000);
  const r = await redeemRefreshToken(deps, client, token);
  assert.equal(r.pool.id, pool.id);
  assert.equal(r.user.username, 'alice');
  assert.equal(r.session.originJti, originJti);
  assert.equal(r.newRefreshToken, undefined);
});

test('unknown tokens and tokens of another client are "Invalid Refresh Token."', async () => {
  const invalid = ['NotAuthorizedException', 'Invalid Refresh Token.'];
  assert.deepEqual(await refusal(redeemRefreshToken(deps, client, 'garbage')), invalid);
  const { token } = await signIn();
  assert.deepEqual(await refusal(redeemRefreshToken(deps, client, token.slice(0, -2) + 'AA')), invalid);
  const other = await newClient({ ClientName: 'other' });
  assert.deepEqual(await refusal(redeemRefreshToken(deps, other, token)), invalid);
});

test('a revoked session is "Refresh Token has been revoked"', async () => {
  const { token, originJti } = await signIn();
  await deps.store.sessions.revoke(originJti, NOW);
  assert.deepEqual(await refusal(redeemRefreshToken(deps, client, token)), ['NotAuthorizedException', 'Refresh Token has been revoked']);
});

test('an expired refresh token is "Refresh Token has expired", at the client\'s refresh validity', async () => {
  const short = await newClient({ RefreshTokenValidity: 2, TokenValidityUnits: { RefreshToken: 'hours' } });
  const { token } = await signIn(short);
  clock.set(NOW + 2 * 3600_000 - 1);
  await redeemRefreshToken(deps, short, token);
  clock.set(NOW + 2 * 3600_000);
  assert.deepEqual(await refusal(redeemRefreshToken(deps, short, token)), ['NotAuthorizedException', 'Refresh Token has expired']);
});

test('a disabled user cannot refresh; an unconfirmed one neither', async () => {
  const bob = await insertUser(pool, 'bob');
  const { token } = await signIn(client, bob);
  await deps.store.users.update({ ...bob, enabled: false, version: 2 });
  assert.deepEqual(await refusal(redeemRefreshToken(deps, client, token)), ['NotAuthorizedException', 'User is disabled.']);
  await deps.store.users.update({ ...bob, enabled: true, status: 'RESET_REQUIRED', version: 3 });
  assert.deepEqual(await refusal(redeemRefreshToken(deps, client, token)), ['NotAuthorizedException', 'Invalid Refresh Token.']);
});

test('rotation: a successor token; the old one answers retries with the same successor during the grace period, then RefreshTokenReuseException, ending the session', async () => {
  const { token, originJti } = await signIn();
  const a = await redeemRefreshToken(deps, client, token, { rotate: true, graceSeconds: 10 });
  assert.ok(a.newRefreshToken && a.newRefreshToken !== token);
  assert.equal(a.newRefreshToken.split('.').length, 5);
  const rec = await deps.store.sessions.getRefreshToken(refreshTokenHash(a.newRefreshToken));
  assert.deepEqual(rec, { tokenHash: refreshTokenHash(a.newRefreshToken), originJti, createdAt: NOW, expiresAt: NOW + 30 * 86400_000, supersededAt: null });
  assert.equal((await deps.store.sessions.getRefreshToken(refreshTokenHash(token)))!.supersededAt, NOW);

  clock.set(NOW + 10_000);
  const retry = await redeemRefreshToken(deps, client, token, { rotate: true, graceSeconds: 10 });
  assert.equal(retry.newRefreshToken, a.newRefreshToken);
  // Without rotation (REFRESH_TOKEN_AUTH), the old token also works in the grace period.
  await redeemRefreshToken(deps, client, token, { graceSeconds: 10 });

  // The successor rotates in turn, in the same session.
  const b = await redeemRefreshToken(deps, client, a.newRefreshToken, { rotate: true, graceSeconds: 10 });
  assert.equal(b.session.originJti, originJti);
  assert.ok(b.newRefreshToken && b.newRefreshToken !== a.newRefreshToken);

  clock.set(NOW + 10_001);
  assert.deepEqual(await refusal(redeemRefreshToken(deps, client, token, { rotate: true, graceSeconds: 10 })), [
    'RefreshTokenReuseException',
    'Refresh Token has been rotated and can no longer be used',
  ]);
  // The reuse ended the session: the newest token is refused, as is the reused one from then on.
  assert.notEqual((await deps.store.sessions.get(originJti))!.revokedAt, null);
  assert.deepEqual(await refusal(redeemRefreshToken(deps, client, b.newRefreshToken!, { rotate: true, graceSeconds: 10 })), [
    'NotAuthorizedException',
    'Refresh Token has been revoked',
  ]);
  assert.deepEqual(await refusal(redeemRefreshToken(deps, client, token, { graceSeconds: 10 })), [
    'NotAuthorizedException',
    'Refresh Token has been revoked',
  ]);
});

test('REFRESH_TOKEN_AUTH (no rotation) with a rotated-out token past the grace: Invalid Refresh Token., and the session ends', async () => {
  const { token, originJti } = await signIn();
  const a = await redeemRefreshToken(deps, client, token, { rotate: true, graceSeconds: 10 });
  clock.set(NOW + 10_001);
  assert.deepEqual(await refusal(redeemRefreshToken(deps, client, token, { graceSeconds: 10 })), ['NotAuthorizedException', 'Invalid Refresh Token.']);
  assert.notEqual((await deps.store.sessions.get(originJti))!.revokedAt, null);
  assert.deepEqual(await refusal(redeemRefreshToken(deps, client, a.newRefreshToken!, { rotate: true, graceSeconds: 10 })), [
    'NotAuthorizedException',
    'Refresh Token has been revoked',
  ]);
});

test('rotation without grace refuses the old token at once; concurrent rotations agree on one successor', async () => {
  const { token } = await signIn();
  const a = await redeemRefreshToken(deps, client, token, { rotate: true, graceSeconds: 0 });
  await redeemRefreshToken(deps, client, a.newRefreshToken!, { rotate: true });
  clock.advance(1);
  assert.deepEqual((await refusal(redeemRefreshToken(deps, client, token, { rotate: true, graceSeconds: 0 })))[0], 'RefreshTokenReuseException');

  const { token: t2 } = await signIn();
  const both = await Promise.all([1, 2, 3].map(() => redeemRefreshToken(deps, client, t2, { rotate: true, graceSeconds: 5 })));
  assert.equal(new Set(both.map((r) => r.newRefreshToken)).size, 1);
});

test('the grace period defaults to the client\'s RetryGracePeriodSeconds', async () => {
  const rotating = await newClient({ RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 30 } });
  assert.deepEqual(rotationOf(rotating), { rotate: true, graceSeconds: 30 });
  assert.deepEqual(rotationOf(client), { rotate: false, graceSeconds: 0 });
  const { token } = await signIn(rotating);
  await redeemRefreshToken(deps, rotating, token, { rotate: true });
  clock.set(NOW + 30_000);
  await redeemRefreshToken(deps, rotating, token, { rotate: true });
  clock.set(NOW + 30_001);
  assert.equal((await refusal(redeemRefreshToken(deps, rotating, token, { rotate: true })))[0], 'RefreshTokenReuseException');
});

test('client secrets compare raw, any of the active ones', () => {
  assert.equal(clientSecretMatches(['a'.repeat(52), 'b'.repeat(52)], 'b'.repeat(52)), true);
  assert.equal(clientSecretMatches(['a'.repeat(52)], 'a'.repeat(51)), false);
  assert.equal(clientSecretMatches(['a'.repeat(52)], undefined), false);
  assert.equal(clientSecretMatches([], 'x'), false);
});

test('rotation commits only after minting: a refusal while minting (a PreTokenGeneration that throws) leaves the token usable', async () => {
  const { token } = await signIn();
  await assert.rejects(
    redeemRefreshToken(deps, client, token, { rotate: true, graceSeconds: 0 }, async () => {
      throw new Error('PreTokenGeneration failed');
    }),
    /PreTokenGeneration failed/,
  );
  assert.equal((await deps.store.sessions.getRefreshToken(refreshTokenHash(token)))!.supersededAt, null);
  clock.advance(60_000);
  const r = await redeemRefreshToken(deps, client, token, { rotate: true, graceSeconds: 0 }, async ({ user: u }) => u.username);
  assert.equal(r.minted, 'alice');
  assert.ok(r.newRefreshToken);
});
