// Storage contract for resource servers: counted creates, whole-record updates, paging by identifier, pool cascade.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeCursor, InvalidCursorError, type ResourceServerRecord } from '../../../src/storage/store.ts';
import { pool, T0, type WithStore } from './fixtures.ts';

export function resourceServer(poolId: string, identifier: string, over: Partial<ResourceServerRecord> = {}): ResourceServerRecord {
  return { poolId, identifier, name: `server ${identifier}`, scopes: [], createdAt: T0, updatedAt: T0, ...over };
}

export function resourceServersContract(withStore: WithStore): void {
  describe('resource servers', () => {
    test("create then get round-trips (scopes in their order); 'exists' keeps the holder; pools are apart", () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        const s = resourceServer('p1', 'https://api.example.com/ü', {
          name: 'Äpi "one"',
          scopes: [
            { name: 'write', description: 'Write — things' },
            { name: 'read', description: 'Read' },
          ],
          createdAt: T0 + 1,
          updatedAt: T0 + 2,
        });
        assert.equal(await store.resourceServers.create(s, 25), 'ok');
        assert.deepEqual(await store.resourceServers.get('p1', s.identifier), s);
        assert.equal(await store.resourceServers.get('p1', 'https://API.example.com/ü'), null, 'identifiers compare exactly');
        assert.equal(await store.resourceServers.get('p2', s.identifier), null);
        assert.equal(await store.resourceServers.create(resourceServer('p1', s.identifier, { name: 'loser' }), 25), 'exists');
        assert.deepEqual(await store.resourceServers.get('p1', s.identifier), s);
        assert.equal(await store.resourceServers.create(resourceServer('p2', s.identifier), 25), 'ok');
      }));

    test("create answers 'limit' at the pool's maximum ('exists' first), counting each pool apart", () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        assert.equal(await store.resourceServers.create(resourceServer('p1', 'a'), 2), 'ok');
        assert.equal(await store.resourceServers.create(resourceServer('p1', 'b'), 2), 'ok');
        assert.equal(await store.resourceServers.create(resourceServer('p1', 'a'), 2), 'exists');
        assert.equal(await store.resourceServers.create(resourceServer('p1', 'c'), 2), 'limit');
        assert.equal(await store.resourceServers.get('p1', 'c'), null);
        assert.equal(await store.resourceServers.create(resourceServer('p2', 'c'), 2), 'ok');
      }));

    test('update replaces name, scopes and updatedAt; delete removes; both false when the server is gone', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        const s = resourceServer('p1', 'api', { scopes: [{ name: 'read', description: 'r' }] });
        await store.resourceServers.create(s, 25);
        const next = { ...s, name: 'renamed', scopes: [{ name: 'write', description: 'w' }], updatedAt: T0 + 9, createdAt: T0 + 5 };
        assert.equal(await store.resourceServers.update(next), true);
        assert.deepEqual(await store.resourceServers.get('p1', 'api'), { ...next, createdAt: T0 }, 'createdAt stays');
        assert.equal(await store.resourceServers.update(resourceServer('p1', 'nope')), false);
        assert.equal(await store.resourceServers.delete('p1', 'api'), true);
        assert.equal(await store.resourceServers.get('p1', 'api'), null);
        assert.equal(await store.resourceServers.delete('p1', 'api'), false);
      }));

    test('list pages by identifier (byte order); all reads the pool whole; a foreign cursor is InvalidCursorError', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        for (const id of ['b', 'a', 'Z', 'ä', 'c']) await store.resourceServers.create(resourceServer('p1', id), 25);
        await store.resourceServers.create(resourceServer('p2', 'other'), 25);
        const first = await store.resourceServers.list('p1', 2);
        assert.deepEqual(first.items.map((s) => s.identifier), ['Z', 'a']);
        const second = await store.resourceServers.list('p1', 2, first.next);
        assert.deepEqual(second.items.map((s) => s.identifier), ['b', 'c']);
        const third = await store.resourceServers.list('p1', 2, second.next);
        assert.deepEqual(third.items.map((s) => s.identifier), ['ä']);
        assert.equal(third.next, undefined);
        assert.deepEqual((await store.resourceServers.all('p1')).map((s) => s.identifier), ['Z', 'a', 'b', 'c', 'ä']);
        await assert.rejects(store.resourceServers.list('p1', 2, 'not-a-cursor'), InvalidCursorError);
        await assert.rejects(store.resourceServers.list('p1', 2, encodeCursor(5, 'a')), InvalidCursorError);
      }));

    test('deleting the pool deletes its servers', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.resourceServers.create(resourceServer('p1', 'api'), 25);
        await store.pools.delete('p1');
        assert.equal(await store.resourceServers.get('p1', 'api'), null);
        assert.deepEqual(await store.resourceServers.all('p1'), []);
      }));
  });
}
