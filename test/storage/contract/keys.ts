// Storage contract for signing keys: listing, rotation, addition.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pool, key, T0, type WithStore } from './fixtures.ts';

export function keysContract(withStore: WithStore): void {
  describe('signing keys', () => {
    test('keys created with the pool round-trip, newest first', () =>
      withStore(async (store) => {
        const older = key('kid-older', 'p1', 'id', T0, { publicJwk: { kty: 'RSA', n: 'bmFtZQ', e: 'AQAB' } });
        const newer = key('kid-newer', 'p1', 'access', T0 + 1);
        const saml = key('kid-saml', 'p1', 'saml', T0 + 2, {
          alg: 'RS256',
          certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
          retiresAt: T0 + 1_000,
        });
        await store.pools.create(pool('p1'), [older, newer, saml], 10);
        await store.pools.create(pool('p2'), [key('kid-p2', 'p2', 'id', T0 + 5)], 10);
        assert.deepEqual(await store.keys.listForPool('p1'), [saml, newer, older]);
        assert.deepEqual(await store.keys.listForPool('missing'), []);
      }));

    test('rotate retires the current keys of the added uses and adds the new ones unretired', () =>
      withStore(async (store) => {
        const id1 = key('id-1', 'p1', 'id', T0);
        const access1 = key('access-1', 'p1', 'access', T0);
        const saml1 = key('saml-1', 'p1', 'saml', T0);
        await store.pools.create(pool('p1'), [id1, access1, saml1], 10);
        await store.pools.create(pool('p2'), [key('p2-id', 'p2', 'id', T0)], 10);

        const id2 = key('id-2', 'p1', 'id', T0 + 100);
        const access2 = key('access-2', 'p1', 'access', T0 + 100);
        await store.keys.rotate('p1', [id2, access2], T0 + 1_000);
        const after = await store.keys.listForPool('p1');
        // Newest first; ties on createdAt by kid.
        assert.deepEqual(after, [
          access2,
          id2,
          { ...access1, retiresAt: T0 + 1_000 },
          { ...id1, retiresAt: T0 + 1_000 },
          saml1,
        ]);
        assert.deepEqual(await store.keys.listForPool('p2'), [key('p2-id', 'p2', 'id', T0)], 'other pools are untouched');

        // A second rotation of id keys only: the already-retired id-1 keeps its first retiresAt.
        const id3 = key('id-3', 'p1', 'id', T0 + 200);
        await store.keys.rotate('p1', [id3], T0 + 2_000);
        const byKid = new Map((await store.keys.listForPool('p1')).map((k) => [k.kid, k]));
        assert.equal(byKid.get('id-1')!.retiresAt, T0 + 1_000);
        assert.equal(byKid.get('id-2')!.retiresAt, T0 + 2_000);
        assert.equal(byKid.get('id-3')!.retiresAt, null);
        assert.equal(byKid.get('access-2')!.retiresAt, null);
        assert.equal(byKid.get('saml-1')!.retiresAt, null);
        assert.equal((await store.keys.listForPool('p1'))[0]!.kid, 'id-3');
      }));

    test('rotate retiring sooner (an immediate revoke) also shortens keys an earlier rotation left retiring later', () =>
      withStore(async (store) => {
        const id1 = key('id-1', 'p1', 'id', T0);
        const access1 = key('access-1', 'p1', 'access', T0);
        await store.pools.create(pool('p1'), [id1, access1], 10);
        await store.keys.rotate('p1', [key('id-2', 'p1', 'id', T0 + 100), key('access-2', 'p1', 'access', T0 + 100)], T0 + 10_000);
        await store.keys.rotate('p1', [key('id-3', 'p1', 'id', T0 + 200), key('access-3', 'p1', 'access', T0 + 200)], T0 + 200);
        const retires = Object.fromEntries((await store.keys.listForPool('p1')).map((k) => [k.kid, k.retiresAt]));
        assert.deepEqual(retires, { 'id-1': T0 + 200, 'access-1': T0 + 200, 'id-2': T0 + 200, 'access-2': T0 + 200, 'id-3': null, 'access-3': null });
      }));

    test('rotate is all or nothing: a clashing kid leaves the old keys current', () =>
      withStore(async (store) => {
        const id1 = key('id-1', 'p1', 'id', T0);
        await store.pools.create(pool('p1'), [id1], 10);
        await assert.rejects(store.keys.rotate('p1', [key('id-2', 'p1', 'id', T0 + 1), key('id-1', 'p1', 'id', T0 + 1)], T0 + 5));
        assert.deepEqual(await store.keys.listForPool('p1'), [id1]);
      }));

    test('add inserts keys without retiring any', () =>
      withStore(async (store) => {
        const id1 = key('id-1', 'p1', 'id', T0);
        await store.pools.create(pool('p1'), [id1], 10);
        const extra = [key('id-extra', 'p1', 'id', T0 + 1), key('saml-extra', 'p1', 'saml', T0 + 2, { certificate: 'PEM' })];
        await store.keys.add(extra);
        assert.deepEqual(await store.keys.listForPool('p1'), [extra[1], extra[0], id1]);
        await store.keys.add([]);
        assert.equal((await store.keys.listForPool('p1')).length, 3);
      }));
  });
}
