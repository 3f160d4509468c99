// Storage contract for Cognito Sync datasets: UpdateRecords' compare-and-swap applied all or none, the dataset-wide
// counter, tombstones, limits, delete keeping the counter, pages, usage; and concurrent writers (one store, and two
// stores as two servers) of which exactly one wins each compare.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RecordWrite } from '../../../src/storage/interfaces/datasets.ts';
import { T0, type WithStore } from './fixtures.ts';

const POOL = 'us-east-1:11111111-1111-4111-8111-111111111111';
const POOL2 = 'us-east-1:22222222-2222-4222-8222-222222222222';
const ID = 'us-east-1:aaaaaaaa-0000-4000-8000-000000000001';
const ID2 = 'us-east-1:aaaaaaaa-0000-4000-8000-000000000002';
const LIMITS = { maxDatasets: 3, maxRecords: 4, maxBytes: 100 };
const BY = '123456789012';

const at = (name: string, identityId = ID, poolId = POOL) => ({ poolId, identityId, name });
const put = (key: string, value: string, expected: number, deviceModifiedAt: number | null = null): RecordWrite => ({
  key,
  expectedSyncCount: expected,
  valueSealed: `sealed:${value}`,
  size: key.length + value.length,
  deviceModifiedAt,
});
const remove = (key: string, expected: number): RecordWrite => ({ key, expectedSyncCount: expected, valueSealed: null, size: 0, deviceModifiedAt: null });

export function datasetsContract(withStore: WithStore): void {
  describe('datasets', () => {
    test('the first update makes the dataset; each update raises its counter once and stamps every record it writes', () =>
      withStore(async (store) => {
        assert.equal(await store.datasets.get(ID, 'ds'), null);
        const first = await store.datasets.update(at('ds'), [put('a', '1', 0, T0 - 5), put('b', '22', 0)], LIMITS, T0, BY);
        assert.ok(!first.refused);
        assert.deepEqual(first.dataset, {
          poolId: POOL, identityId: ID, name: 'ds', createdAt: T0, modifiedAt: T0, modifiedBy: BY,
          syncCount: 1, dataStorage: 5, numRecords: 2, deletedAtSyncCount: null, live: true,
        });
        assert.deepEqual(first.records, [
          { key: 'a', valueSealed: 'sealed:1', size: 2, syncCount: 1, modifiedAt: T0, modifiedBy: BY, deviceModifiedAt: T0 - 5 },
          { key: 'b', valueSealed: 'sealed:22', size: 3, syncCount: 1, modifiedAt: T0, modifiedBy: BY, deviceModifiedAt: null },
        ]);
        assert.deepEqual(await store.datasets.get(ID, 'ds'), first.dataset);
        const second = await store.datasets.update(at('ds'), [put('a', '333', 1)], LIMITS, T0 + 10, BY);
        assert.ok(!second.refused);
        assert.equal(second.dataset.syncCount, 2);
        assert.equal(second.dataset.createdAt, T0);
        assert.equal(second.dataset.modifiedAt, T0 + 10);
        assert.equal(second.dataset.dataStorage, 4 + 3);
        const all = await store.datasets.records(ID, 'ds', 0, 10);
        assert.deepEqual(all.items.map((r) => [r.key, r.valueSealed, r.syncCount]), [['b', 'sealed:22', 1], ['a', 'sealed:333', 2]]);
        assert.deepEqual((await store.datasets.records(ID, 'ds', 1, 10)).items.map((r) => r.key), ['a']);
        // no writes: nothing changes, not even the counter
        const none = await store.datasets.update(at('ds'), [], LIMITS, T0 + 20, BY);
        assert.ok(!none.refused);
        assert.equal(none.dataset.syncCount, 2);
        assert.equal(none.dataset.modifiedAt, T0 + 10);
      }));

    test('one stale expected sync count refuses the whole update and writes nothing', () =>
      withStore(async (store) => {
        await store.datasets.update(at('ds'), [put('a', '1', 0), put('b', '1', 0)], LIMITS, T0, BY);
        await store.datasets.update(at('ds'), [put('a', '2', 1)], LIMITS, T0 + 1, BY);
        const before = await store.datasets.get(ID, 'ds');
        const out = await store.datasets.update(at('ds'), [put('b', 'x', 1), put('a', 'y', 1)], LIMITS, T0 + 2, BY);
        assert.deepEqual(out, { refused: 'conflict', key: 'a', current: 2, expected: 1 });
        assert.deepEqual(await store.datasets.get(ID, 'ds'), before);
        assert.deepEqual((await store.datasets.records(ID, 'ds', 0, 10)).items.map((r) => r.valueSealed), ['sealed:1', 'sealed:2']);
        // a key never stored: 0, or a count a remove of it was answered with (at most the dataset's, 2 here)
        assert.deepEqual(await store.datasets.update(at('ds'), [put('new', 'v', 3)], LIMITS, T0, BY), { refused: 'conflict', key: 'new', current: 0, expected: 3 });
      }));

    test('a remove leaves a tombstone at the new count, out of the record and byte counts', () =>
      withStore(async (store) => {
        await store.datasets.update(at('ds'), [put('a', '1', 0), put('b', '1', 0)], LIMITS, T0, BY);
        const out = await store.datasets.update(at('ds'), [remove('a', 1)], LIMITS, T0 + 1, BY);
        assert.ok(!out.refused);
        assert.equal(out.dataset.numRecords, 1);
        assert.equal(out.dataset.dataStorage, 2);
        const changed = await store.datasets.records(ID, 'ds', 1, 10);
        assert.deepEqual(changed.items.map((r) => [r.key, r.valueSealed, r.size, r.syncCount]), [['a', null, 0, 2]]);
        const back = await store.datasets.update(at('ds'), [put('a', '9', 2)], LIMITS, T0 + 2, BY);
        assert.ok(!back.refused);
        assert.equal(back.dataset.numRecords, 2);
      }));

    test('limits: datasets per identity, records and bytes per dataset; a refused update writes nothing', () =>
      withStore(async (store) => {
        for (const n of ['d1', 'd2', 'd3']) assert.ok(!(await store.datasets.update(at(n), [], LIMITS, T0, BY)).refused);
        assert.deepEqual(await store.datasets.update(at('d4'), [put('k', 'v', 0)], LIMITS, T0, BY), { refused: 'datasets' });
        assert.equal(await store.datasets.get(ID, 'd4'), null);
        // another identity has its own count
        assert.ok(!(await store.datasets.update(at('d4', ID2), [], LIMITS, T0, BY)).refused);
        const four = ['a', 'b', 'c', 'd'].map((k) => put(k, 'v', 0));
        assert.ok(!(await store.datasets.update(at('d1'), four, LIMITS, T0, BY)).refused);
        assert.deepEqual(await store.datasets.update(at('d1'), [put('e', 'v', 0)], LIMITS, T0, BY), { refused: 'records' });
        // replacing one, or removing one to add another, stays within the limit
        assert.ok(!(await store.datasets.update(at('d1'), [put('a', 'w', 1), remove('b', 1), put('e', 'v', 0)], LIMITS, T0, BY)).refused);
        assert.deepEqual(await store.datasets.update(at('d2'), [put('big', 'x'.repeat(98), 0)], LIMITS, T0, BY), { refused: 'bytes' });
        assert.ok(!(await store.datasets.update(at('d2'), [put('big', 'x'.repeat(97), 0)], LIMITS, T0, BY)).refused);
        assert.equal((await store.datasets.get(ID, 'd2'))!.dataStorage, 100);
      }));

    test('delete drops the records and keeps the counter; an update makes it again counting on', () =>
      withStore(async (store) => {
        await store.datasets.update(at('ds'), [put('a', '1', 0)], LIMITS, T0, BY);
        await store.datasets.update(at('ds'), [put('a', '2', 1)], LIMITS, T0 + 1, BY);
        const gone = await store.datasets.delete(ID, 'ds');
        assert.equal(gone!.syncCount, 2);
        assert.equal(gone!.live, true, 'answers the dataset as it was');
        assert.equal(await store.datasets.delete(ID, 'ds'), null);
        const after = (await store.datasets.get(ID, 'ds'))!;
        assert.deepEqual([after.live, after.syncCount, after.deletedAtSyncCount, after.numRecords, after.dataStorage], [false, 2, 2, 0, 0]);
        assert.deepEqual((await store.datasets.records(ID, 'ds', 0, 10)).items, []);
        assert.deepEqual((await store.datasets.list(ID, 10)).items, []);
        const again = await store.datasets.update(at('ds'), [put('b', '1', 0)], LIMITS, T0 + 5, BY);
        assert.ok(!again.refused);
        assert.deepEqual([again.dataset.live, again.dataset.syncCount, again.dataset.createdAt, again.dataset.deletedAtSyncCount], [true, 3, T0 + 5, 2]);
        assert.deepEqual((await store.datasets.records(ID, 'ds', 0, 10)).items.map((r) => [r.key, r.syncCount]), [['b', 3]]);
      }));

    test('pages: datasets by name, records by (sync count, key); a foreign cursor is refused', () =>
      withStore(async (store) => {
        for (const n of ['c', 'a', 'b']) await store.datasets.update(at(n), [], { ...LIMITS, maxDatasets: 20 }, T0, BY);
        const p1 = await store.datasets.list(ID, 2);
        assert.deepEqual(p1.items.map((d) => d.name), ['a', 'b']);
        const p2 = await store.datasets.list(ID, 2, p1.next);
        assert.deepEqual(p2.items.map((d) => d.name), ['c']);
        assert.equal(p2.next, undefined);
        await store.datasets.update(at('a'), [put('y', '1', 0), put('x', '1', 0)], LIMITS, T0, BY);
        await store.datasets.update(at('a'), [put('w', '1', 0)], LIMITS, T0, BY);
        const r1 = await store.datasets.records(ID, 'a', 0, 2);
        assert.deepEqual(r1.items.map((r) => r.key), ['x', 'y']);
        const r2 = await store.datasets.records(ID, 'a', 0, 2, r1.next);
        assert.deepEqual(r2.items.map((r) => r.key), ['w']);
        await assert.rejects(store.datasets.records(ID, 'a', 0, 2, 'not-a-cursor'));
      }));

    test('usage per identity and per pool counts live datasets only', () =>
      withStore(async (store) => {
        await store.datasets.update(at('a'), [put('k', 'vv', 0)], LIMITS, T0, BY);
        await store.datasets.update(at('b'), [put('k', 'v', 0)], LIMITS, T0 + 7, BY);
        await store.datasets.update(at('b'), [put('k', 'vvv', 1)], LIMITS, T0 + 9, BY);
        await store.datasets.update(at('c', ID2, POOL2), [put('k', 'v', 0)], LIMITS, T0, BY);
        assert.deepEqual(await store.datasets.usageOfIdentity(ID), { datasetCount: 2, dataStorage: 3 + 4, lastModified: T0 + 9 });
        assert.deepEqual(await store.datasets.usageOfIdentity('us-east-1:none'), { datasetCount: 0, dataStorage: 0, lastModified: null });
        const pools = await store.datasets.usageOfPools([POOL, POOL2, 'us-east-1:none']);
        assert.deepEqual(pools.get(POOL), { syncSessions: 3, dataStorage: 7, lastModified: T0 + 9 });
        assert.deepEqual(pools.get(POOL2), { syncSessions: 1, dataStorage: 2, lastModified: T0 });
        assert.equal(pools.has('us-east-1:none'), false);
        await store.datasets.delete(ID, 'b');
        assert.deepEqual(await store.datasets.usageOfIdentity(ID), { datasetCount: 1, dataStorage: 3, lastModified: T0 });
      }));

    test('concurrent updates with the same expected count, from two stores: exactly one wins each round', (t) =>
      withStore(async (store, reopen) => {
        if (!reopen) return t.skip('this backend cannot open a second store');
        const other = await reopen();
        // the first round also races the dataset's creation
        let expected = 0;
        for (let round = 0; round < 6; round++) {
          const outs = await Promise.all(
            Array.from({ length: 6 }, (_, i) => (i % 2 ? store : other).datasets.update(at('race'), [put('k', `w${i}`, expected)], LIMITS, T0 + round, BY)),
          );
          const won = outs.filter((o) => !o.refused);
          assert.equal(won.length, 1, `round ${round}: ${JSON.stringify(outs.map((o) => o.refused ?? 'won'))}`);
          assert.ok(outs.every((o) => !o.refused || o.refused === 'conflict'));
          expected = won[0]!.dataset!.syncCount;
          assert.equal(expected, round + 1);
        }
        // new datasets racing against the limit: never more than the limit
        await Promise.all(
          Array.from({ length: 8 }, (_, i) => (i % 2 ? store : other).datasets.update(at(`n${i}`, ID2), [put('k', 'v', 0)], LIMITS, T0, BY)),
        );
        assert.equal((await store.datasets.list(ID2, 20)).items.length, LIMITS.maxDatasets);
      }));
  });
}
