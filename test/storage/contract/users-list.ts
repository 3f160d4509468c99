// Storage contract for users.list: ListUsers paging, every filter, cursors, and index-only query plans.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { UserRecord } from '../../../src/storage/records.ts';
import { encodeCursor, InvalidCursorError, type Store, type UserFilter } from '../../../src/storage/store.ts';
import { pool, user, T0, type WithStore } from './fixtures.ts';

export function usersListContract(withStore: WithStore): void {
  describe('users.list', () => {
    /** Every page of users.list, following next until the end. */
    const allPages = async (store: Store, poolId: string, filter: UserFilter | undefined, limit: number) => {
      const keys: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.users.list(poolId, { filter, limit, cursor });
        assert.ok(page.items.length <= limit);
        if (page.next) assert.equal(page.items.length, limit, 'only the last page is short');
        keys.push(...page.items.map((u) => u.usernameKey));
        cursor = page.next;
        assert.ok(++pages < 1_000);
      } while (cursor);
      return keys;
    };

    test('pages a pool’s users in (createdAt, usernameKey) order; users created or deleted between pages shift nothing', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        // Inserted out of order; ties on createdAt are broken by the key, byte-wise (upper case before lower case).
        const spec: [string, number][] = [
          ['k', 5],
          ['a', 1],
          ['c', 3],
          ['C', 3],
          ['b', 3],
          ['e', 4],
          ['d', 2],
          ['g', 6],
          ['f', 6],
          ['h', 7],
          ['i', 8],
        ];
        const made = new Map<string, UserRecord>();
        for (const [k, t] of spec) {
          const u = user('p1', k, { createdAt: T0 + t, attributes: { email: `${k}@example.com`, 'custom:n': String(t) } });
          made.set(k, u);
          assert.equal(await store.users.create(u), 'ok');
          assert.equal(await store.users.create(user('p2', k, { createdAt: T0 + t })), 'ok');
        }
        const expected = ['a', 'd', 'C', 'b', 'c', 'e', 'k', 'f', 'g', 'h', 'i'];
        assert.deepEqual(await allPages(store, 'p1', undefined, 3), expected);
        assert.deepEqual(await allPages(store, 'p1', undefined, 1), expected);

        // Items are whole records, attributes included; the same cursor gives the same page.
        const p1 = await store.users.list('p1', { limit: 3 });
        assert.deepEqual(p1.items, ['a', 'd', 'C'].map((k) => made.get(k)));
        assert.deepEqual(await store.users.list('p1', { limit: 3, cursor: p1.next }), await store.users.list('p1', { limit: 3, cursor: p1.next }));

        // Between pages: a user created before the cursor is not shown (it would shift nothing), one created after the
        // end is; a user deleted after being listed changes nothing; one deleted before its turn is simply gone.
        const seen = p1.items.map((u) => u.usernameKey);
        let cursor = p1.next;
        let round = 0;
        while (cursor) {
          round++;
          if (round === 1) {
            assert.equal(await store.users.create(user('p1', 'early', { createdAt: T0 })), 'ok');
            assert.equal(await store.users.create(user('p1', 'late', { createdAt: T0 + 9 })), 'ok');
            assert.equal(await store.users.create(user('p1', 'b0', { createdAt: T0 + 3 })), 'ok', 'after the cursor (C) in the tie');
          }
          if (round === 2) {
            assert.equal(await store.users.delete('p1', 'a'), true);
            assert.equal(await store.users.delete('p1', 'h'), true);
          }
          const page = await store.users.list('p1', { limit: 3, cursor });
          seen.push(...page.items.map((u) => u.usernameKey));
          cursor = page.next;
        }
        assert.deepEqual(seen, ['a', 'd', 'C', 'b', 'b0', 'c', 'e', 'k', 'f', 'g', 'i', 'late']);
        assert.equal(new Set(seen).size, seen.length, 'no user twice');

        // A page that is exactly full has no next; a large limit returns everything; another pool's users stay apart.
        const count = await store.users.count('p1');
        assert.equal((await store.users.list('p1', { limit: count })).next, undefined);
        assert.equal((await store.users.list('p1', { limit: 1000 })).items.length, count);
        assert.deepEqual(await allPages(store, 'p2', undefined, 4), expected);
        assert.deepEqual(await store.users.list('none', { limit: 3 }), { items: [] });
        // A cursor is a keyset position: one made for a position with no user pages from there.
        assert.deepEqual(
          (await store.users.list('p1', { limit: 2, cursor: encodeCursor(T0 + 3, 'bz') })).items.map((u) => u.usernameKey),
          ['c', 'e'],
        );
      }));

    test('rejects a cursor it did not make with InvalidCursorError, filtered or not', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.users.create(user('p1', 'alice'));
        const bad = ['not-a-cursor', '', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('["1","x"]').toString('base64url')];
        for (const cursor of bad) {
          await assert.rejects(store.users.list('p1', { limit: 3, cursor }), InvalidCursorError, `cursor ${JSON.stringify(cursor)}`);
          await assert.rejects(
            store.users.list('p1', { limit: 3, cursor, filter: { field: 'attribute', name: 'email', op: '^=', value: 'a' } }),
            InvalidCursorError,
          );
          await assert.rejects(store.users.list('p1', { limit: 3, cursor, filter: { field: 'status', op: '=', value: 'CONFIRMED' } }), InvalidCursorError);
        }
      }));

    /** Five users of p1 in list order zoë, alice, albert, Alfred, bob; and p2's alice, who matches many of the same filters. */
    const filterFixture = async (store: Store) => {
      await store.pools.create(pool('p1'), [], 10);
      await store.pools.create(pool('p2'), [], 10);
      const users = [
        user('p1', 'alice', {
          createdAt: T0 + 1,
          sub: 'aaaa-0001',
          status: 'CONFIRMED',
          enabled: true,
          attributes: { email: 'Alice@Example.com', name: 'Alice Ä', 'custom:tier': 'gold', 'custom:edge': 'a\u{10FFFF}' },
        }),
        user('p1', 'albert', {
          createdAt: T0 + 2,
          sub: 'aaab-0002',
          status: 'UNCONFIRMED',
          enabled: false,
          attributes: { email: 'albert@example.com', 'custom:tier': 'Gold', 'custom:edge': 'a\u{10FFFF}z' },
        }),
        user('p1', 'Alfred', {
          createdAt: T0 + 3,
          sub: 'bbbb-0003',
          status: 'FORCE_CHANGE_PASSWORD',
          enabled: true,
          attributes: { email: 'ALFRED@example.org', name: 'alfred', 'custom:edge': 'b' },
        }),
        user('p1', 'bob', {
          createdAt: T0 + 3,
          sub: 'abcd-0004',
          status: 'CONFIRMED',
          enabled: false,
          attributes: { email: 'bob@example.com', phone_number: '+15550100', 'custom:edge': '\uFFFFx' },
        }),
        user('p1', 'zoë', {
          createdAt: T0,
          sub: 'cccc-0005',
          status: 'RESET_REQUIRED',
          enabled: true,
          attributes: { email: 'zoë@exämple.com', name: 'Zoë 🙂', 'custom:edge': '\u{10000}y' },
        }),
      ];
      for (const u of users) assert.equal(await store.users.create(u), 'ok');
      const other = user('p2', 'alice', {
        sub: 'aaaa-0001',
        attributes: { email: 'Alice@Example.com', name: 'Alice Ä', 'custom:tier': 'gold', phone_number: '+15550100' },
      });
      assert.equal(await store.users.create(other), 'ok');
      return { byKey: new Map(users.map((u) => [u.usernameKey, u])), other };
    };
    const keysOf = async (store: Store, filter: UserFilter, poolId = 'p1') =>
      (await store.users.list(poolId, { filter, limit: 100 })).items.map((u) => u.usernameKey);

    test('filters on username, sub, status and enabled: = and ^=', () =>
      withStore(async (store) => {
        const { byKey } = await filterFixture(store);
        const cases: [UserFilter, string[]][] = [
          [{ field: 'username', op: '=', value: 'alice' }, ['alice']],
          [{ field: 'username', op: '=', value: 'Alice' }, []],
          [{ field: 'username', op: '=', value: 'Alfred' }, ['Alfred']],
          [{ field: 'username', op: '^=', value: 'al' }, ['alice', 'albert']],
          [{ field: 'username', op: '^=', value: 'A' }, ['Alfred']],
          [{ field: 'username', op: '^=', value: 'zo' }, ['zoë']],
          [{ field: 'username', op: '^=', value: 'zoë' }, ['zoë']],
          [{ field: 'username', op: '^=', value: 'alicex' }, []],
          [{ field: 'username', op: '^=', value: '' }, ['zoë', 'alice', 'albert', 'Alfred', 'bob']],
          [{ field: 'sub', op: '=', value: 'aaaa-0001' }, ['alice']],
          [{ field: 'sub', op: '=', value: 'aaaa' }, []],
          [{ field: 'sub', op: '^=', value: 'aaa' }, ['alice', 'albert']],
          [{ field: 'sub', op: '^=', value: 'a' }, ['alice', 'albert', 'bob']],
          [{ field: 'status', op: '=', value: 'CONFIRMED' }, ['alice', 'bob']],
          [{ field: 'status', op: '=', value: 'CONFIRM' }, []],
          [{ field: 'status', op: '^=', value: 'CONF' }, ['alice', 'bob']],
          [{ field: 'status', op: '^=', value: 'UN' }, ['albert']],
          [{ field: 'status', op: '^=', value: 'R' }, ['zoë']],
          [{ field: 'status', op: '^=', value: 'X' }, []],
          [{ field: 'enabled', op: '=', value: 'Enabled' }, ['zoë', 'alice', 'Alfred']],
          [{ field: 'enabled', op: '=', value: 'Disabled' }, ['albert', 'bob']],
          [{ field: 'enabled', op: '=', value: 'enabled' }, []],
          [{ field: 'enabled', op: '=', value: 'true' }, []],
          [{ field: 'enabled', op: '^=', value: 'Dis' }, ['albert', 'bob']],
          [{ field: 'enabled', op: '^=', value: 'E' }, ['zoë', 'alice', 'Alfred']],
          [{ field: 'enabled', op: '^=', value: '' }, ['zoë', 'alice', 'albert', 'Alfred', 'bob']],
          // caseInsensitive folds the value: keys of case-insensitive pools and subs are lower case, statuses upper.
          [{ field: 'username', op: '^=', value: 'AL', caseInsensitive: true }, ['alice', 'albert']],
          [{ field: 'sub', op: '=', value: 'AAAA-0001', caseInsensitive: true }, ['alice']],
          [{ field: 'status', op: '=', value: 'confirmed', caseInsensitive: true }, ['alice', 'bob']],
          [{ field: 'status', op: '=', value: 'confirmed' }, []],
          [{ field: 'enabled', op: '=', value: 'disabled', caseInsensitive: true }, ['albert', 'bob']],
        ];
        for (const [filter, keys] of cases) assert.deepEqual(await keysOf(store, filter), keys, JSON.stringify(filter));
        // Whole records, attributes assembled.
        assert.deepEqual((await store.users.list('p1', { filter: { field: 'status', op: '=', value: 'CONFIRMED' }, limit: 10 })).items, [
          byKey.get('alice'),
          byKey.get('bob'),
        ]);
      }));

    test('filters on an attribute: = and ^=, exact or case-insensitive, on that attribute only', () =>
      withStore(async (store) => {
        const { byKey } = await filterFixture(store);
        const email = (op: '=' | '^=', value: string, caseInsensitive = false): UserFilter => ({ field: 'attribute', name: 'email', op, value, caseInsensitive });
        const cases: [UserFilter, string[]][] = [
          [email('=', 'bob@example.com'), ['bob']],
          [email('=', 'BOB@example.com'), []],
          [email('=', 'BOB@EXAMPLE.COM', true), ['bob']],
          [email('=', 'bob@example'), []],
          [email('^=', 'al'), ['albert']],
          [email('^=', 'al', true), ['alice', 'albert', 'Alfred']],
          [email('^=', 'ALFRED@'), ['Alfred']],
          [email('^=', 'zoë@exä'), ['zoë']],
          [email('^=', 'ZOË@EXÄ', true), ['zoë']],
          [email('^=', 'bob@example.com'), ['bob']],
          [email('^=', 'bob@example.comx'), []],
          [email('^=', ''), ['zoë', 'alice', 'albert', 'Alfred', 'bob']],
          [{ field: 'attribute', name: 'phone_number', op: '^=', value: '' }, ['bob']],
          [{ field: 'attribute', name: 'phone_number', op: '^=', value: '+1555' }, ['bob']],
          [{ field: 'attribute', name: 'name', op: '^=', value: 'al', caseInsensitive: true }, ['alice', 'Alfred']],
          [{ field: 'attribute', name: 'name', op: '=', value: 'alice ä', caseInsensitive: true }, ['alice']],
          [{ field: 'attribute', name: 'custom:tier', op: '=', value: 'gold' }, ['alice']],
          [{ field: 'attribute', name: 'custom:tier', op: '=', value: 'GOLD', caseInsensitive: true }, ['alice', 'albert']],
          // Another attribute holding the value does not match; neither does an attribute no one has.
          [{ field: 'attribute', name: 'name', op: '=', value: 'alfred' }, ['Alfred']],
          [email('=', 'alfred', true), []],
          [{ field: 'attribute', name: 'nickname', op: '^=', value: '' }, []],
          // Prefixes compare by code point (UTF-8 byte order), at the edges of the code space too.
          [{ field: 'attribute', name: 'custom:edge', op: '^=', value: 'a\u{10FFFF}' }, ['alice', 'albert']],
          [{ field: 'attribute', name: 'custom:edge', op: '^=', value: 'a' }, ['alice', 'albert']],
          [{ field: 'attribute', name: 'custom:edge', op: '^=', value: '\uFFFF' }, ['bob']],
          [{ field: 'attribute', name: 'custom:edge', op: '^=', value: '\u{10000}' }, ['zoë']],
          [{ field: 'attribute', name: 'custom:edge', op: '^=', value: '\u{10FFFF}' }, []],
        ];
        for (const [filter, keys] of cases) assert.deepEqual(await keysOf(store, filter), keys, JSON.stringify(filter));
        assert.deepEqual((await store.users.list('p1', { filter: email('^=', 'AL', true), limit: 10 })).items, [
          byKey.get('alice'),
          byKey.get('albert'),
          byKey.get('Alfred'),
        ]);
      }));

    test('filters never reach into another pool', () =>
      withStore(async (store) => {
        const { byKey, other } = await filterFixture(store);
        const filters: UserFilter[] = [
          { field: 'username', op: '=', value: 'alice' },
          { field: 'username', op: '^=', value: 'ali' },
          { field: 'sub', op: '=', value: 'aaaa-0001' },
          { field: 'sub', op: '^=', value: 'aaaa' },
          { field: 'status', op: '=', value: 'CONFIRMED' },
          { field: 'status', op: '^=', value: 'CONF' },
          { field: 'enabled', op: '=', value: 'Enabled' },
          { field: 'attribute', name: 'email', op: '=', value: 'Alice@Example.com' },
          { field: 'attribute', name: 'email', op: '^=', value: 'alice@', caseInsensitive: true },
          { field: 'attribute', name: 'custom:tier', op: '=', value: 'gold' },
        ];
        for (const filter of filters) {
          const p1 = (await store.users.list('p1', { filter, limit: 10 })).items;
          assert.ok(p1.every((u) => u.poolId === 'p1'), JSON.stringify(filter));
          assert.ok(p1.some((u) => u.usernameKey === 'alice'));
          assert.deepEqual((await store.users.list('p2', { filter, limit: 10 })).items, [other], JSON.stringify(filter));
          assert.deepEqual(await store.users.list('p3', { filter, limit: 10 }), { items: [] });
        }
        // p2's alice has bob's phone number, and stays in p2.
        assert.deepEqual(await keysOf(store, { field: 'attribute', name: 'phone_number', op: '=', value: '+15550100' }), ['bob']);
        assert.deepEqual(await keysOf(store, { field: 'username', op: '=', value: 'alice' }), [byKey.get('alice')!.usernameKey]);
      }));

    test('filtered pages follow the same order and cursors, ties included, while users are added', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        // Twelve users in four createdAt ties; every third one is gold; half are CONFIRMED.
        const made: UserRecord[] = [];
        for (let i = 11; i >= 0; i--) {
          const u = user('p1', `u${String(i).padStart(2, '0')}`, {
            createdAt: T0 + Math.floor(i / 3),
            status: i % 2 ? 'CONFIRMED' : 'UNCONFIRMED',
            enabled: i % 4 !== 0,
            attributes: { email: `u${i}@example.com`, 'custom:tier': i % 3 ? 'silver' : 'Gold' },
          });
          made.unshift(u);
          assert.equal(await store.users.create(u), 'ok');
        }
        const keys = (pred: (u: UserRecord) => boolean) => made.filter(pred).map((u) => u.usernameKey);
        const cases: [UserFilter, string[]][] = [
          [{ field: 'attribute', name: 'custom:tier', op: '=', value: 'silver' }, keys((u) => u.attributes['custom:tier'] === 'silver')],
          [{ field: 'attribute', name: 'custom:tier', op: '=', value: 'gold', caseInsensitive: true }, keys((u) => u.attributes['custom:tier'] === 'Gold')],
          [{ field: 'attribute', name: 'email', op: '^=', value: 'u1' }, keys((u) => u.attributes.email!.startsWith('u1'))],
          [{ field: 'status', op: '=', value: 'CONFIRMED' }, keys((u) => u.status === 'CONFIRMED')],
          [{ field: 'status', op: '^=', value: 'UN' }, keys((u) => u.status === 'UNCONFIRMED')],
          [{ field: 'enabled', op: '=', value: 'Enabled' }, keys((u) => u.enabled)],
          [{ field: 'username', op: '^=', value: 'u0' }, keys((u) => u.usernameKey.startsWith('u0'))],
        ];
        for (const [filter, expected] of cases) {
          assert.ok(expected.length >= 3, JSON.stringify(filter));
          for (const limit of [1, 2, 5]) assert.deepEqual(await allPages(store, 'p1', filter, limit), expected, `${JSON.stringify(filter)} by ${limit}`);
        }

        // Users that match, created between pages: those after the cursor are shown once, those before it not at all.
        const silver: UserFilter = { field: 'attribute', name: 'custom:tier', op: '=', value: 'silver' };
        const first = await store.users.list('p1', { filter: silver, limit: 3 });
        const seen = first.items.map((u) => u.usernameKey);
        assert.deepEqual(seen, ['u01', 'u02', 'u04']);
        for (const [k, t] of [['new-early', 0], ['u04a', 1], ['new-late', 9]] as const)
          assert.equal(await store.users.create(user('p1', k, { createdAt: T0 + t, attributes: { 'custom:tier': 'silver' } })), 'ok');
        let cursor = first.next;
        while (cursor) {
          const page = await store.users.list('p1', { filter: silver, limit: 3, cursor });
          seen.push(...page.items.map((u) => u.usernameKey));
          cursor = page.next;
        }
        assert.deepEqual(seen, ['u01', 'u02', 'u04', 'u04a', 'u05', 'u07', 'u08', 'u10', 'u11', 'new-late']);
      }));

    test('an update keeps the user’s place in filtered lists and moves them between filters', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        const a = user('p1', 'a', { createdAt: T0 + 1, attributes: { email: 'a@example.com', 'custom:team': 'red' } });
        const b = user('p1', 'b', { createdAt: T0 + 2, attributes: { email: 'b@example.com', 'custom:team': 'blue' } });
        const c = user('p1', 'c', { createdAt: T0 + 3, attributes: { email: 'c@example.com', 'custom:team': 'red' } });
        for (const u of [a, b, c]) await store.users.create(u);
        const a2: UserRecord = { ...a, status: 'RESET_REQUIRED', enabled: false, attributes: { email: 'a@example.com', 'custom:team': 'blue' }, version: 2, updatedAt: T0 + 50 };
        const c2: UserRecord = { ...c, attributes: { email: 'c@example.com', 'custom:team': 'Blue' }, version: 2, updatedAt: T0 + 60 };
        assert.equal(await store.users.update(c2), true);
        assert.equal(await store.users.update(a2), true);
        const team = (value: string, caseInsensitive = false): UserFilter => ({ field: 'attribute', name: 'custom:team', op: '=', value, caseInsensitive });
        assert.deepEqual((await store.users.list('p1', { filter: team('blue'), limit: 10 })).items, [a2, b]);
        assert.deepEqual(await keysOf(store, team('BLUE', true)), ['a', 'b', 'c']);
        assert.deepEqual(await keysOf(store, team('red')), []);
        assert.deepEqual(await keysOf(store, { field: 'status', op: '=', value: 'RESET_REQUIRED' }), ['a']);
        assert.deepEqual(await keysOf(store, { field: 'status', op: '=', value: 'CONFIRMED' }), ['b', 'c']);
        assert.deepEqual(await keysOf(store, { field: 'enabled', op: '=', value: 'Disabled' }), ['a']);
        assert.deepEqual((await store.users.list('p1', { limit: 10 })).items, [a2, b, c2]);
        // Paging a filter by one: the updated users keep their creation-order places.
        assert.deepEqual(await allPages(store, 'p1', team('blue', true), 1), ['a', 'b', 'c']);
      }));

    test('a prefix longer than an index entry holds is compared whole', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        // As the findByAttribute test: 2048 characters that do not compress, and a twin differing in the last one.
        const long = Array.from({ length: 2048 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20_000))).join('');
        const twin = long.slice(0, 2047) + 'Ä';
        await store.users.create(user('p1', 'a', { attributes: { 'custom:long': long } }));
        await store.users.create(user('p1', 'b', { createdAt: T0 + 1, attributes: { 'custom:long': twin } }));
        await store.users.create(user('p1', 'c', { createdAt: T0 + 2, attributes: { 'custom:long': long.slice(0, 600) } }));
        const prefix = (value: string, caseInsensitive = false): UserFilter => ({ field: 'attribute', name: 'custom:long', op: '^=', value, caseInsensitive });
        assert.deepEqual(await keysOf(store, prefix(long.slice(0, 600))), ['a', 'b', 'c']);
        assert.deepEqual(await keysOf(store, prefix(long.slice(0, 601))), ['a', 'b']);
        assert.deepEqual(await keysOf(store, prefix(long.slice(0, 2047))), ['a', 'b']);
        assert.deepEqual(await keysOf(store, prefix(long)), ['a']);
        assert.deepEqual(await keysOf(store, prefix(twin)), ['b']);
        assert.deepEqual(await keysOf(store, prefix(twin.toUpperCase(), true)), ['b']);
        assert.deepEqual(await keysOf(store, prefix(long + 'x')), []);
        assert.deepEqual(await keysOf(store, { field: 'attribute', name: 'custom:long', op: '=', value: long.slice(0, 600) }), ['c']);
        assert.deepEqual(await keysOf(store, { field: 'attribute', name: 'custom:long', op: '=', value: twin }), ['b']);
      }));

    test('every filter reads index ranges, never a whole table (query plans over 2,000 users)', (t) =>
      withStore(async (store, _reopen, target) => {
        const explain = target.explainListUsers;
        if (!explain) return t.skip('this backend shows no query plans');
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        const statuses = ['CONFIRMED', 'UNCONFIRMED', 'FORCE_CHANGE_PASSWORD', 'RESET_REQUIRED'] as const;
        const N = 2_000;
        // Four writers at once: a PostgreSQL store runs them on four connections.
        await Promise.all(
          Array.from({ length: 4 }, async (_, w) => {
            for (let i = w; i < N; i += 4) {
              const u = user(i % 10 === 9 ? 'p2' : 'p1', `user${String(i).padStart(5, '0')}`, {
                sub: `${(i * 2_654_435_761 % 4_294_967_296).toString(16).padStart(8, '0')}-${i}`,
                status: statuses[i % 4]!,
                enabled: i % 7 !== 0,
                createdAt: T0 + i,
                attributes: { email: `User${i}@Example.com`, email_verified: 'true', 'custom:tier': ['gold', 'silver', 'bronze'][i % 3]! },
              });
              assert.equal(await store.users.create(u), 'ok');
            }
          }),
        );
        await target.analyze?.();

        const ranges: [UserFilter | undefined, string | null][] = [
          [undefined, 'users_pool_created'],
          [{ field: 'username', op: '=', value: 'user00011' }, null],
          [{ field: 'username', op: '^=', value: 'user0001' }, null],
          [{ field: 'sub', op: '=', value: 'ab' }, null],
          [{ field: 'sub', op: '^=', value: 'ab' }, null],
          [{ field: 'status', op: '=', value: 'CONFIRMED' }, 'users_pool_status'],
          [{ field: 'status', op: '^=', value: 'RESET' }, null],
          [{ field: 'enabled', op: '=', value: 'Disabled' }, 'users_pool_enabled'],
          [{ field: 'attribute', name: 'email', op: '=', value: 'User5@Example.com' }, 'user_attributes_value'],
          [{ field: 'attribute', name: 'email', op: '^=', value: 'User12' }, 'user_attributes_value'],
          [{ field: 'attribute', name: 'email', op: '=', value: 'user5@example.com', caseInsensitive: true }, 'user_attributes_value_ci'],
          [{ field: 'attribute', name: 'email', op: '^=', value: 'USER12', caseInsensitive: true }, 'user_attributes_value_ci'],
          [{ field: 'attribute', name: 'custom:tier', op: '=', value: 'gold' }, 'user_attributes_value'],
          [{ field: 'attribute', name: 'email_verified', op: '=', value: 'true', caseInsensitive: true }, 'user_attributes_value_ci'],
        ];
        // SQLite: "SCAN users" walks a table (or "SCAN users USING INDEX", a whole index); SEARCH is a range.
        // PostgreSQL: "Seq Scan on users".
        const fullScan = /\bSCAN (users|user_attributes)\b|Seq Scan on (users|user_attributes)\b/;
        const uses = (plan: string, index: string) =>
          new RegExp(`(USING (COVERING )?INDEX|Index Scan using|Index Only Scan using|Bitmap Index Scan on) ${index}\\b`).test(plan);
        const first = await store.users.list('p1', { limit: 60 });
        for (const cursor of [undefined, first.next]) {
          for (const [filter, index] of ranges) {
            const plan = await explain('p1', { filter, limit: 60, cursor });
            assert.doesNotMatch(plan, fullScan, `${JSON.stringify(filter)}:\n${plan}`);
            if (index) assert.ok(uses(plan, index), `${JSON.stringify(filter)} reads ${index}:\n${plan}`);
          }
        }
        // And the pages those plans read are right.
        const gold = await store.users.list('p1', { filter: { field: 'attribute', name: 'custom:tier', op: '=', value: 'gold' }, limit: 60 });
        assert.equal(gold.items.length, 60);
        assert.deepEqual(
          gold.items.map((u) => u.usernameKey),
          Array.from({ length: N }, (_, i) => i)
            .filter((i) => i % 10 !== 9 && i % 3 === 0)
            .slice(0, 60)
            .map((i) => `user${String(i).padStart(5, '0')}`),
        );
        assert.equal((await store.users.list('p1', { filter: { field: 'attribute', name: 'email', op: '^=', value: 'user12', caseInsensitive: true }, limit: 200 })).items.length, 100);
      }));
  });
}
