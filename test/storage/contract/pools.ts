// Storage contract for user pools: round trips, counted create, paging, versioned update, cascade delete.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeCursor, InvalidCursorError } from '../../../src/storage/store.ts';
import { pool, client, domain, key, T0, richSettings, type WithStore } from './fixtures.ts';

export function poolsContract(withStore: WithStore): void {
  describe('pools', () => {
    test('create then get round-trips the record exactly (unicode, nested settings, tags)', () =>
      withStore(async (store) => {
        const p = pool('us-east-1_Ünï', {
          name: 'Ünïcödé pool 池 🚀',
          createdAt: T0 + 1,
          updatedAt: T0 + 2,
          version: 3,
          settings: richSettings,
          tags: { team: 'ïdentity', 'cost-center': '42', emoji: '🙂' },
        });
        assert.equal(await store.pools.create(p, [], 10), 'ok');
        assert.deepEqual(await store.pools.get(p.id), p);
        assert.equal(await store.pools.get('us-east-1_missing'), null);
        assert.equal(await store.pools.count(), 1);
      }));

    test('create returns limit at the maximum and stores nothing (not even the keys)', () =>
      withStore(async (store) => {
        assert.equal(await store.pools.create(pool('p1'), [key('k1', 'p1', 'id', T0)], 2), 'ok');
        assert.equal(await store.pools.create(pool('p2'), [], 2), 'ok');
        assert.equal(await store.pools.create(pool('p3'), [key('k3', 'p3', 'id', T0)], 2), 'limit');
        assert.equal(await store.pools.count(), 2);
        assert.equal(await store.pools.get('p3'), null);
        assert.deepEqual(await store.keys.listForPool('p3'), []);
        assert.equal(await store.pools.create(pool('p3'), [], 3), 'ok');
        assert.equal(await store.pools.create(pool('p4'), [], 0), 'limit');
      }));

    test('concurrent creates never exceed the limit', () =>
      withStore(async (store) => {
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.pools.create(pool(`race-${i}`), [], 5)));
        assert.equal(results.filter((r) => r === 'ok').length, 5);
        assert.equal(results.filter((r) => r === 'limit').length, 5);
        assert.equal(await store.pools.count(), 5);
      }));

    test('list pages 7 pools by 3 in (createdAt, id) order with stable cursors', () =>
      withStore(async (store) => {
        // Inserted out of order; ties on createdAt are broken by id, byte-wise (upper case before lower case).
        const spec: [string, number][] = [
          ['p-g', T0 + 5],
          ['p-a', T0 + 1],
          ['p-c', T0 + 3],
          ['p-b', T0 + 3],
          ['p-B', T0 + 3],
          ['p-e', T0 + 4],
          ['p-d', T0 + 2],
        ];
        for (const [id, t] of spec) assert.equal(await store.pools.create(pool(id, { createdAt: t }), [], 100), 'ok');
        const expected = ['p-a', 'p-d', 'p-B', 'p-b', 'p-c', 'p-e', 'p-g'];

        const p1 = await store.pools.list(3);
        assert.deepEqual(p1.items.map((p) => p.id), expected.slice(0, 3));
        assert.ok(p1.next);
        const p2 = await store.pools.list(3, p1.next);
        assert.deepEqual(p2.items.map((p) => p.id), expected.slice(3, 6));
        assert.ok(p2.next);
        const p3 = await store.pools.list(3, p2.next);
        assert.deepEqual(p3.items.map((p) => p.id), expected.slice(6));
        assert.equal(p3.next, undefined);

        // Items are whole records, and a cursor read twice gives the same page.
        assert.deepEqual(p1.items[0], pool('p-a', { createdAt: T0 + 1 }));
        assert.deepEqual(await store.pools.list(3, p1.next), p2);

        // A cursor stays valid across writes: a pool deleted before it, or created after the end, does not shift the page.
        assert.equal(await store.pools.delete('p-a'), true);
        assert.equal(await store.pools.create(pool('p-z', { createdAt: T0 + 9 }), [], 100), 'ok');
        assert.deepEqual((await store.pools.list(3, p1.next)).items.map((p) => p.id), expected.slice(3, 6));
        const tail = await store.pools.list(3, p2.next);
        assert.deepEqual(tail.items.map((p) => p.id), ['p-g', 'p-z']);
        assert.equal(tail.next, undefined);

        // A page that is exactly full has no next; a large limit returns everything.
        const all = await store.pools.list(7);
        assert.equal(all.items.length, 7);
        assert.equal(all.next, undefined);
        assert.equal((await store.pools.list(100)).items.length, 7);
        // A cursor is the keyset position, so one made for a position with no row still pages from there.
        assert.deepEqual((await store.pools.list(2, encodeCursor(T0 + 3, 'p-a'))).items.map((p) => p.id), ['p-b', 'p-c']);
      }));

    test('list of no pools is an empty last page', () =>
      withStore(async (store) => {
        assert.deepEqual(await store.pools.list(3), { items: [] });
      }));

    test('list rejects a cursor it did not make with InvalidCursorError', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        for (const bad of ['not-a-cursor', '', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('["1","x"]').toString('base64url')])
          await assert.rejects(store.pools.list(3, bad), InvalidCursorError, `cursor ${JSON.stringify(bad)}`);
      }));

    test('update is conditional on the version', () =>
      withStore(async (store) => {
        const p = pool('p1', { tags: { a: '1' } });
        await store.pools.create(p, [], 10);
        const v2 = { ...p, name: 'renamed ✎', updatedAt: T0 + 10, version: 2, settings: richSettings, tags: { b: '2' } };
        assert.equal(await store.pools.update(v2), true);
        assert.deepEqual(await store.pools.get('p1'), v2);

        // A writer that read version 1 and bumped it to 2 loses: the stored version is already 2.
        assert.equal(await store.pools.update({ ...p, name: 'stale', version: 2 }), false);
        // So does one that skips a version.
        assert.equal(await store.pools.update({ ...v2, name: 'skipped', version: 4 }), false);
        assert.deepEqual(await store.pools.get('p1'), v2);

        assert.equal(await store.pools.update({ ...v2, version: 3, updatedAt: T0 + 20 }), true);
        assert.equal((await store.pools.get('p1'))!.version, 3);
        assert.equal(await store.pools.update(pool('missing', { version: 2 })), false);
        assert.equal(await store.pools.get('missing'), null);
      }));

    test('delete removes the pool with its clients, domains and keys, and nothing of other pools', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [key('k1-id', 'p1', 'id', T0), key('k1-access', 'p1', 'access', T0)], 10);
        await store.pools.create(pool('p2'), [key('k2-id', 'p2', 'id', T0)], 10);
        await store.clients.create(client('c1', 'p1'), 10);
        await store.clients.create(client('c2', 'p1'), 10);
        await store.clients.create(client('c3', 'p2'), 10);
        await store.domains.create(domain('one', 'p1'));
        await store.domains.create(domain('auth.example.com', 'p1', { custom: true }));
        await store.domains.create(domain('two', 'p2'));
        await store.keys.add([key('k1-saml', 'p1', 'saml', T0 + 1)]);

        assert.equal(await store.pools.delete('p1'), true);
        assert.equal(await store.pools.get('p1'), null);
        assert.equal(await store.clients.get('c1'), null);
        assert.equal(await store.clients.get('c2'), null);
        assert.deepEqual(await store.clients.list('p1', 10), { items: [] });
        assert.equal(await store.domains.get('one'), null);
        assert.equal(await store.domains.get('auth.example.com'), null);
        assert.deepEqual(await store.domains.listForPool('p1'), []);
        assert.deepEqual(await store.keys.listForPool('p1'), []);
        assert.equal(await store.pools.count(), 1);

        assert.deepEqual(await store.clients.get('c3'), client('c3', 'p2'));
        assert.deepEqual(await store.domains.get('two'), domain('two', 'p2'));
        assert.deepEqual(await store.keys.listForPool('p2'), [key('k2-id', 'p2', 'id', T0)]);

        assert.equal(await store.pools.delete('p1'), false);
        assert.equal(await store.pools.delete('never'), false);
        // The names the deleted pool held are free again.
        assert.equal(await store.domains.create(domain('one', 'p2')), 'ok');
        assert.equal(await store.pools.create(pool('p1'), [key('k1-id', 'p1', 'id', T0)], 10), 'ok');
      }));
  });
}
