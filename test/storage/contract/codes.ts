// Storage contract for codes: one-time codes and their attempt counts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pool, code, T0, type WithStore } from './fixtures.ts';

export function codesContract(withStore: WithStore): void {
  describe('codes', () => {
    test('put then get round-trips; put replaces the live code of the same purpose only', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        const c = code('p1', 'alice', 'verify:email', {
          codeHash: 'hmac-1',
          attempts: 2,
          data: { value: 'nëw@example.com', nested: { list: [1, 'two', null] } },
          createdAt: T0 + 1,
          expiresAt: T0 + 60_000,
        });
        await store.codes.put(c);
        await store.codes.put(code('p1', 'alice', 'forgot'));
        await store.codes.put(code('p2', 'alice', 'verify:email'));
        assert.deepEqual(await store.codes.get('p1', 'alice', 'verify:email'), c);

        const next = code('p1', 'alice', 'verify:email', { codeHash: 'hmac-2', createdAt: T0 + 5, expiresAt: T0 + 120_000, data: {} });
        await store.codes.put(next);
        assert.deepEqual(await store.codes.get('p1', 'alice', 'verify:email'), next, 'attempts start again at the new code’s');
        assert.deepEqual(await store.codes.get('p1', 'alice', 'forgot'), code('p1', 'alice', 'forgot'));
        assert.deepEqual(await store.codes.get('p2', 'alice', 'verify:email'), code('p2', 'alice', 'verify:email'));

        assert.equal(await store.codes.get('p1', 'alice', 'signup'), null);
        assert.equal(await store.codes.get('p1', 'bob', 'verify:email'), null);
        // A code is returned even when expired: expiry is the domain's rule, judged by its clock.
        const expired = code('p1', 'bob', 'signup', { expiresAt: 1 });
        await store.codes.put(expired);
        assert.deepEqual(await store.codes.get('p1', 'bob', 'signup'), expired);
      }));

    test('addAttempt counts up and returns the new count; 0 when there is no code', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.codes.put(code('p1', 'alice', 'signup'));
        await store.codes.put(code('p1', 'alice', 'forgot', { attempts: 4 }));
        assert.equal(await store.codes.addAttempt('p1', 'alice', 'signup'), 1);
        assert.equal(await store.codes.addAttempt('p1', 'alice', 'signup'), 2);
        assert.equal(await store.codes.addAttempt('p1', 'alice', 'signup'), 3);
        assert.equal((await store.codes.get('p1', 'alice', 'signup'))!.attempts, 3);
        assert.equal(await store.codes.addAttempt('p1', 'alice', 'forgot'), 5);
        assert.equal(await store.codes.addAttempt('p1', 'alice', 'verify:email'), 0);
        assert.equal(await store.codes.get('p1', 'alice', 'verify:email'), null, 'counting a missing code creates none');
      }));

    test('concurrent addAttempt calls from two stores each get their own count', (t) =>
      withStore(async (store, reopen) => {
        if (!reopen) return t.skip('this backend cannot open a second store');
        const other = await reopen();
        await store.pools.create(pool('p1'), [], 10);
        await store.codes.put(code('p1', 'alice', 'signup'));
        const counts = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? store : other).codes.addAttempt('p1', 'alice', 'signup')));
        assert.deepEqual([...counts].sort((x, y) => x - y), Array.from({ length: 12 }, (_, i) => i + 1));
        assert.equal((await store.codes.get('p1', 'alice', 'signup'))!.attempts, 12);
      }));

    test('delete removes one code', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.codes.put(code('p1', 'alice', 'signup'));
        await store.codes.put(code('p1', 'alice', 'forgot'));
        assert.equal(await store.codes.delete('p1', 'alice', 'signup'), true);
        assert.equal(await store.codes.get('p1', 'alice', 'signup'), null);
        assert.equal(await store.codes.delete('p1', 'alice', 'signup'), false);
        assert.deepEqual(await store.codes.get('p1', 'alice', 'forgot'), code('p1', 'alice', 'forgot'));
        assert.equal(await store.codes.addAttempt('p1', 'alice', 'signup'), 0);
      }));
    test('purgeExpired drops expired codes of the purpose prefix only, taken literally', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.codes.put(code('p1', 'alice', 'custom-auth:n1', { expiresAt: T0 + 10 }));
        await store.codes.put(code('p1', 'bob', 'custom-auth:n2', { expiresAt: T0 + 1_000 }));
        await store.codes.put(code('p1', 'alice', 'signup', { expiresAt: T0 + 10 }));
        await store.codes.put(code('p1', 'alice', 'custom_auth:x', { expiresAt: T0 + 10 }));
        await store.codes.put(code('p1', 'alice', 'Custom-auth:y', { expiresAt: T0 + 10 }));
        assert.equal(await store.codes.purgeExpired(T0 + 10, 'custom-auth:'), 1);
        assert.equal(await store.codes.get('p1', 'alice', 'custom-auth:n1'), null);
        assert.ok(await store.codes.get('p1', 'bob', 'custom-auth:n2'), 'not expired yet');
        assert.ok(await store.codes.get('p1', 'alice', 'signup'), 'an expired code of another purpose stays');
        assert.ok(await store.codes.get('p1', 'alice', 'custom_auth:x'), 'no wildcards in the prefix');
        assert.ok(await store.codes.get('p1', 'alice', 'Custom-auth:y'), 'case-sensitive');
        assert.equal(await store.codes.purgeExpired(T0 + 10, 'custom-auth:'), 0);
      }));
  });
}
