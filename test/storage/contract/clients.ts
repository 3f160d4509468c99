// Storage contract for app clients: round trips, counted create, paging, versioned update, delete.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidCursorError } from '../../../src/storage/store.ts';
import { pool, client, T0, richSettings, type WithStore } from './fixtures.ts';

export function clientsContract(withStore: WithStore): void {
  describe('clients', () => {
    test('create then get by client id alone round-trips the record exactly', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        const c = client('3n4b5urk1ft4fl3mg5e62d9ado', 'p1', {
          name: 'Mobile app — ünïcode 📱',
          secrets: [
            { id: 's1', sealed: 'v1.sealed.AAAA', createdAt: T0 },
            { id: 's2', sealed: 'v1.sealed.BBBB', createdAt: T0 + 5 },
          ],
          createdAt: T0 + 7,
          updatedAt: T0 + 8,
          version: 2,
          settings: richSettings,
        });
        assert.equal(await store.clients.create(c, 10), 'ok');
        assert.deepEqual(await store.clients.get(c.id), c);
        assert.equal(await store.clients.get('missing'), null);
      }));

    test('getWithPool reads a client with its pool; null for an unknown client', () =>
      withStore(async (store) => {
        const p1 = pool('p1', { settings: richSettings, tags: { team: 'ünï' }, version: 3, updatedAt: T0 + 9 });
        await store.pools.create(p1, [], 10);
        await store.pools.create(pool('p2'), [], 10);
        const c = client('c-with-pool', 'p1', { secrets: [{ id: 's1', sealed: 'v1.sealed.AAAA', createdAt: T0 }], settings: richSettings });
        await store.clients.create(c, 10);
        await store.clients.create(client('c-other', 'p2'), 10);
        assert.deepEqual(await store.clients.getWithPool(c.id), { client: c, pool: p1 });
        assert.deepEqual((await store.clients.getWithPool('c-other'))?.pool, pool('p2'));
        assert.equal(await store.clients.getWithPool('missing'), null);
        // Deleting the pool takes its clients along.
        await store.pools.delete('p1');
        assert.equal(await store.clients.getWithPool(c.id), null);
      }));

    test('create returns limit at the pool maximum; other pools are counted apart', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        assert.equal(await store.clients.create(client('a1', 'p1'), 2), 'ok');
        assert.equal(await store.clients.create(client('a2', 'p1'), 2), 'ok');
        assert.equal(await store.clients.create(client('a3', 'p1'), 2), 'limit');
        assert.equal(await store.clients.get('a3'), null);
        assert.equal(await store.clients.create(client('b1', 'p2'), 2), 'ok');
        assert.equal(await store.clients.create(client('b2', 'p2'), 2), 'ok');
        assert.equal(await store.clients.create(client('b3', 'p2'), 2), 'limit');
        assert.equal(await store.clients.delete('p1', 'a1'), true);
        assert.equal(await store.clients.create(client('a3', 'p1'), 2), 'ok');
      }));

    test('concurrent creates never exceed the limit', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.clients.create(client(`c${i}`, 'p1'), 5)));
        assert.equal(results.filter((r) => r === 'ok').length, 5);
        assert.equal(results.filter((r) => r === 'limit').length, 5);
        assert.equal((await store.clients.list('p1', 100)).items.length, 5);
      }));

    test('list pages one pool’s clients by 3 in (createdAt, id) order', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        for (let i = 6; i >= 0; i--) await store.clients.create(client(`c${i}`, 'p1', { createdAt: T0 + Math.floor(i / 2) }), 100);
        await store.clients.create(client('other', 'p2', { createdAt: T0 }), 100);
        const ids: string[] = [];
        const sizes: number[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.clients.list('p1', 3, cursor);
          ids.push(...page.items.map((c) => c.id));
          sizes.push(page.items.length);
          if (page.next) assert.deepEqual(await store.clients.list('p1', 3, page.next), await store.clients.list('p1', 3, page.next));
          cursor = page.next;
        } while (cursor);
        assert.deepEqual(sizes, [3, 3, 1]);
        assert.deepEqual(ids, ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
        assert.deepEqual((await store.clients.list('p2', 3)).items, [client('other', 'p2', { createdAt: T0 })]);
        assert.deepEqual(await store.clients.list('nope', 3), { items: [] });
        await assert.rejects(store.clients.list('p1', 3, 'garbage!'), InvalidCursorError);
      }));

    test('update is conditional on the version', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        const c = client('c1', 'p1');
        await store.clients.create(c, 10);
        const v2 = {
          ...c,
          name: 'renamed',
          version: 2,
          updatedAt: T0 + 1,
          secrets: [{ id: 's1', sealed: 'x', createdAt: T0 + 1 }],
          settings: { CallbackURLs: ['https://example.com/cb'] },
        };
        assert.equal(await store.clients.update(v2), true);
        assert.deepEqual(await store.clients.get('c1'), v2);
        assert.equal(await store.clients.update({ ...c, name: 'stale', version: 2 }), false);
        assert.deepEqual(await store.clients.get('c1'), v2);
        // The pool id must match too: a client is never moved to, or written through, another pool.
        await store.pools.create(pool('p2'), [], 10);
        assert.equal(await store.clients.update({ ...v2, poolId: 'p2', version: 3 }), false);
        assert.deepEqual(await store.clients.get('c1'), v2);
        assert.equal(await store.clients.update(client('missing', 'p1', { version: 2 })), false);
      }));

    test('delete needs the right pool; a second delete is false', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        await store.clients.create(client('c1', 'p1'), 10);
        assert.equal(await store.clients.delete('p2', 'c1'), false);
        assert.ok(await store.clients.get('c1'));
        assert.equal(await store.clients.delete('p1', 'c1'), true);
        assert.equal(await store.clients.get('c1'), null);
        assert.equal(await store.clients.delete('p1', 'c1'), false);
        assert.ok(await store.pools.get('p1'), 'deleting a client leaves its pool');
      }));
  });
}
