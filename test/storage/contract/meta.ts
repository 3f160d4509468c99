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

    test('replace sets a new value only over the expected one; of concurrent replaces from one value, one wins', () =>
      withStore(async (store) => {
        assert.equal(await store.meta.replace('keys', 'a', 'b'), false, 'no such key');
        assert.equal(await store.meta.get('keys'), null);
        await store.meta.setIfAbsent('keys', 'a');
        assert.equal(await store.meta.replace('keys', 'stale', 'b'), false);
        assert.equal(await store.meta.get('keys'), 'a');
        assert.equal(await store.meta.replace('keys', 'a', 'b'), true);
        assert.equal(await store.meta.get('keys'), 'b');
        const won = await Promise.all(Array.from({ length: 6 }, (_, i) => store.meta.replace('keys', 'b', `c${i}`)));
        assert.equal(won.filter(Boolean).length, 1);
        assert.equal(await store.meta.get('keys'), `c${won.indexOf(true)}`);
      }));
  });
}
