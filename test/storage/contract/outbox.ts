// Storage contract for outbox: the message outbox, newest first.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { message, T0, type WithStore } from './fixtures.ts';

export function outboxContract(withStore: WithStore): void {
  describe('outbox', () => {
    test('list returns messages newest first, filtered by recipient, limited; records round-trip', () =>
      withStore(async (store) => {
        const m1 = message('m1', 'alice@example.com', T0 + 1, { body: 'Vötre code: 123456 🔐\nline two' });
        const m2 = message('m2', '+15555550100', T0 + 2, { channel: 'sms', subject: null, poolId: null, delivery: 'failed: no route' });
        const m3 = message('m3', 'alice@example.com', T0 + 3, { delivery: 'sent' });
        const m4 = message('m4', 'bob@example.com', T0 + 3);
        // Ties on sentAt come newest-added first (not by id: m4 is added after m5).
        const m5 = message('m5', 'alice@example.com', T0 + 3);
        for (const m of [m3, m1, m5, m2, m4]) await store.outbox.add(m);

        assert.deepEqual(await store.outbox.list(undefined, 10), [m4, m5, m3, m2, m1]);
        assert.deepEqual(await store.outbox.list(undefined, 2), [m4, m5]);
        assert.deepEqual(await store.outbox.list('alice@example.com', 10), [m5, m3, m1]);
        assert.deepEqual(await store.outbox.list('alice@example.com', 1), [m5]);
        assert.deepEqual(await store.outbox.list('+15555550100', 10), [m2]);
        assert.deepEqual(await store.outbox.list('ALICE@example.com', 10), [], 'recipients match exactly');
        assert.deepEqual(await store.outbox.list('nobody@example.com', 10), []);
      }));
  });
}
