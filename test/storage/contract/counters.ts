// Storage contract for counters: rate-limit counters and lockouts, atomic across stores.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { T0, type WithStore } from './fixtures.ts';

export function countersContract(withStore: WithStore): void {
  describe('counters', () => {
    test('hit counts within a window that starts at the first hit; a hit after it starts a new window at 1', () =>
      withStore(async (store) => {
        const w = 60_000;
        assert.equal(await store.counters.peek('k', T0), 0);
        assert.equal(await store.counters.hit('k', w, T0), 1);
        assert.equal(await store.counters.hit('k', w, T0 + 10), 2);
        assert.equal(await store.counters.hit('k', w, T0 + w - 1), 3);
        assert.equal(await store.counters.peek('k', T0 + w - 1), 3);
        assert.equal(await store.counters.peek('k', T0 + w), 0, 'the window is over at start + windowMs');
        assert.equal(await store.counters.hit('other', w, T0), 1, 'keys count apart');

        assert.equal(await store.counters.hit('k', w, T0 + w), 1);
        assert.equal(await store.counters.hit('k', w, T0 + w + 5), 2);
        assert.equal(await store.counters.peek('k', T0 + w + 5), 2);
        // A new window takes the windowMs of the hit that starts it.
        assert.equal(await store.counters.hit('k', 1_000, T0 + 3 * w), 1);
        assert.equal(await store.counters.hit('k', 1_000, T0 + 3 * w + 999), 2);
        assert.equal(await store.counters.hit('k', 1_000, T0 + 3 * w + 1_000), 1);
        assert.equal(await store.counters.peek('other', T0 + 1), 1);
      }));

    test('reset forgets the counter', () =>
      withStore(async (store) => {
        await store.counters.hit('k', 1_000, T0);
        await store.counters.hit('k', 1_000, T0);
        await store.counters.hit('k2', 1_000, T0);
        await store.counters.reset('k');
        assert.equal(await store.counters.peek('k', T0), 0);
        assert.equal(await store.counters.hit('k', 1_000, T0 + 1), 1);
        assert.equal(await store.counters.peek('k2', T0), 1);
        await store.counters.reset('never');
      }));

    test('concurrent hits from two stores count exactly', (t) =>
      withStore(async (store, reopen) => {
        if (!reopen) return t.skip('this backend cannot open a second store');
        const other = await reopen();
        const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).counters.hit('race', 60_000, T0)));
        assert.deepEqual([...counts].sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i + 1));
        assert.equal(await store.counters.peek('race', T0 + 20), 20);
        assert.equal(await other.counters.peek('race', T0 + 20), 20);
      }));

    test('lockouts: set replaces, get reads, clear forgets', () =>
      withStore(async (store) => {
        assert.equal(await store.counters.getLockout('user:p1:alice'), null);
        await store.counters.setLockout('user:p1:alice', 1, 0);
        assert.deepEqual(await store.counters.getLockout('user:p1:alice'), { failures: 1, lockedUntil: 0 });
        await store.counters.setLockout('user:p1:alice', 6, T0 + 2_000);
        assert.deepEqual(await store.counters.getLockout('user:p1:alice'), { failures: 6, lockedUntil: T0 + 2_000 });
        await store.counters.setLockout('user:p1:bob', 2, T0);
        await store.counters.clearLockout('user:p1:alice');
        assert.equal(await store.counters.getLockout('user:p1:alice'), null);
        assert.deepEqual(await store.counters.getLockout('user:p1:bob'), { failures: 2, lockedUntil: T0 });
        await store.counters.clearLockout('never');
        // Lockouts and hit counters are separate even under one key.
        await store.counters.hit('user:p1:bob', 1_000, T0);
        assert.deepEqual(await store.counters.getLockout('user:p1:bob'), { failures: 2, lockedUntil: T0 });
      }));
    test('addFailure counts atomically, extendLockout never shortens, purgeExpired drops ended windows and idle streaks', (t) =>
      withStore(async (store, reopen) => {
        assert.equal(await store.counters.addFailure('f:alice', T0), 1);
        assert.equal(await store.counters.addFailure('f:alice', T0 + 10), 2);
        await store.counters.extendLockout('f:alice', T0 + 5_000);
        await store.counters.extendLockout('f:alice', T0 + 1_000);
        assert.deepEqual(await store.counters.getLockout('f:alice'), { failures: 2, lockedUntil: T0 + 5_000 });
        await store.counters.extendLockout('f:nobody', T0 + 5_000);
        assert.equal(await store.counters.getLockout('f:nobody'), null);

        await store.counters.hit('window:short', 1_000, T0);
        await store.counters.hit('window:long', 60_000, T0);
        await store.counters.addFailure('f:idle', T0 - 100_000);
        // At T0 + 2000: the short window ended, the long did not; 'f:idle' is idle (and unlocked); alice is locked.
        const removed = await store.counters.purgeExpired(T0 + 2_000, T0 - 50_000);
        assert.equal(removed, 2);
        assert.equal(await store.counters.peek('window:long', T0 + 2_000), 1);
        assert.equal(await store.counters.getLockout('f:idle'), null);
        assert.deepEqual(await store.counters.getLockout('f:alice'), { failures: 2, lockedUntil: T0 + 5_000 });
        // A locked streak outlives its idleness until the lock ends.
        assert.equal(await store.counters.purgeExpired(T0 + 2_000, T0 + 1_000_000), 0);
        assert.equal(await store.counters.purgeExpired(T0 + 6_000, T0 + 1_000_000), 1);

        if (!reopen) return t.skip('this backend cannot open a second store');
        const other = await reopen();
        const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).counters.addFailure('f:race', T0)));
        assert.deepEqual([...counts].sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i + 1));
      }));
  });
}
