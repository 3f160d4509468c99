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

    test('linkTo gives a guest identity a login not yet linked; a login linked elsewhere answers that identity', () =>
      withStore(async (store) => {
        const g = identity(1);
        await store.identities.create(g);
        assert.equal(await store.identities.linkTo(g.id, PROVIDER, 'sub-g', T0 + 50), g.id);
        const linked = { ...g, logins: [PROVIDER], modifiedAt: T0 + 50 };
        assert.deepEqual(await store.identities.get(g.id), linked);
        assert.equal(await store.identities.linked(P1, PROVIDER, 'sub-g'), g.id);
        // the login now finds that identity, for first sign-ins and for other guests alike
        assert.deepEqual(await store.identities.forLogin(identity(2), PROVIDER, 'sub-g'), linked);
        const other = identity(3);
        await store.identities.create(other);
        assert.equal(await store.identities.linkTo(other.id, PROVIDER, 'sub-g', T0 + 60), g.id);
        assert.deepEqual(await store.identities.get(other.id), other, 'the other guest is unchanged');
        // linking again is a no-op; an unknown identity is null
        assert.equal(await store.identities.linkTo(g.id, PROVIDER, 'sub-g', T0 + 70), g.id);
        assert.deepEqual(await store.identities.get(g.id), linked);
        assert.equal(await store.identities.linkTo(identity(9).id, PROVIDER, 'sub-x', T0), null);
        assert.equal(await store.identities.linked(P1, PROVIDER, 'sub-x'), null);
      }));

    test('concurrent links of one login to several guests, from two stores, link it to one of them', (t) =>
      withStore(async (store, reopen) => {
        if (!reopen) return t.skip('this backend cannot open a second store');
        const other = await reopen();
        const guests = Array.from({ length: 8 }, (_, i) => identity(20 + i));
        for (const g of guests) await store.identities.create(g);
        const got = await Promise.all(guests.map((g, i) => (i % 2 ? store : other).identities.linkTo(g.id, PROVIDER, 'racer', T0 + 100)));
        const ids = new Set(got);
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

    test('link: new logins make one identity linked to all; a known login gains the others', () =>
      withStore(async (store) => {
        const G = 'accounts.google.com';
        const F = 'graph.facebook.com';
        const made = await store.identities.link(identity(1), [{ provider: G, userId: 'g1' }, { provider: F, userId: 'f1' }], 20, T0 + 90);
        assert.deepEqual(made, { identity: identity(1, P1, { logins: [G, F] }) });
        assert.equal(await store.identities.linked(P1, G, 'g1'), identity(1).id);
        assert.equal(await store.identities.linked(P1, F, 'f1'), identity(1).id);
        // Already linked: the same identity, unchanged; the fresh record is not stored.
        assert.deepEqual(await store.identities.link(identity(2), [{ provider: F, userId: 'f1' }, { provider: G, userId: 'g1' }], 20, T0 + 91), made);
        assert.equal(await store.identities.get(identity(2).id), null);
        // One known login and a new one: the new one joins the known identity, modifiedAt moves.
        const grown = await store.identities.link(identity(3), [{ provider: G, userId: 'g1' }, { provider: PROVIDER, userId: 'u1' }], 20, T0 + 92);
        assert.deepEqual(grown, { identity: identity(1, P1, { logins: [G, F, PROVIDER], modifiedAt: T0 + 92 }) });
        assert.deepEqual(await store.identities.get(identity(1).id), grown.identity);
        assert.equal(await store.identities.linked(P1, PROVIDER, 'u1'), identity(1).id);
        // forLogin sees links made by link().
        assert.equal((await store.identities.forLogin(identity(4), PROVIDER, 'u1')).id, identity(1).id);
      }));

    test('link merges the identities holding the logins into the oldest; conflicts and the limit change nothing', () =>
      withStore(async (store) => {
        const G = 'accounts.google.com';
        const F = 'graph.facebook.com';
        const older = await store.identities.forLogin(identity(1), G, 'g1');
        const newer = await store.identities.forLogin(identity(2), F, 'f1');
        await store.identities.forLogin(identity(3), PROVIDER, 'other-user');
        assert.deepEqual(
          await store.identities.link(identity(8), [{ provider: G, userId: 'g1' }, { provider: PROVIDER, userId: 'other-user' }, { provider: F, userId: 'f1' }, { provider: 'x', userId: 'x' }], 20, T0 + 51),
          { identity: identity(1, P1, { logins: [G, F, PROVIDER, 'x'], modifiedAt: T0 + 51 }) },
        );
        assert.deepEqual(await store.identities.get(older.id), identity(1, P1, { logins: [G, F, PROVIDER, 'x'], modifiedAt: T0 + 51 }));
        assert.equal(await store.identities.get(newer.id), null);
        assert.equal(await store.identities.get(identity(3).id), null);
        for (const [p, u] of [[G, 'g1'], [F, 'f1'], [PROVIDER, 'other-user'], ['x', 'x']]) assert.equal(await store.identities.linked(P1, p!, u!), older.id);
        assert.deepEqual((await store.identities.list(P1, 10)).items.map((i) => i.id), [older.id]);

        const lone = await store.identities.forLogin(identity(5), G, 'g2');
        const before = await store.identities.get(older.id);
        assert.deepEqual(await store.identities.link(identity(6), [{ provider: G, userId: 'g2' }, { provider: F, userId: 'f1' }], 20, T0 + 60), { refused: 'conflict', provider: G });
        assert.deepEqual(await store.identities.link(identity(6), [{ provider: G, userId: 'g2' }, { provider: 'y', userId: 'y' }], 1, T0 + 60), { refused: 'limit' });
        assert.deepEqual(await store.identities.link(identity(7), [{ provider: 'z', userId: 'z' }, { provider: 'y', userId: 'y' }], 1, T0 + 60), { refused: 'limit' });
        assert.deepEqual(await store.identities.get(older.id), before);
        assert.deepEqual(await store.identities.get(lone.id), lone);
        assert.equal(await store.identities.linked(P1, 'y', 'y'), null);
        assert.equal(await store.identities.get(identity(7).id), null);
      }));

    test('concurrent links of overlapping logins, from two stores, end on one identity', (t) =>
      withStore(async (store, reopen) => {
        if (!reopen) return t.skip('this backend cannot open a second store');
        const other = await reopen();
        const got = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            (i % 2 ? store : other).identities.link(identity(20 + i), [{ provider: `p${i % 3}`, userId: 'u' }, { provider: `p${(i + 1) % 3}`, userId: 'u' }], 20, T0 + 100),
          ),
        );
        assert.ok(got.every((g) => g.refused === undefined));
        const page = await store.identities.list(P1, 60);
        assert.equal(page.items.length, 1);
        for (const p of ['p0', 'p1', 'p2']) assert.equal(await store.identities.linked(P1, p, 'u'), page.items[0]!.id);
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

    test('link adds a login to an identity unless another has it; loginsOf lists them in order', () =>
      withStore(async (store) => {
        const DEV = 'login.example.dev';
        const a = await store.identities.forLogin(identity(1), DEV, 'u-1');
        const guest = identity(2);
        await store.identities.create(guest);
        assert.equal(await store.identities.linkTo(guest.id, DEV, 'u-2', T0 + 10), guest.id);
        assert.equal(await store.identities.linkTo(guest.id, DEV, 'u-0', T0 + 11), guest.id);
        assert.equal(await store.identities.linkTo(guest.id, PROVIDER, 'sub', T0 + 12), guest.id);
        assert.deepEqual(await store.identities.get(guest.id), { ...guest, logins: [DEV, PROVIDER], modifiedAt: T0 + 12 });
        // already linked elsewhere: that identity answers, nothing changes
        assert.equal(await store.identities.linkTo(guest.id, DEV, 'u-1', T0 + 13), a.id);
        assert.equal((await store.identities.get(guest.id))!.modifiedAt, T0 + 12);
        // linking again to the same identity answers it, unchanged
        assert.equal(await store.identities.linkTo(guest.id, DEV, 'u-2', T0 + 14), guest.id);
        assert.deepEqual(await store.identities.loginsOf(guest.id), [
          { provider: PROVIDER, userId: 'sub' },
          { provider: DEV, userId: 'u-0' },
          { provider: DEV, userId: 'u-2' },
        ].sort((x, y) => (x.provider < y.provider ? -1 : x.provider > y.provider ? 1 : x.userId < y.userId ? -1 : 1)));
        assert.equal(await store.identities.linked(P1, DEV, 'u-0'), guest.id);
        assert.equal(await store.identities.linkTo(identity(9).id, DEV, 'u-9', T0), null);
        assert.deepEqual(await store.identities.loginsOf(identity(9).id), []);
        // a login of another pool's identity is another login
        const other = identity(3, P2);
        await store.identities.create(other);
        assert.equal(await store.identities.linkTo(other.id, DEV, 'u-1', T0 + 20), other.id);
      }));

    test('merge moves every login of the source to the destination and deletes the source', () =>
      withStore(async (store) => {
        const DEV = 'login.example.dev';
        const src = await store.identities.forLogin(identity(1), DEV, 's');
        await store.identities.linkTo(src.id, PROVIDER, 'sub-s', T0 + 5);
        const dst = await store.identities.forLogin(identity(2), DEV, 'd');
        const merged = await store.identities.merge(src.id, dst.id, T0 + 50);
        assert.deepEqual(merged, { ...dst, logins: [DEV, PROVIDER], modifiedAt: T0 + 50 });
        assert.deepEqual(await store.identities.get(dst.id), merged);
        assert.equal(await store.identities.get(src.id), null);
        assert.equal(await store.identities.linked(P1, DEV, 's'), dst.id);
        assert.equal(await store.identities.linked(P1, PROVIDER, 'sub-s'), dst.id);
        assert.equal((await store.identities.loginsOf(dst.id)).length, 3);
        assert.deepEqual(await store.identities.loginsOf(src.id), []);
        assert.equal(await store.identities.merge(src.id, dst.id, T0 + 60), null);
        assert.equal(await store.identities.merge(dst.id, identity(9).id, T0 + 60), null);
        assert.equal((await store.identities.get(dst.id))!.modifiedAt, T0 + 50);
      }));

    test('unlinkLogin removes one login; the provider stays in logins while another login of it remains', () =>
      withStore(async (store) => {
        const DEV = 'login.example.dev';
        const a = await store.identities.forLogin(identity(1), DEV, 'x');
        await store.identities.linkTo(a.id, DEV, 'y', T0 + 5);
        assert.deepEqual(await store.identities.unlinkLogin(a.id, DEV, 'x', T0 + 10), { ...a, logins: [DEV], modifiedAt: T0 + 10 });
        assert.equal(await store.identities.linked(P1, DEV, 'x'), null);
        assert.equal(await store.identities.unlinkLogin(a.id, DEV, 'x', T0 + 11), null);
        assert.equal(await store.identities.unlinkLogin(identity(9).id, DEV, 'y', T0 + 11), null);
        assert.deepEqual(await store.identities.unlinkLogin(a.id, DEV, 'y', T0 + 12), { ...a, logins: [], modifiedAt: T0 + 12 });
        assert.deepEqual(await store.identities.get(a.id), { ...a, logins: [], modifiedAt: T0 + 12 });
        assert.deepEqual(await store.identities.loginsOf(a.id), []);
      }));
  });
}
