// Storage contract for sessions: sign-in sessions and refresh-token rotation, revocation, purging.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AuthSessionRecord } from '../../../src/storage/records.ts';
import { client, pool, session, refresh, richSettings, T0, user, type WithStore } from './fixtures.ts';

export function sessionsContract(withStore: WithStore): void {
  describe('sessions', () => {
    test('create stores the session with its first refresh token; get and getRefreshToken round-trip', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        const s = session('jti-ünï', 'p1', 'alice', {
          clientId: 'c-1',
          authTime: T0 - 5,
          createdAt: T0 + 1,
          expiresAt: T0 + 3_600_000,
          deviceKey: 'us-east-1_device-key',
        });
        const r = refresh('a'.repeat(64), 'jti-ünï', { createdAt: T0 + 1, expiresAt: T0 + 3_600_000 });
        await store.sessions.create(s, r);
        assert.deepEqual(await store.sessions.get('jti-ünï'), s);
        assert.deepEqual(await store.sessions.getRefreshToken('a'.repeat(64)), r);
        assert.equal(await store.sessions.get('missing'), null);
        assert.equal(await store.sessions.getRefreshToken('b'.repeat(64)), null);
        // All or nothing: a session whose refresh token clashes is not stored either.
        await assert.rejects(store.sessions.create(session('jti-2', 'p1', 'bob'), refresh('a'.repeat(64), 'jti-2')));
        assert.equal(await store.sessions.get('jti-2'), null);
      }));

    test('getWithContext reads a session with its pool, its client and the user of a sub in its pool', () =>
      withStore(async (store) => {
        const p1 = pool('p1', { settings: richSettings, tags: { a: 'b' }, version: 2 });
        await store.pools.create(p1, [], 10);
        await store.pools.create(pool('p2'), [], 10);
        const c1 = client('client-1', 'p1', { settings: richSettings });
        await store.clients.create(c1, 10);
        const alice = user('p1', 'alice', { attributes: { email: 'a@example.com', name: 'Ålice ünï' }, mfa: { sms: true }, version: 4 });
        await store.users.create(alice);
        // The same sub in another pool is not the session's user.
        await store.users.create(user('p2', 'alice2', { sub: 'sub-shared' }));
        const s = session('jti-ctx', 'p1', 'alice', { clientId: 'client-1', deviceKey: 'dk', revokedAt: T0 + 1 });
        await store.sessions.create(s, refresh('h-ctx', 'jti-ctx'));

        assert.deepEqual(await store.sessions.getWithContext('jti-ctx', alice.sub), { session: s, pool: p1, client: c1, user: alice });
        // Nothing else is checked here: a revoked session still comes back (the caller refuses it).
        assert.deepEqual(await store.sessions.getWithContext('jti-ctx', 'sub-shared'), { session: s, pool: p1, client: c1, user: null });
        assert.equal(await store.sessions.getWithContext('missing', alice.sub), null);

        // A user without attributes, a client deleted since: the session comes back with what is left.
        await store.users.create(user('p1', 'bare', { sub: 'sub-bare', attributes: {} }));
        await store.clients.delete('p1', 'client-1');
        const ctx = await store.sessions.getWithContext('jti-ctx', 'sub-bare');
        assert.equal(ctx?.client, null);
        assert.deepEqual(ctx?.user, user('p1', 'bare', { sub: 'sub-bare', attributes: {} }));
        await store.users.delete('p1', 'bare');
        assert.equal((await store.sessions.getWithContext('jti-ctx', 'sub-bare'))?.user, null);
      }));

    test('getRefreshTokenWithSession reads a refresh token with its session; null for an unknown token', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        const s = session('jti-rt', 'p1', 'alice', { clientId: 'c-9', authTime: T0 - 5, expiresAt: T0 + 3_600_000 });
        const r = refresh('h-rt', 'jti-rt', { expiresAt: T0 + 3_600_000 });
        await store.sessions.create(s, r);
        assert.deepEqual(await store.sessions.getRefreshTokenWithSession('h-rt'), { token: r, session: s });
        await store.sessions.rotateRefreshToken('h-rt', refresh('h-rt2', 'jti-rt'), T0 + 10);
        await store.sessions.revoke('jti-rt', T0 + 20);
        assert.deepEqual(await store.sessions.getRefreshTokenWithSession('h-rt'), {
          token: { ...r, supersededAt: T0 + 10 },
          session: { ...s, revokedAt: T0 + 20 },
        });
        assert.equal(await store.sessions.getRefreshTokenWithSession('missing'), null);
      }));

    test('rotateRefreshToken supersedes the old token and adds the next, once', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        const first = refresh('h1', 's1');
        await store.sessions.create(session('s1', 'p1', 'alice'), first);
        const second = refresh('h2', 's1', { createdAt: T0 + 100 });
        assert.equal(await store.sessions.rotateRefreshToken('h1', second, T0 + 100), true);
        assert.deepEqual(await store.sessions.getRefreshToken('h1'), { ...first, supersededAt: T0 + 100 });
        assert.deepEqual(await store.sessions.getRefreshToken('h2'), second);

        // The same old token again (a replay, or a racing client): refused, its successor not stored, the first time kept.
        assert.equal(await store.sessions.rotateRefreshToken('h1', refresh('h2-bis', 's1'), T0 + 200), false);
        assert.equal(await store.sessions.getRefreshToken('h2-bis'), null);
        assert.equal((await store.sessions.getRefreshToken('h1'))!.supersededAt, T0 + 100);
        assert.equal(await store.sessions.rotateRefreshToken('unknown', refresh('h-x', 's1'), T0 + 200), false);
        assert.equal(await store.sessions.getRefreshToken('h-x'), null);

        assert.equal(await store.sessions.rotateRefreshToken('h2', refresh('h3', 's1'), T0 + 300), true);
        assert.equal((await store.sessions.getRefreshToken('h2'))!.supersededAt, T0 + 300);
        assert.equal((await store.sessions.getRefreshToken('h3'))!.supersededAt, null);
      }));

    test('concurrent rotations of one token from two stores: exactly one succeeds', (t) =>
      withStore(async (store, reopen) => {
        if (!reopen) return t.skip('this backend cannot open a second store');
        const other = await reopen();
        await store.pools.create(pool('p1'), [], 10);
        await store.sessions.create(session('s1', 'p1', 'alice'), refresh('h1', 's1'));
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => (i % 2 ? store : other).sessions.rotateRefreshToken('h1', refresh(`next-${i}`, 's1'), T0 + i)),
        );
        assert.equal(results.filter(Boolean).length, 1);
        const winner = results.indexOf(true);
        for (let i = 0; i < 8; i++)
          assert.equal((await store.sessions.getRefreshToken(`next-${i}`)) !== null, i === winner, `successor ${i}`);
        assert.equal((await store.sessions.getRefreshToken('h1'))!.supersededAt, T0 + winner);
      }));

    test('revoke marks one session revoked, keeping the first time; false when unknown', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.sessions.create(session('s1', 'p1', 'alice'), refresh('h1', 's1'));
        await store.sessions.create(session('s2', 'p1', 'alice'), refresh('h2', 's2'));
        assert.equal(await store.sessions.revoke('s1', T0 + 10), true);
        assert.deepEqual(await store.sessions.get('s1'), session('s1', 'p1', 'alice', { revokedAt: T0 + 10 }));
        assert.equal(await store.sessions.revoke('s1', T0 + 20), true);
        assert.equal((await store.sessions.get('s1'))!.revokedAt, T0 + 10);
        assert.equal((await store.sessions.get('s2'))!.revokedAt, null);
        assert.deepEqual(await store.sessions.getRefreshToken('h1'), refresh('h1', 's1'), 'the token stays, judged by its session');
        assert.equal(await store.sessions.revoke('unknown', T0), false);
      }));

    test('revokeAllForUser revokes only that user’s live sessions and counts them', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        const now = T0 + 1_000;
        const specs: [string, string, string, Partial<AuthSessionRecord>][] = [
          ['live-1', 'p1', 'alice', {}],
          ['live-2', 'p1', 'alice', { clientId: 'client-2' }],
          ['revoked', 'p1', 'alice', { revokedAt: T0 + 1 }],
          ['expired', 'p1', 'alice', { expiresAt: now }],
          ['bob', 'p1', 'bob', {}],
          ['other-pool', 'p2', 'alice', {}],
        ];
        for (const [jti, p, u, over] of specs) await store.sessions.create(session(jti, p, u, over), refresh(`h-${jti}`, jti));

        assert.equal(await store.sessions.revokeAllForUser('p1', 'alice', now), 2);
        assert.equal((await store.sessions.get('live-1'))!.revokedAt, now);
        assert.equal((await store.sessions.get('live-2'))!.revokedAt, now);
        assert.equal((await store.sessions.get('revoked'))!.revokedAt, T0 + 1);
        assert.equal((await store.sessions.get('expired'))!.revokedAt, null);
        assert.equal((await store.sessions.get('bob'))!.revokedAt, null);
        assert.equal((await store.sessions.get('other-pool'))!.revokedAt, null);
        assert.equal(await store.sessions.revokeAllForUser('p1', 'alice', now + 1), 0);
        assert.equal(await store.sessions.revokeAllForUser('p1', 'nobody', now), 0);
      }));

    test('purgeExpired drops sessions and refresh tokens that expired before the time, and counts them', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        const before = T0 + 1_000;
        // An expired session with two tokens (one superseded); a live session with one expired and one live token.
        await store.sessions.create(session('old', 'p1', 'alice', { expiresAt: before - 1 }), refresh('old-1', 'old', { expiresAt: before - 1 }));
        await store.sessions.rotateRefreshToken('old-1', refresh('old-2', 'old', { expiresAt: before + 500 }), T0 + 1);
        await store.sessions.create(session('live', 'p1', 'alice'), refresh('live-1', 'live', { expiresAt: before - 100 }));
        await store.sessions.rotateRefreshToken('live-1', refresh('live-2', 'live'), T0 + 2);
        // Expiring exactly at the time is not before it.
        await store.sessions.create(session('edge', 'p1', 'bob', { expiresAt: before }), refresh('edge-1', 'edge', { expiresAt: before }));

        assert.equal(await store.sessions.purgeExpired(before), 4);
        assert.equal(await store.sessions.get('old'), null);
        for (const h of ['old-1', 'old-2', 'live-1']) assert.equal(await store.sessions.getRefreshToken(h), null, h);
        assert.deepEqual(await store.sessions.get('live'), session('live', 'p1', 'alice'));
        assert.deepEqual(await store.sessions.getRefreshToken('live-2'), refresh('live-2', 'live'));
        assert.notEqual(await store.sessions.get('edge'), null);
        assert.notEqual(await store.sessions.getRefreshToken('edge-1'), null);
        assert.equal(await store.sessions.purgeExpired(before), 0);
        assert.equal(await store.sessions.purgeExpired(before + 1), 2);
      }));
  });
}
