// Storage contract for identities: round trips, one identity per login (also under concurrent first sign-ins from
// two stores), pages per pool, delete with its logins.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IdentityRecord } from '../../../src/storage/store.ts';
import { identityPool, T0, type WithStore } from './fixtures.ts';

const P1 = 'us-east-1:11111111-1111-4111-8111-111111111111';
const P2 = 'us-east-1:22222222-2222-4222-8222-222222222222';
const PROVIDER = 'cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc';

const identity = (n: number, poolId = P1, o: Partial<IdentityRecord> = {}): IdentityRecord => ({
  id: `us-east-1:${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`,
  poolId,
  createdAt: T0 + n,
  modifiedAt: T0 + n,
  logins: [],
  ...o,
});

export function identitiesContract(withStore: WithStore): void {
  describe('identities', () => {
    test('a guest identity round-trips; an unknown id is null', () =>
      withStore(async (store) => {
        const g = identity(1, P1, { modifiedAt: T0 + 99 });
        await store.identities.create(g);
        assert.deepEqual(await store.identities.get(g.id), g);
        assert.equal(await store.identities.get(identity(2).id), null);
        await assert.rejects(store.identities.create(g));
      }));

    test('one login is one identity per pool; the same login in another pool is another identity', () =>
      withStore(async (store) => {
        const a = await store.identities.forLogin(identity(1), PROVIDER, 'sub-ü');
        assert.deepEqual(a, identity(1, P1, { logins: [PROVIDER] }));
        assert.deepEqual(await store.identities.get(a.id), a);
        // A second sign-in finds the first identity; the fresh record offered is not stored.
        assert.deepEqual(await store.identities.forLogin(identity(2), PROVIDER, 'sub-ü'), a);
        assert.equal(await store.identities.get(identity(2).id), null);
        // Another user, another provider, another pool: each its own identity.
        assert.equal((await store.identities.forLogin(identity(3), PROVIDER, 'sub-2')).id, identity(3).id);
        assert.equal((await store.identities.forLogin(identity(4), PROVIDER + 'x', 'sub-ü')).id, identity(4).id);
        assert.equal((await store.identities.forLogin(identity(5, P2), PROVIDER, 'sub-ü')).id, identity(5).id);
      }));

    test('link gives a guest identity a login not yet linked; a login linked elsewhere answers that identity', () =>
      withStore(async (store) => {
        const g = identity(1);
        await store.identities.create(g);
        const linked = await store.identities.link(g.id, PROVIDER, 'sub-g', T0 + 50);
        assert.deepEqual(linked, { ...g, logins: [PROVIDER], modifiedAt: T0 + 50 });
        assert.deepEqual(await store.identities.get(g.id), linked);
        assert.equal(await store.identities.linked(P1, PROVIDER, 'sub-g'), g.id);
        // the login now finds that identity, for first sign-ins and for other guests alike
        assert.deepEqual(await store.identities.forLogin(identity(2), PROVIDER, 'sub-g'), linked);
        const other = identity(3);
        await store.identities.create(other);
        assert.deepEqual(await store.identities.link(other.id, PROVIDER, 'sub-g', T0 + 60), linked);
        assert.deepEqual(await store.identities.get(other.id), other, 'the other guest is unchanged');
        // linking again is a no-op; an unknown identity is null
        assert.deepEqual(await store.identities.link(g.id, PROVIDER, 'sub-g', T0 + 70), linked);
        assert.equal(await store.identities.link(identity(9).id, PROVIDER, 'sub-x', T0), null);
        assert.equal(await store.identities.linked(P1, PROVIDER, 'sub-x'), null);
      }));

    test('concurrent links of one login to several guests, from two stores, link it to one of them', (t) =>
      withStore(async (store, reopen) => {
        if (!reopen) return t.skip('this backend cannot open a second store');
        const other = await reopen();
        const guests = Array.from({ length: 8 }, (_, i) => identity(20 + i));
        for (const g of guests) await store.identities.create(g);
        const got = await Promise.all(guests.map((g, i) => (i % 2 ? store : other).identities.link(g.id, PROVIDER, 'racer', T0 + 100)));
        const ids = new Set(got.map((g) => g!.id));
        assert.equal(ids.size, 1);
        const winner = [...ids][0]!;
        for (const g of guests) assert.deepEqual((await store.identities.get(g.id))!.logins, g.id === winner ? [PROVIDER] : []);
      }));

    test('concurrent first sign-ins for one login, from two stores, all get the same identity', (t) =>
      withStore(async (store, reopen) => {
        if (!reopen) return t.skip('this backend cannot open a second store');
        const other = await reopen();
        const got = await Promise.all(
          Array.from({ length: 16 }, (_, i) => (i % 2 ? store : other).identities.forLogin(identity(10 + i), PROVIDER, 'racer')),
        );
        const ids = new Set(got.map((g) => g.id));
        assert.equal(ids.size, 1);
        const page = await store.identities.list(P1, 60);
        assert.equal(page.items.length, 1);
        assert.ok(ids.has(page.items[0]!.id));
      }));

    test('list pages a pool in creation order; delete removes the identity and frees its login', () =>
      withStore(async (store) => {
        for (const n of [3, 1, 5, 2, 4]) await store.identities.create(identity(n));
        await store.identities.create(identity(6, P2));
        const p1 = await store.identities.list(P1, 2);
        assert.deepEqual(p1.items.map((i) => i.createdAt - T0), [1, 2]);
        const p2 = await store.identities.list(P1, 2, p1.next);
        assert.deepEqual(p2.items.map((i) => i.createdAt - T0), [3, 4]);
        const p3 = await store.identities.list(P1, 2, p2.next);
        assert.deepEqual(p3.items.map((i) => i.createdAt - T0), [5]);
        assert.equal(p3.next, undefined);
        await assert.rejects(store.identities.list(P1, 2, 'garbage'));

        const linked = await store.identities.forLogin(identity(7), PROVIDER, 'u');
        assert.equal(await store.identities.delete(linked.id), true);
        assert.equal(await store.identities.delete(linked.id), false);
        assert.equal(await store.identities.get(linked.id), null);
        assert.equal((await store.identities.forLogin(identity(8), PROVIDER, 'u')).id, identity(8).id);
      }));

    test('deleting an identity pool deletes its identities and their logins, not those of other pools', () =>
      withStore(async (store) => {
        await store.identityPools.create(identityPool(P1), 10);
        await store.identityPools.create(identityPool(P2), 10);
        await store.identities.create(identity(1));
        await store.identities.forLogin(identity(2), PROVIDER, 'u');
        const kept = await store.identities.forLogin(identity(3, P2), PROVIDER, 'u');
        assert.equal(await store.identityPools.delete(P1), true);
        assert.equal(await store.identities.get(identity(1).id), null);
        assert.equal(await store.identities.get(identity(2).id), null);
        assert.deepEqual((await store.identities.list(P1, 10)).items, []);
        assert.deepEqual(await store.identities.get(kept.id), kept);
        // A pool of the same id made again starts without the login.
        await store.identityPools.create(identityPool(P1), 10);
        assert.equal((await store.identities.forLogin(identity(4), PROVIDER, 'u')).id, identity(4).id);
      }));

    test('unlink removes the named logins of an identity (freeing them) and sets modifiedAt; linked finds a login', () =>
      withStore(async (store) => {
        const a = await store.identities.forLogin(identity(1), PROVIDER, 'u');
        assert.equal(await store.identities.linked(P1, PROVIDER, 'u'), a.id);
        assert.equal(await store.identities.linked(P2, PROVIDER, 'u'), null);
        assert.deepEqual(await store.identities.unlink(a.id, [PROVIDER, 'other'], T0 + 50), { ...a, logins: [], modifiedAt: T0 + 50 });
        assert.deepEqual(await store.identities.get(a.id), { ...a, logins: [], modifiedAt: T0 + 50 });
        assert.equal(await store.identities.linked(P1, PROVIDER, 'u'), null);
        assert.equal((await store.identities.forLogin(identity(2), PROVIDER, 'u')).id, identity(2).id);
        assert.equal(await store.identities.unlink(identity(9).id, [PROVIDER], T0), null);
      }));
  });
}
