// The sync client's LocalCache, one suite run on both implementations: SqliteCache (Node, a file) and IndexedDbCache
// (browsers; here over fake-indexeddb, a complete IndexedDB in memory, since no browser runs on this machine). What
// the client relies on: rows per identity and dataset, upserts, a commit that is all or nothing, drop, and a reopen
// of the same file or database that finds everything again.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { IndexedDbCache, type CachedRecord, type LocalCache } from '../../client/index.ts';
import { SqliteCache } from '../../client/sqlite-cache.ts';

const dir = mkdtempSync(join(tmpdir(), 'cognate-local-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Each implementation as a factory of caches over one place: a second call is the same cache after a restart. */
const implementations: [string, () => () => LocalCache][] = [
  ['SqliteCache', () => { const file = join(dir, `${Math.random().toString(36).slice(2)}.db`); return () => new SqliteCache(file); }],
  ['IndexedDbCache', () => { const factory = new IDBFactory(); return () => new IndexedDbCache('app', factory); }],
];

const rec = (key: string, value: string | null, o: Partial<CachedRecord> = {}): CachedRecord => ({ key, value, syncCount: 0, dirty: true, deviceLastModified: 1_000, ...o });

for (const [name, place] of implementations) {
  describe(name, () => {
    test('records and datasets per identity and dataset, upserted, read back sorted by key', async () => {
      const c = place()();
      assert.equal(await c.dataset('id-1', 'a'), undefined);
      await c.commit('id-1', 'a', { name: 'a', lastSyncCount: 0 }, [rec('z', '1'), rec('m', null, { syncCount: 3 })]);
      await c.commit('id-1', 'b', { name: 'b', lastSyncCount: 7 }, [rec('z', 'other dataset')]);
      await c.commit('id-2', 'a', { name: 'a', lastSyncCount: 1 }, [rec('z', 'other identity')]);
      await c.commit('id-1', 'a', undefined, [rec('z', '2', { dirty: false, syncCount: 4, lastModified: 5_000, lastModifiedBy: 'dev' })]);
      assert.deepEqual(await c.dataset('id-1', 'a'), { name: 'a', lastSyncCount: 0 });
      assert.deepEqual((await c.datasets('id-1')).map((d) => [d.name, d.lastSyncCount]), [['a', 0], ['b', 7]]);
      assert.deepEqual(await c.records('id-1', 'a'), [
        rec('m', null, { syncCount: 3 }),
        { key: 'z', value: '2', syncCount: 4, dirty: false, deviceLastModified: 1_000, lastModified: 5_000, lastModifiedBy: 'dev' },
      ]);
      assert.deepEqual(await c.record('id-2', 'a', 'z'), rec('z', 'other identity'));
      assert.equal(await c.record('id-1', 'a', 'nope'), undefined);
      await c.close();
    });

    test('drop forgets one dataset of one identity', async () => {
      const c = place()();
      await c.commit('id-1', 'a', { name: 'a', lastSyncCount: 2 }, [rec('k', 'v')]);
      await c.commit('id-1', 'b', { name: 'b', lastSyncCount: 2 }, [rec('k', 'v')]);
      await c.drop('id-1', 'a');
      assert.equal(await c.dataset('id-1', 'a'), undefined);
      assert.deepEqual(await c.records('id-1', 'a'), []);
      assert.deepEqual(await c.records('id-1', 'b'), [rec('k', 'v')]);
      await c.close();
    });

    test('a commit that fails part-way changes nothing', async () => {
      const c = place()();
      await c.commit('id-1', 'a', { name: 'a', lastSyncCount: 1 }, [rec('k', 'old')]);
      const broken = { ...rec('x', 'v'), key: undefined } as unknown as CachedRecord; // no key: the store refuses it
      await assert.rejects(c.commit('id-1', 'a', { name: 'a', lastSyncCount: 9 }, [rec('k', 'new'), broken]));
      assert.deepEqual(await c.dataset('id-1', 'a'), { name: 'a', lastSyncCount: 1 });
      assert.deepEqual(await c.records('id-1', 'a'), [rec('k', 'old')]);
      await c.close();
    });

    test('survives a restart: a new cache over the same file or database finds everything', async () => {
      const open = place();
      const c = open();
      await c.commit('id-1', 'a', { name: 'a', lastSyncCount: 3 }, [rec('k', 'v', { syncCount: 3 })]);
      await c.close();
      const again = open();
      assert.deepEqual(await again.dataset('id-1', 'a'), { name: 'a', lastSyncCount: 3 });
      assert.deepEqual(await again.records('id-1', 'a'), [rec('k', 'v', { syncCount: 3 })]);
      await again.close();
    });
  });
}
