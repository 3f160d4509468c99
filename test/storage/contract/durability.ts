// Storage contract for durability: everything survives close and reopen.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pool, client, domain, key, user, code, session, refresh, message, T0, richSettings, type WithStore } from './fixtures.ts';

export function durabilityContract(withStore: WithStore): void {
  describe('durability', () => {
    test('data survives close and reopen; a reopened store has nothing to migrate', (t) =>
      withStore(async (store, reopen) => {
        if (!reopen) return t.skip('this backend cannot reopen its database');
        const p = pool('p1', { name: 'Persistent ☂', settings: richSettings, tags: { k: 'v' } });
        const keys = [key('id-1', 'p1', 'id', T0), key('access-1', 'p1', 'access', T0 + 1)];
        const c = client('c1', 'p1', { secrets: [{ id: 's', sealed: 'sealed', createdAt: T0 }] });
        const d = domain('persist', 'p1', { custom: false, settings: { nested: { ok: true } } });
        assert.equal(await store.pools.create(p, keys, 10), 'ok');
        assert.equal(await store.clients.create(c, 10), 'ok');
        assert.equal(await store.domains.create(d), 'ok');
        await store.keys.rotate('p1', [key('id-2', 'p1', 'id', T0 + 2)], T0 + 9);
        assert.equal(await store.meta.setIfAbsent('install-id', 'abc'), 'abc');
        const u = user('p1', 'alice', { attributes: { email: 'Älice@example.com', 'custom:k': 'v' } });
        assert.equal(await store.users.create(u), 'ok');
        await store.codes.put(code('p1', 'alice', 'signup'));
        await store.sessions.create(session('s1', 'p1', 'alice'), refresh('h1', 's1'));
        assert.equal(await store.counters.hit('k', 60_000, T0), 1);
        await store.counters.setLockout('k', 3, T0 + 5);
        await store.outbox.add(message('m1', 'alice@example.com', T0));
        const keysBefore = await store.keys.listForPool('p1');
        await store.close();

        const again = await reopen!();
        assert.deepEqual(await again.migrate(), []);
        assert.deepEqual(await again.pools.get('p1'), p);
        assert.deepEqual(await again.clients.get('c1'), c);
        assert.deepEqual(await again.domains.get('persist'), d);
        assert.deepEqual(await again.keys.listForPool('p1'), keysBefore);
        assert.equal(await again.meta.get('install-id'), 'abc');
        assert.equal(await again.pools.count(), 1);
        assert.deepEqual((await again.pools.list(10)).items, [p]);
        assert.deepEqual(await again.users.get('p1', 'alice'), u);
        assert.deepEqual(await again.users.findByAttribute('p1', 'email', 'älice@example.com', true), [u]);
        assert.deepEqual(await again.codes.get('p1', 'alice', 'signup'), code('p1', 'alice', 'signup'));
        assert.deepEqual(await again.sessions.get('s1'), session('s1', 'p1', 'alice'));
        assert.deepEqual(await again.sessions.getRefreshToken('h1'), refresh('h1', 's1'));
        assert.equal(await again.counters.hit('k', 60_000, T0 + 1), 2);
        assert.deepEqual(await again.counters.getLockout('k'), { failures: 3, lockedUntil: T0 + 5 });
        assert.deepEqual(await again.outbox.list(undefined, 10, T0), [message('m1', 'alice@example.com', T0)]);
      }));
  });
}
