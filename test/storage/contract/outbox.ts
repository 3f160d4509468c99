// Storage contract for outbox: sealed messages kept until they expire, newest first.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { message, T0, type WithStore } from './fixtures.ts';

const DAY = 86_400_000;

export function outboxContract(withStore: WithStore): void {
  describe('outbox', () => {
    test('list returns live messages newest first, filtered by recipient, limited; records round-trip', () =>
      withStore(async (store) => {
        const m1 = message('m1', 'alice@example.com', T0 + 1, { sealed: 'v1.k.iv.tag.Vötre-🔐' });
        const m2 = message('m2', '+15555550100', T0 + 2, { channel: 'sms', poolId: null, delivery: 'failed: no route' });
        const m3 = message('m3', 'alice@example.com', T0 + 3, { delivery: 'sent' });
        const m4 = message('m4', 'bob@example.com', T0 + 3);
        // Ties on sentAt come newest-added first (not by id: m4 is added after m5).
        const m5 = message('m5', 'alice@example.com', T0 + 3);
        for (const m of [m3, m1, m5, m2, m4]) await store.outbox.add(m);

        const now = T0 + 10;
        assert.deepEqual(await store.outbox.list(undefined, 10, now), [m4, m5, m3, m2, m1]);
        assert.deepEqual(await store.outbox.list(undefined, 2, now), [m4, m5]);
        assert.deepEqual(await store.outbox.list('alice@example.com', 10, now), [m5, m3, m1]);
        assert.deepEqual(await store.outbox.list('alice@example.com', 1, now), [m5]);
        assert.deepEqual(await store.outbox.list('+15555550100', 10, now), [m2]);
        assert.deepEqual(await store.outbox.list('ALICE@example.com', 10, now), [], 'recipients match exactly');
        assert.deepEqual(await store.outbox.list('nobody@example.com', 10, now), []);
      }));

    test('list leaves out messages expired at `now`; purgeExpired deletes exactly those and counts them', () =>
      withStore(async (store) => {
        const reset = message('reset', 'alice@example.com', T0, { expiresAt: T0 + 3_600_000 }); // 1 h, a reset code
        const signup = message('signup', 'alice@example.com', T0 + 1, { expiresAt: T0 + 1 + DAY }); // 24 h
        const invite = message('invite', 'bob@example.com', T0 + 2, { expiresAt: T0 + 2 + 7 * DAY }); // a temporary password
        for (const m of [reset, signup, invite]) await store.outbox.add(m);

        // A message lives while now < expiresAt: at its expiry it is gone from the list.
        assert.deepEqual(await store.outbox.list('alice@example.com', 10, T0 + 3_600_000 - 1), [signup, reset]);
        assert.deepEqual(await store.outbox.list('alice@example.com', 10, T0 + 3_600_000), [signup]);
        assert.deepEqual(await store.outbox.list(undefined, 1, T0 + 3_600_000), [invite], 'the limit counts live messages only');

        assert.equal(await store.outbox.purgeExpired(T0 + 3_600_000 - 1), 0);
        assert.equal(await store.outbox.purgeExpired(T0 + 3_600_000), 1);
        assert.equal(await store.outbox.purgeExpired(T0 + 3_600_000), 0, 'a second pass finds nothing');
        // Rows are really gone: listing with an earlier `now` no longer finds the reset message.
        assert.deepEqual(await store.outbox.list(undefined, 10, T0), [invite, signup]);

        assert.equal(await store.outbox.purgeExpired(T0 + 30 * DAY), 2);
        assert.deepEqual(await store.outbox.list(undefined, 10, T0), []);
      }));
  });
}
