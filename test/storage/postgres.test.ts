// The storage contract on PostgreSQL (a fresh random schema per test, dropped afterwards), plus what only a
// shared database must prove: two servers see each other's writes and never overshoot a limit together.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '../../src/storage/postgres/index.ts';
import type { Store } from '../../src/storage/store.ts';
import { client, code, pool, refresh, session, storeContract, user } from './contract/index.ts';

const url = process.env.COGNATE_TEST_DATABASE_URL;

const freshSchema = () => `cognate_test_${process.pid}_${randomBytes(6).toString('hex')}`;

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}

if (!url) {
  test('postgres store contract', { skip: 'COGNATE_TEST_DATABASE_URL is not set: PostgreSQL suite skipped' }, () => {});
} else {
  storeContract('postgres', async () => {
    const schema = freshSchema();
    const store = await openPostgresStore(url, { schema, poolSize: 4 });
    return {
      store,
      reopen: () => openPostgresStore(url, { schema, poolSize: 4 }),
      cleanup: () => dropSchema(url, schema),
      explainListUsers: (poolId, opts) => store.explainListUsers(poolId, opts),
      analyze: () => store.analyze(),
    };
  });

  describe('postgres: two servers on one database', () => {
    /** Two stores with a pool each, as two server processes would have, on one fresh schema. */
    const withTwo = async (fn: (a: Store, b: Store) => Promise<void>) => {
      const schema = freshSchema();
      const stores: Store[] = [];
      try {
        // Both start at once: the schema is created once and each migration applied exactly once.
        const [a, b] = await Promise.all([
          openPostgresStore(url, { schema, poolSize: 5 }),
          openPostgresStore(url, { schema, poolSize: 5 }),
        ]);
        stores.push(a, b);
        const applied = await Promise.all([a.migrate(), b.migrate()]);
        assert.ok(applied[0].length > 0 !== applied[1].length > 0, `one migrate() applies, the other waits: ${JSON.stringify(applied)}`);
        assert.deepEqual([...applied[0], ...applied[1]], applied[0].length ? applied[0] : applied[1]);
        await fn(a, b);
      } finally {
        for (const s of stores) await s.close();
        await dropSchema(url, schema);
      }
    };

    test('each sees the other’s writes immediately', () =>
      withTwo(async (a, b) => {
        assert.equal(await a.pools.create(pool('p1'), [], 10), 'ok');
        assert.deepEqual(await b.pools.get('p1'), pool('p1'));
        const v2 = { ...pool('p1'), name: 'renamed by b', version: 2 };
        assert.equal(await b.pools.update(v2), true);
        assert.deepEqual(await a.pools.get('p1'), v2);
        assert.equal(await a.pools.update({ ...pool('p1'), version: 2 }), false, 'a stale writer on the other server loses');
        assert.equal(await a.clients.create(client('c1', 'p1'), 10), 'ok');
        assert.deepEqual((await b.clients.list('p1', 10)).items, [client('c1', 'p1')]);
        assert.equal(await b.domains.create({ domain: 'shared', poolId: 'p1', custom: false, createdAt: 1, updatedAt: 1, settings: {} }), 'ok');
        assert.equal(await a.domains.create({ domain: 'shared', poolId: 'p1', custom: true, createdAt: 2, updatedAt: 2, settings: {} }), 'exists');
        assert.equal(await b.meta.setIfAbsent('k', 'from b'), 'from b');
        assert.equal(await a.meta.setIfAbsent('k', 'from a'), 'from b');
        assert.equal(await a.pools.delete('p1'), true);
        assert.equal(await b.clients.get('c1'), null);
      }));

    test('concurrent client creates from both never exceed the limit', () =>
      withTwo(async (a, b) => {
        assert.equal(await a.pools.create(pool('p1'), [], 10), 'ok');
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).clients.create(client(`c${i}`, 'p1'), 5)),
        );
        assert.equal(results.filter((r) => r === 'ok').length, 5);
        assert.equal(results.filter((r) => r === 'limit').length, 5);
        assert.equal((await a.clients.list('p1', 100)).items.length, 5);
        assert.equal((await b.clients.list('p1', 100)).items.length, 5);
      }));

    test('concurrent counter hits from both count exactly, window by window', () =>
      withTwo(async (a, b) => {
        const t = 1_722_000_000_000;
        const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).counters.hit('signin:p1:alice', 60_000, t)));
        assert.deepEqual([...counts].sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i + 1));
        assert.equal(await a.counters.peek('signin:p1:alice', t + 59_999), 20);
        assert.equal(await b.counters.peek('signin:p1:alice', t + 59_999), 20);
        // The next window (the first started at t), opened by both at once, also counts every hit once.
        const next = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).counters.hit('signin:p1:alice', 60_000, t + 60_000)));
        assert.deepEqual([...next].sort((x, y) => x - y), Array.from({ length: 10 }, (_, i) => i + 1));
      }));

    test('users, codes and refresh tokens: one winner among concurrent writers on both', () =>
      withTwo(async (a, b) => {
        assert.equal(await a.pools.create(pool('p1'), [], 10), 'ok');
        const creates = await Promise.all(
          Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).users.create(user('p1', 'alice', { sub: `sub-${i}` }))),
        );
        assert.equal(creates.filter((r) => r === 'ok').length, 1);
        assert.equal(creates.filter((r) => r === 'exists').length, 5);
        const stored = (await b.users.get('p1', 'alice'))!;
        const updates = await Promise.all(
          Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).users.update({ ...stored, attributes: { email: `w${i}@example.com` }, version: 2 })),
        );
        assert.equal(updates.filter(Boolean).length, 1);
        assert.deepEqual((await a.users.get('p1', 'alice'))!.attributes, { email: `w${updates.indexOf(true)}@example.com` });

        await a.codes.put(code('p1', 'alice', 'signup'));
        const attempts = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).codes.addAttempt('p1', 'alice', 'signup')));
        assert.deepEqual([...attempts].sort((x, y) => x - y), Array.from({ length: 10 }, (_, i) => i + 1));

        await b.sessions.create(session('s1', 'p1', 'alice'), refresh('h1', 's1'));
        const rotations = await Promise.all(
          Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).sessions.rotateRefreshToken('h1', refresh(`h2-${i}`, 's1'), 1_000 + i)),
        );
        assert.equal(rotations.filter(Boolean).length, 1);
      }));

    test('concurrent pool creates from both never exceed the limit', () =>
      withTwo(async (a, b) => {
        const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).pools.create(pool(`p${i}`), [], 4)));
        assert.equal(results.filter((r) => r === 'ok').length, 4);
        assert.equal(await a.pools.count(), 4);
        assert.equal(await b.pools.count(), 4);
      }));
  });
}
