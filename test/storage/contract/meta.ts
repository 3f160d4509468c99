// Storage contract for meta: installation-wide key/value settings.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type WithStore } from './fixtures.ts';

export function metaContract(withStore: WithStore): void {
  describe('meta', () => {
    test('get is null for a missing key; setIfAbsent keeps the first value', () =>
      withStore(async (store) => {
        assert.equal(await store.meta.get('master-key-check'), null);
        assert.equal(await store.meta.setIfAbsent('master-key-check', 'first ✓'), 'first ✓');
        assert.equal(await store.meta.setIfAbsent('master-key-check', 'second'), 'first ✓');
        assert.equal(await store.meta.get('master-key-check'), 'first ✓');
        assert.equal(await store.meta.setIfAbsent('other', ''), '');
        assert.equal(await store.meta.get('other'), '');
      }));

    test('concurrent setIfAbsent calls all return the one stored value', () =>
      withStore(async (store) => {
        const values = await Promise.all(Array.from({ length: 8 }, (_, i) => store.meta.setIfAbsent('race', `v${i}`)));
        const stored = await store.meta.get('race');
        assert.ok(stored !== null && /^v[0-7]$/.test(stored));
        assert.deepEqual(values, values.map(() => stored));
      }));
  });
}
