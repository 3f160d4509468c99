// Storage contract for groups and memberships: counted creates, paging, cascades.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeCursor, InvalidCursorError } from '../../../src/storage/store.ts';
import { pool, user, group, T0, type WithStore } from './fixtures.ts';

export function groupsContract(withStore: WithStore): void {
  describe('groups', () => {
    test('users.getWithGroups reads a user with their groups, as users.get and groups.allForUser', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        const alice = user('p1', 'alice', { attributes: { email: 'a@example.com', name: 'Ålice' }, mfa: { totp: true } });
        await store.users.create(alice);
        await store.users.create(user('p1', 'bob', { attributes: {} }));
        const b = group('p1', 'b-ünï', { description: 'B', roleArn: 'arn:aws:iam::123456789012:role/b', precedence: 3, createdAt: T0 + 2 });
        const a = group('p1', 'a', { precedence: 0, updatedAt: T0 + 7 });
        for (const g of [b, a, group('p1', 'not-alice')]) await store.groups.create(g, 100);
        for (const g of [b, a]) await store.groups.addMember('p1', g.name, 'alice', 100);
        await store.groups.addMember('p1', 'not-alice', 'bob', 100);

        const got = await store.users.getWithGroups('p1', 'alice');
        assert.deepEqual(got, { user: alice, groups: await store.groups.allForUser('p1', 'alice') });
        assert.deepEqual(got!.groups, [a, b]);
        assert.deepEqual(await store.users.getWithGroups('p1', 'bob'), { user: user('p1', 'bob', { attributes: {} }), groups: [group('p1', 'not-alice')] });
        await store.groups.removeMember('p1', 'not-alice', 'bob');
        assert.deepEqual((await store.users.getWithGroups('p1', 'bob'))!.groups, []);
        assert.equal(await store.users.getWithGroups('p1', 'nobody'), null);
      }));

    test('create then get round-trips; exists keeps the holder; other pools are apart', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        const g = group('p1', 'Admins ünï 🛡', {
          description: 'Ädministrators — "quoted"',
          roleArn: 'arn:aws:iam::123456789012:role/admin',
          precedence: 0,
          createdAt: T0 + 1,
          updatedAt: T0 + 2,
        });
        const bare = group('p1', 'bare');
        assert.equal(await store.groups.create(g, 10), 'ok');
        assert.equal(await store.groups.create(bare, 10), 'ok');
        assert.deepEqual(await store.groups.get('p1', g.name), g);
        assert.deepEqual(await store.groups.get('p1', 'bare'), bare);
        assert.equal(await store.groups.get('p1', 'admins ünï 🛡'), null, 'names compare exactly');
        assert.equal(await store.groups.get('p2', g.name), null);

        assert.equal(await store.groups.create(group('p1', g.name, { description: 'loser' }), 10), 'exists');
        assert.deepEqual(await store.groups.get('p1', g.name), g);
        assert.equal(await store.groups.create(group('p2', g.name, { precedence: 5 }), 10), 'ok');
        assert.deepEqual(await store.groups.get('p2', g.name), group('p2', g.name, { precedence: 5 }));
      }));

    test("create answers 'limit' at the pool's maximum ('exists' first), counting each pool apart", () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        assert.equal(await store.groups.create(group('p1', 'a'), 2), 'ok');
        assert.equal(await store.groups.create(group('p1', 'b'), 2), 'ok');
        assert.equal(await store.groups.create(group('p1', 'c'), 2), 'limit');
        assert.equal(await store.groups.create(group('p1', 'a'), 2), 'exists');
        assert.equal(await store.groups.get('p1', 'c'), null);
        assert.equal(await store.groups.create(group('p2', 'a'), 2), 'ok');
        assert.equal(await store.groups.delete('p1', 'a'), true);
        assert.equal(await store.groups.create(group('p1', 'c'), 2), 'ok');
        assert.equal(await store.groups.create(group('p1', 'd'), 0), 'limit');
      }));

    test('concurrent creates, from one store and from two, never exceed the limit', () =>
      withStore(async (store, reopen) => {
        await store.pools.create(pool('p1'), [], 10);
        const other = reopen ? await reopen() : store;
        const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? store : other).groups.create(group('p1', `g${i}`), 5)));
        assert.equal(results.filter((r) => r === 'ok').length, 5);
        assert.equal(results.filter((r) => r === 'limit').length, 7);
        assert.equal((await store.groups.list('p1', 100)).items.length, 5);
        const same = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? store : other).groups.create(group('p1', 'same'), 100)));
        assert.deepEqual([...same].sort(), ['exists', 'exists', 'exists', 'exists', 'exists', 'ok']);
      }));

    test('list pages a pool’s groups by name, byte-wise, with stable cursors', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        for (const [i, name] of ['b', 'é', 'B', 'a', 'Z', 'ab', '0'].entries())
          assert.equal(await store.groups.create(group('p1', name, { createdAt: T0 - i }), 100), 'ok');
        await store.groups.create(group('p2', 'a'), 100);
        const expected = ['0', 'B', 'Z', 'a', 'ab', 'b', 'é'];
        const names: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.groups.list('p1', 3, cursor);
          names.push(...page.items.map((g) => g.name));
          if (page.next) assert.equal(page.items.length, 3);
          cursor = page.next;
        } while (cursor);
        assert.deepEqual(names, expected);
        const p1 = await store.groups.list('p1', 3);
        assert.deepEqual(p1.items[0], group('p1', '0', { createdAt: T0 - 6 }));
        // A cursor stays valid across writes.
        await store.groups.create(group('p1', 'A'), 100);
        await store.groups.delete('p1', '0');
        assert.deepEqual((await store.groups.list('p1', 3, p1.next)).items.map((g) => g.name), ['a', 'ab', 'b']);
        assert.equal((await store.groups.list('p1', 8)).next, undefined);
        assert.deepEqual(await store.groups.list('p3', 3), { items: [] });
        for (const bad of ['nope', '', encodeCursor(T0, 'a')]) await assert.rejects(store.groups.list('p1', 3, bad), InvalidCursorError);
      }));

    test('update writes description, role, precedence and updatedAt of the pool’s group only', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        const g = group('p1', 'g', { description: 'old', precedence: 3 });
        await store.groups.create(g, 10);
        await store.groups.create(group('p2', 'g'), 10);
        const next = { ...g, description: null, roleArn: 'arn:aws:iam::123456789012:role/r', precedence: 1, updatedAt: T0 + 9 };
        assert.equal(await store.groups.update(next), true);
        assert.deepEqual(await store.groups.get('p1', 'g'), next);
        assert.deepEqual(await store.groups.get('p2', 'g'), group('p2', 'g'));
        assert.equal(await store.groups.update(group('p1', 'missing')), false);
        assert.equal(await store.groups.get('p1', 'missing'), null);
        assert.equal(await store.groups.update(group('p3', 'g')), false);
      }));

    test('addMember is idempotent and answers limit at maxGroupsPerUser; removeMember', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        for (const name of ['a', 'b', 'c']) await store.groups.create(group('p1', name), 10);
        await store.users.create(user('p1', 'alice'));
        await store.users.create(user('p1', 'bob'));
        assert.equal(await store.groups.addMember('p1', 'a', 'alice', 2), 'ok');
        assert.equal(await store.groups.addMember('p1', 'a', 'alice', 2), 'ok');
        assert.equal(await store.groups.addMember('p1', 'b', 'alice', 2), 'ok');
        assert.equal(await store.groups.addMember('p1', 'c', 'alice', 2), 'limit');
        assert.equal(await store.groups.addMember('p1', 'b', 'alice', 2), 'ok', 'a member again, at the limit');
        assert.equal(await store.groups.addMember('p1', 'c', 'bob', 2), 'ok', 'the limit is per user');
        assert.deepEqual((await store.groups.allForUser('p1', 'alice')).map((g) => g.name), ['a', 'b']);

        assert.equal(await store.groups.removeMember('p1', 'a', 'alice'), true);
        assert.equal(await store.groups.removeMember('p1', 'a', 'alice'), false);
        assert.equal(await store.groups.removeMember('p1', 'a', 'nobody'), false);
        assert.equal(await store.groups.addMember('p1', 'c', 'alice', 2), 'ok');
        assert.deepEqual((await store.groups.allForUser('p1', 'alice')).map((g) => g.name), ['b', 'c']);

        // The user and the group must exist: otherwise nothing is stored.
        await assert.rejects(store.groups.addMember('p1', 'a', 'nobody', 5));
        await assert.rejects(store.groups.addMember('p1', 'nope', 'bob', 5));
        assert.deepEqual(await store.groups.allForUser('p1', 'nobody'), []);
        assert.deepEqual((await store.groups.allForUser('p1', 'bob')).map((g) => g.name), ['c']);
      }));

    test('concurrent addMember calls for one user, from one store and from two, never exceed the limit', () =>
      withStore(async (store, reopen) => {
        await store.pools.create(pool('p1'), [], 10);
        for (let i = 0; i < 10; i++) await store.groups.create(group('p1', `g${i}`), 100);
        await store.users.create(user('p1', 'alice'));
        const other = reopen ? await reopen() : store;
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? store : other).groups.addMember('p1', `g${i}`, 'alice', 4)));
        assert.equal(results.filter((r) => r === 'ok').length, 4);
        assert.equal((await store.groups.allForUser('p1', 'alice')).length, 4);
        const again = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? store : other).groups.addMember('p1', 'g0', 'nobody', 100).catch(() => 'threw')));
        assert.deepEqual(again, Array(6).fill('threw'));
      }));

    test('listForUser pages the user’s groups by name; allForUser returns them all; listMembers pages members in user order', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        const groups = ['e', 'a', 'C', 'd', 'b'].map((name, i) => group('p1', name, { precedence: i }));
        for (const g of groups) await store.groups.create(g, 10);
        await store.groups.create(group('p1', 'unjoined'), 10);
        await store.groups.create(group('p2', 'a'), 10);
        // Members created out of key order, with a createdAt tie.
        const members = [
          user('p1', 'mia', { createdAt: T0 + 2, attributes: { email: 'mia@example.com', 'custom:x': 'ü' } }),
          user('p1', 'Bea', { createdAt: T0 + 1 }),
          user('p1', 'zed', { createdAt: T0 + 0 }),
          user('p1', 'al', { createdAt: T0 + 2 }),
          user('p1', 'kim', { createdAt: T0 + 3, attributes: {} }),
        ];
        for (const u of members) await store.users.create(u);
        await store.users.create(user('p2', 'mia'));
        for (const g of groups) await store.groups.addMember('p1', g.name, 'mia', 100);
        for (const u of members) await store.groups.addMember('p1', 'a', u.usernameKey, 100);
        await store.groups.addMember('p2', 'a', 'mia', 100);

        const byName = ['C', 'a', 'b', 'd', 'e'].map((n) => groups.find((g) => g.name === n));
        const names: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.groups.listForUser('p1', 'mia', 2, cursor);
          names.push(...page.items.map((g) => g.name));
          cursor = page.next;
        } while (cursor);
        assert.deepEqual(names, ['C', 'a', 'b', 'd', 'e']);
        assert.deepEqual((await store.groups.listForUser('p1', 'mia', 10)).items, byName);
        assert.deepEqual(await store.groups.allForUser('p1', 'mia'), byName);
        assert.deepEqual(await store.groups.allForUser('p2', 'mia'), [group('p2', 'a')]);
        assert.deepEqual(await store.groups.allForUser('p1', 'kim'), [groups[1]]);
        assert.deepEqual(await store.groups.listForUser('p1', 'nobody', 10), { items: [] });

        const order = ['zed', 'Bea', 'al', 'mia', 'kim'];
        const keys: string[] = [];
        cursor = undefined;
        do {
          const page = await store.groups.listMembers('p1', 'a', 2, cursor);
          keys.push(...page.items.map((u) => u.usernameKey));
          cursor = page.next;
        } while (cursor);
        assert.deepEqual(keys, order);
        assert.deepEqual((await store.groups.listMembers('p1', 'a', 10)).items, order.map((k) => members.find((u) => u.usernameKey === k)));
        assert.deepEqual((await store.groups.listMembers('p1', 'e', 10)).items, [members[0]]);
        assert.deepEqual(await store.groups.listMembers('p1', 'unjoined', 10), { items: [] });
        assert.deepEqual((await store.groups.listMembers('p2', 'a', 10)).items, [user('p2', 'mia')]);

        for (const bad of ['nope', '']) {
          await assert.rejects(store.groups.listForUser('p1', 'mia', 2, bad), InvalidCursorError);
          await assert.rejects(store.groups.listMembers('p1', 'a', 2, bad), InvalidCursorError);
        }
      }));

    test('deleting a group removes its memberships; deleting a user removes theirs', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        for (const name of ['temp', 'stays']) await store.groups.create(group('p1', name), 10);
        for (const k of ['alice', 'bob']) await store.users.create(user('p1', k));
        for (const k of ['alice', 'bob']) for (const g of ['temp', 'stays']) await store.groups.addMember('p1', g, k, 10);

        assert.equal(await store.groups.delete('p1', 'temp'), true);
        assert.equal(await store.groups.get('p1', 'temp'), null);
        assert.equal(await store.groups.delete('p1', 'temp'), false);
        assert.deepEqual((await store.groups.allForUser('p1', 'alice')).map((g) => g.name), ['stays']);
        // A group created again under the name starts empty.
        await store.groups.create(group('p1', 'temp'), 10);
        assert.deepEqual(await store.groups.listMembers('p1', 'temp', 10), { items: [] });

        assert.equal(await store.users.delete('p1', 'alice'), true);
        assert.deepEqual((await store.groups.listMembers('p1', 'stays', 10)).items.map((u) => u.usernameKey), ['bob']);
        // A user created again under the key belongs to nothing, and the memberships no longer count to a limit.
        await store.users.create(user('p1', 'alice'));
        assert.deepEqual(await store.groups.allForUser('p1', 'alice'), []);
        assert.equal(await store.groups.addMember('p1', 'temp', 'alice', 1), 'ok');
      }));

    test('deleting a pool deletes its groups and memberships, and nothing of other pools', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        for (const p of ['p1', 'p2']) {
          await store.groups.create(group(p, 'g'), 10);
          await store.users.create(user(p, 'alice'));
          await store.groups.addMember(p, 'g', 'alice', 10);
        }
        assert.equal(await store.pools.delete('p1'), true);
        assert.equal(await store.groups.get('p1', 'g'), null);
        assert.deepEqual(await store.groups.list('p1', 10), { items: [] });
        assert.deepEqual(await store.groups.allForUser('p1', 'alice'), []);
        assert.deepEqual(await store.groups.get('p2', 'g'), group('p2', 'g'));
        assert.deepEqual((await store.groups.listMembers('p2', 'g', 10)).items, [user('p2', 'alice')]);

        await store.pools.create(pool('p1'), [], 10);
        assert.deepEqual(await store.groups.list('p1', 10), { items: [] });
        assert.equal(await store.groups.create(group('p1', 'g'), 1), 'ok');
      }));
  });
}
