// Storage contract for password attempts: counters.takeAttempt (one write: a single-use key, the lockout's count in
// advance and its lock) and sessions.create's clearLockout (the successful attempt ended in the session's commit).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pool, session, refresh, T0, type WithStore } from './fixtures.ts';

/** No lock for the first four failures, then 1 s, 2 s, and 4 s for every one after. */
const LOCK = [0, 0, 0, 0, 1_000, 2_000, 4_000];

export function attemptsContract(withStore: WithStore): void {
  describe('password attempts', () => {
    test('takeAttempt counts in advance, locks by the table (its last entry after), refuses while locked without counting', () =>
      withStore(async (store) => {
        const take = (now: number) => store.counters.takeAttempt('a:alice', now, LOCK);
        for (let i = 1; i <= 4; i++) assert.deepEqual(await take(T0), { uses: 1, failures: i });
        assert.deepEqual(await store.counters.getLockout('a:alice'), { failures: 4, lockedUntil: 0 });
        assert.deepEqual(await take(T0 + 10), { uses: 1, failures: 5 });
        assert.deepEqual(await store.counters.getLockout('a:alice'), { failures: 5, lockedUntil: T0 + 1_010 });
        assert.deepEqual(await take(T0 + 1_009), { uses: 1, failures: 0 }, 'locked: refused, not counted');
        assert.deepEqual(await store.counters.getLockout('a:alice'), { failures: 5, lockedUntil: T0 + 1_010 });
        assert.deepEqual(await take(T0 + 1_010), { uses: 1, failures: 6 });
        assert.deepEqual(await store.counters.getLockout('a:alice'), { failures: 6, lockedUntil: T0 + 3_010 });
        await take(T0 + 3_010);
        assert.deepEqual(await take(T0 + 7_010), { uses: 1, failures: 8 });
        assert.deepEqual(await store.counters.getLockout('a:alice'), { failures: 8, lockedUntil: T0 + 11_010 }, 'the last entry holds');
        // A longer lock set otherwise is never shortened.
        await store.counters.setLockout('a:bob', 4, 0);
        await store.counters.extendLockout('a:bob', T0 - 1);
        await store.counters.setLockout('a:carol', 7, T0 + 60_000);
        assert.deepEqual(await store.counters.takeAttempt('a:bob', T0, LOCK), { uses: 1, failures: 5 });
        assert.deepEqual(await store.counters.getLockout('a:bob'), { failures: 5, lockedUntil: T0 + 1_000 });
      }));

    test('takeAttempt with a single-use key: marked used in the same write; a reuse is refused and counts nothing', () =>
      withStore(async (store) => {
        const use = { key: 'auth-session:n1', windowMs: 60_000 };
        assert.deepEqual(await store.counters.takeAttempt('a:alice', T0, LOCK, use), { uses: 1, failures: 1 });
        assert.equal(await store.counters.peek('auth-session:n1', T0), 1);
        assert.deepEqual(await store.counters.takeAttempt('a:alice', T0, LOCK, use), { uses: 2, failures: 0 });
        assert.deepEqual(await store.counters.getLockout('a:alice'), { failures: 1, lockedUntil: 0 });
        // While locked the use is taken all the same (the state is spent), and the attempt refused.
        await store.counters.setLockout('a:bob', 5, T0 + 1_000);
        assert.deepEqual(await store.counters.takeAttempt('a:bob', T0, LOCK, { key: 'auth-session:n2', windowMs: 60_000 }), { uses: 1, failures: 0 });
        assert.equal(await store.counters.peek('auth-session:n2', T0), 1);
      }));

    test('parallel attempts from two stores: exactly the free ones counted before the lock, the rest refused', (t) =>
      withStore(async (store, reopen) => {
        if (!reopen) return t.skip('this backend cannot open a second store');
        const other = await reopen();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).counters.takeAttempt('a:race', T0, LOCK, { key: `use:${i}`, windowMs: 60_000 })),
        );
        assert.deepEqual(results.map((r) => r.failures).sort((x, y) => x - y), [...Array(15).fill(0), 1, 2, 3, 4, 5]);
        assert.deepEqual(await other.counters.getLockout('a:race'), { failures: 5, lockedUntil: T0 + 1_000 });
      }));

    test('sessions.create with clearLockout forgets the lockout in the same transaction, not when the session fails', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.counters.takeAttempt('a:alice', T0, LOCK);
        await store.counters.takeAttempt('a:bob', T0, LOCK);
        await store.sessions.create(session('s1', 'p1', 'alice'), refresh('a'.repeat(64), 's1'), { clearLockout: 'a:alice' });
        assert.equal(await store.counters.getLockout('a:alice'), null);
        assert.ok(await store.sessions.get('s1'));
        // A session that cannot be stored (its refresh token clashes) leaves the lockout as it was.
        await assert.rejects(store.sessions.create(session('s2', 'p1', 'bob'), refresh('a'.repeat(64), 's2'), { clearLockout: 'a:bob' }));
        assert.deepEqual(await store.counters.getLockout('a:bob'), { failures: 1, lockedUntil: 0 });
        await store.sessions.create(session('s3', 'p1', 'carol'), refresh('c'.repeat(64), 's3'), { clearLockout: 'a:nobody' });
      }));
  });
}
