// Storage contract for migrate(): every migration runs once, in order.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type WithStore } from './fixtures.ts';

export function migrateContract(withStore: WithStore): void {
  describe('migrate', () => {
    test('applies every migration once, in ascending order; a second call applies nothing', () =>
      withStore(async (store) => {
        const first = await store.migrate();
        assert.ok(first.length > 0, 'the first migrate() applies something');
        assert.deepEqual(first, [...first].sort((a, b) => a - b));
        assert.equal(first[0], 1);
        assert.deepEqual(await store.migrate(), []);
        assert.deepEqual(await store.migrate(), []);
        assert.equal(await store.pools.count(), 0);
      }, false));
  });
}
