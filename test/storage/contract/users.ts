// Storage contract for users and their attributes: round trips, lookups, versioned update, delete.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { UserRecord } from '../../../src/storage/records.ts';
import { pool, user, code, session, refresh, T0, type WithStore } from './fixtures.ts';

export function usersContract(withStore: WithStore): void {
  describe('users', () => {
    test('importMany inserts in one call, skips existing usernames and subs, and the users read back exactly', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        const existing = user('p1', 'taken', { sub: '00000000-0000-4000-8000-000000000001' });
        assert.equal(await store.users.create(existing), 'ok');
        const batch = Array.from({ length: 50 }, (_, i) =>
          user('p1', `imp${String(i).padStart(3, '0')}`, {
            sub: `00000000-0000-4000-8000-${String(1000 + i).padStart(12, '0')}`,
            attributes: { email: `imp${i}@example.com`, 'custom:n': String(i) },
            createdAt: T0 + i,
          }),
        );
        const clashes = [user('p1', 'taken', { sub: '00000000-0000-4000-8000-000000000099' }), user('p1', 'other', { sub: existing.sub })];
        assert.equal(await store.users.importMany([...batch, ...clashes]), 50);
        assert.equal(await store.users.count('p1'), 51);
        for (const u of [batch[0]!, batch[49]!]) assert.deepEqual(await store.users.get('p1', u.usernameKey), u);
        assert.deepEqual((await store.users.get('p1', 'taken'))!.sub, existing.sub);
        assert.equal(await store.users.get('p1', 'other'), null);
        assert.equal(await store.users.importMany([]), 0);
        // Of two rows with one username, the first clashes on its sub and is skipped: the second is stored whole.
        const skipped = user('p1', 'dup', { sub: existing.sub, attributes: { email: 'first@example.com' } });
        const kept = user('p1', 'dup', { sub: '00000000-0000-4000-8000-000000000077', attributes: { email: 'second@example.com' } });
        assert.equal(await store.users.importMany([skipped, kept]), 1);
        assert.deepEqual(await store.users.get('p1', 'dup'), kept);
      }));

    test('create then get and getBySub round-trip the record exactly (unicode attributes, MFA document, nulls)', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        const u = user('p1', 'ünïcödé-用户', {
          username: 'Ünïcödé-用户',
          sub: '0f1e2d3c-4b5a-4978-8697-a5b4c3d2e1f0',
          status: 'FORCE_CHANGE_PASSWORD',
          enabled: false,
          attributes: {
            email: 'Ünï@Example.COM',
            email_verified: 'false',
            name: 'Zoë 山田 🙂 "quoted" \\ back\\slash\nnew line',
            'custom:empty': '',
            'custom:ünïcode': 'välue',
            phone_number: '+15555550100',
          },
          mfa: { preferred: 'SOFTWARE_TOKEN_MFA', enabled: ['SOFTWARE_TOKEN_MFA', 'SMS_MFA'], smsMfa: false, nested: { n: 1.5, x: null } },
          passwordSetAt: T0 + 3,
          createdAt: T0 + 1,
          updatedAt: T0 + 2,
          version: 4,
        });
        assert.equal(await store.users.create(u), 'ok');
        assert.deepEqual(await store.users.get('p1', u.usernameKey), u);
        assert.deepEqual(await store.users.getBySub('p1', u.sub), u);

        const bare = user('p1', 'federated', { attributes: {}, credentialsSealed: null, passwordSetAt: null, status: 'EXTERNAL_PROVIDER' });
        assert.equal(await store.users.create(bare), 'ok');
        assert.deepEqual(await store.users.get('p1', 'federated'), bare);

        assert.equal(await store.users.get('p1', 'missing'), null);
        assert.equal(await store.users.get('p1', 'Ünïcödé-用户'), null, 'get looks up the key, not the username');
        assert.equal(await store.users.get('p2', u.usernameKey), null, 'users belong to one pool');
        assert.equal(await store.users.getBySub('p2', u.sub), null);
        assert.equal(await store.users.getBySub('p1', 'missing'), null);
      }));

    test("create answers 'exists' on a taken usernameKey or sub in the pool and stores nothing of the loser", () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        const first = user('p1', 'alice', { sub: 'sub-1' });
        assert.equal(await store.users.create(first), 'ok');

        const sameKey = user('p1', 'alice', { username: 'Alice', sub: 'sub-2', attributes: { email: 'loser-key@example.com' } });
        assert.equal(await store.users.create(sameKey), 'exists');
        const sameSub = user('p1', 'bob', { sub: 'sub-1', attributes: { email: 'loser-sub@example.com' } });
        assert.equal(await store.users.create(sameSub), 'exists');

        assert.deepEqual(await store.users.get('p1', 'alice'), first);
        assert.equal(await store.users.get('p1', 'bob'), null);
        assert.equal(await store.users.getBySub('p1', 'sub-2'), null);
        assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'loser-key@example.com', false), []);
        assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'loser-sub@example.com', false), []);
        assert.equal(await store.users.count('p1'), 1);

        // Keys and subs are unique per pool only; and keys compare exactly (case folding is the domain's).
        assert.equal(await store.users.create(user('p2', 'alice', { sub: 'sub-1' })), 'ok');
        assert.equal(await store.users.create(user('p1', 'Alice', { sub: 'sub-3' })), 'ok');
        assert.equal(await store.users.count('p1'), 2);
      }));

    test('findByAttribute matches exactly or case-insensitively, across users, within the pool and attribute only', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        const a = user('p1', 'a', { createdAt: T0 + 3, attributes: { email: 'Shared@Example.com', phone_number: '+15550001' } });
        const b = user('p1', 'b', { createdAt: T0 + 1, attributes: { email: 'shared@example.com', email_verified: 'true' } });
        const c = user('p1', 'c', { createdAt: T0 + 2, attributes: { email: 'SHARED@EXAMPLE.COM', preferred_username: 'shared@example.com' } });
        const d = user('p1', 'd', { createdAt: T0, attributes: { email: 'Ünï@Exämple.com' } });
        const other = user('p2', 'x', { attributes: { email: 'shared@example.com' } });
        for (const u of [a, b, c, d, other]) assert.equal(await store.users.create(u), 'ok');

        assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'shared@example.com', false), [b]);
        assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'SHARED@EXAMPLE.COM', false), [c]);
        // Several matches come back whole, oldest first.
        assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'sHaReD@eXaMpLe.CoM', true), [b, c, a]);
        assert.deepEqual(await store.users.findByAttribute('p2', 'email', 'Shared@Example.com', true), [other]);
        // Case folding is Unicode-wide, as JavaScript's toLowerCase (and so usernameKey) folds.
        assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'ÜNÏ@EXÄMPLE.COM', true), [d]);
        assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'ÜNÏ@EXÄMPLE.COM', false), []);
        // Another attribute holding the same value does not match; neither does a prefix or another pool.
        assert.deepEqual(await store.users.findByAttribute('p1', 'preferred_username', 'shared@example.com', false), [c]);
        assert.deepEqual(await store.users.findByAttribute('p1', 'phone_number', '+1555000', false), []);
        assert.deepEqual(await store.users.findByAttribute('p1', 'phone_number', '+15550001', true), [a]);
        assert.deepEqual(await store.users.findByAttribute('p3', 'email', 'shared@example.com', true), []);
        assert.deepEqual(await store.users.findByAttribute('p1', 'nickname', 'shared@example.com', true), []);
      }));

    test('a 2048-character multi-byte value is stored and found whole, not by its first characters', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        // Cognito's longest attribute value, in characters that do not compress (8 KiB of UTF-8): more than an index entry holds.
        const long = Array.from({ length: 2048 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20_000))).join('');
        const twin = long.slice(0, 2047) + 'Ä';
        const a = user('p1', 'a', { attributes: { 'custom:long': long } });
        const b = user('p1', 'b', { createdAt: T0 + 1, attributes: { 'custom:long': twin } });
        assert.equal(await store.users.create(a), 'ok');
        assert.equal(await store.users.create(b), 'ok');
        assert.deepEqual(await store.users.get('p1', 'a'), a);
        assert.deepEqual(await store.users.findByAttribute('p1', 'custom:long', long, false), [a]);
        assert.deepEqual(await store.users.findByAttribute('p1', 'custom:long', twin, false), [b]);
        assert.deepEqual(await store.users.findByAttribute('p1', 'custom:long', twin.toLowerCase(), true), [b]);
        assert.deepEqual(await store.users.findByAttribute('p1', 'custom:long', long.slice(0, 2047), false), []);
      }));

    test('update is conditional on the version and replaces the attribute rows', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        const u = user('p1', 'alice', { attributes: { email: 'old@example.com', email_verified: 'true', 'custom:gone': 'x' } });
        await store.users.create(u);
        const v2: UserRecord = {
          ...u,
          status: 'RESET_REQUIRED',
          enabled: false,
          attributes: { email: 'New@Example.com', email_verified: 'false', given_name: 'Ålice' },
          credentialsSealed: 'sealed:v2',
          mfa: { preferred: 'EMAIL_OTP' },
          passwordSetAt: null,
          updatedAt: T0 + 10,
          version: 2,
        };
        assert.equal(await store.users.update(v2), true);
        assert.deepEqual(await store.users.get('p1', 'alice'), v2);
        assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'old@example.com', true), []);
        assert.deepEqual(await store.users.findByAttribute('p1', 'custom:gone', 'x', false), []);
        assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'new@example.com', true), [v2]);

        // A stale writer (read version 1) and one that skips a version both lose, attributes included.
        assert.equal(await store.users.update({ ...u, attributes: { email: 'stale@example.com' }, version: 2 }), false);
        assert.equal(await store.users.update({ ...v2, attributes: {}, version: 4 }), false);
        assert.deepEqual(await store.users.get('p1', 'alice'), v2);
        assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'stale@example.com', false), []);

        // All attributes removed.
        const v3 = { ...v2, attributes: {}, version: 3 };
        assert.equal(await store.users.update(v3), true);
        assert.deepEqual(await store.users.get('p1', 'alice'), v3);
        assert.equal(await store.users.update(user('p1', 'missing', { version: 2 })), false);
        assert.equal(await store.users.get('p1', 'missing'), null);
      }));

    test('concurrent updates from one version: exactly one wins', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        const u = user('p1', 'alice');
        await store.users.create(u);
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) => store.users.update({ ...u, attributes: { email: `w${i}@example.com` }, version: 2 })),
        );
        assert.equal(results.filter(Boolean).length, 1);
        const winner = results.indexOf(true);
        assert.deepEqual((await store.users.get('p1', 'alice'))!.attributes, { email: `w${winner}@example.com` });
      }));

    test('delete removes the user with their attributes, codes, sessions and refresh tokens, and nobody else’s', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        // A case-insensitive pool's user: the key differs from the username; codes and sessions may name either.
        const alice = user('p1', 'alice', { username: 'Alice' });
        const bob = user('p1', 'bob');
        const elsewhere = user('p2', 'alice', { username: 'Alice' });
        for (const u of [alice, bob, elsewhere]) await store.users.create(u);
        await store.codes.put(code('p1', 'Alice', 'signup'));
        await store.codes.put(code('p1', 'alice', 'forgot'));
        await store.codes.put(code('p1', 'bob', 'signup'));
        await store.codes.put(code('p2', 'Alice', 'signup'));
        await store.sessions.create(session('s-alice-1', 'p1', 'Alice'), refresh('r-alice-1', 's-alice-1'));
        await store.sessions.create(session('s-alice-2', 'p1', 'alice'), refresh('r-alice-2', 's-alice-2'));
        await store.sessions.rotateRefreshToken('r-alice-1', refresh('r-alice-1b', 's-alice-1'), T0 + 1);
        await store.sessions.create(session('s-bob', 'p1', 'bob'), refresh('r-bob', 's-bob'));
        await store.sessions.create(session('s-p2', 'p2', 'Alice'), refresh('r-p2', 's-p2'));

        assert.equal(await store.users.delete('p1', 'alice'), true);
        assert.equal(await store.users.get('p1', 'alice'), null);
        assert.equal(await store.users.getBySub('p1', alice.sub), null);
        assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'alice@example.com', true), []);
        assert.equal(await store.codes.get('p1', 'Alice', 'signup'), null);
        assert.equal(await store.codes.get('p1', 'alice', 'forgot'), null);
        for (const jti of ['s-alice-1', 's-alice-2']) assert.equal(await store.sessions.get(jti), null);
        for (const hash of ['r-alice-1', 'r-alice-1b', 'r-alice-2']) assert.equal(await store.sessions.getRefreshToken(hash), null);

        assert.deepEqual(await store.users.get('p1', 'bob'), bob);
        assert.deepEqual(await store.users.get('p2', 'alice'), elsewhere);
        assert.deepEqual(await store.codes.get('p1', 'bob', 'signup'), code('p1', 'bob', 'signup'));
        assert.deepEqual(await store.codes.get('p2', 'Alice', 'signup'), code('p2', 'Alice', 'signup'));
        assert.deepEqual(await store.sessions.get('s-bob'), session('s-bob', 'p1', 'bob'));
        assert.deepEqual(await store.sessions.get('s-p2'), session('s-p2', 'p2', 'Alice'));
        assert.deepEqual(await store.sessions.getRefreshToken('r-p2'), refresh('r-p2', 's-p2'));

        assert.equal(await store.users.delete('p1', 'alice'), false);
        assert.equal(await store.users.delete('p1', 'never'), false);
        // The name and sub are free again, and the new user inherits nothing.
        assert.equal(await store.users.create(alice), 'ok');
        assert.deepEqual(await store.users.get('p1', 'alice'), alice);
        assert.equal(await store.codes.get('p1', 'Alice', 'signup'), null);
      }));

    test('count is per pool', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        assert.equal(await store.users.count('p1'), 0);
        for (const k of ['a', 'b', 'c']) await store.users.create(user('p1', k));
        await store.users.create(user('p2', 'a'));
        assert.equal(await store.users.count('p1'), 3);
        assert.equal(await store.users.count('p2'), 1);
        assert.equal(await store.users.count('none'), 0);
        await store.users.delete('p1', 'b');
        assert.equal(await store.users.count('p1'), 2);
      }));

    test('deleting a pool deletes its users, attributes, codes, sessions and refresh tokens', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        const gone = user('p1', 'alice', { sub: 'sub-shared' });
        const kept = user('p2', 'alice');
        await store.users.create(gone);
        await store.users.create(kept);
        await store.codes.put(code('p1', 'alice', 'signup'));
        await store.codes.put(code('p2', 'alice', 'signup'));
        await store.sessions.create(session('s1', 'p1', 'alice'), refresh('r1', 's1'));
        await store.sessions.create(session('s2', 'p2', 'alice'), refresh('r2', 's2'));

        assert.equal(await store.pools.delete('p1'), true);
        assert.equal(await store.users.get('p1', 'alice'), null);
        assert.equal(await store.users.count('p1'), 0);
        assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'alice@example.com', false), []);
        assert.equal(await store.codes.get('p1', 'alice', 'signup'), null);
        assert.equal(await store.sessions.get('s1'), null);
        assert.equal(await store.sessions.getRefreshToken('r1'), null);

        assert.deepEqual(await store.users.get('p2', 'alice'), kept);
        assert.deepEqual(await store.users.findByAttribute('p2', 'email', 'alice@example.com', false), [kept]);
        assert.deepEqual(await store.codes.get('p2', 'alice', 'signup'), code('p2', 'alice', 'signup'));
        assert.deepEqual(await store.sessions.get('s2'), session('s2', 'p2', 'alice'));
        assert.deepEqual(await store.sessions.getRefreshToken('r2'), refresh('r2', 's2'));

        // A pool created again under the same id starts empty, and the old sub is free.
        await store.pools.create(pool('p1'), [], 10);
        assert.equal(await store.users.count('p1'), 0);
        assert.equal(await store.users.create(gone), 'ok');
      }));
  });
}
