// The storage contract on a real SQLite file in a temporary directory (WAL, reopened to prove durability).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteStore } from '../../src/storage/sqlite/index.ts';
import { encodeCursor, type UserFilter } from '../../src/storage/store.ts';
import { pool, storeContract, user } from './contract/index.ts';

storeContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cognate-store-'));
  const file = join(dir, 'cognate.db');
  const store = openSqliteStore(file);
  return {
    store,
    reopen: async () => openSqliteStore(file),
    cleanup: () => rm(dir, { recursive: true, force: true }),
    explainListUsers: (poolId, opts) => store.explainListUsers(poolId, opts),
    analyze: () => store.analyze(),
  };
});

// Nothing runs ANALYZE on a deployed SQLite file, but an operator may: every users.list plan must be the same with
// statistics and without (the contract suite checks them with statistics).
test('sqlite: users.list plans are the same before and after ANALYZE', async () => {
  const store = openSqliteStore(':memory:');
  try {
    await store.migrate();
    await store.pools.create(pool('p1'), [], 10);
    for (let i = 0; i < 300; i++)
      await store.users.create(user('p1', `u${i}`, { createdAt: i, status: i % 3 ? 'CONFIRMED' : 'UNCONFIRMED', enabled: i % 5 !== 0 }));
    const filters: (UserFilter | undefined)[] = [
      undefined,
      ...(['username', 'sub', 'status', 'enabled'] as const).flatMap((field) =>
        (['=', '^='] as const).map((op): UserFilter => ({ field, op, value: field === 'enabled' ? 'Enabled' : 'u1' })),
      ),
      ...(['=', '^='] as const).flatMap((op) => [false, true].map((caseInsensitive): UserFilter => ({ field: 'attribute', name: 'email', op, value: 'u1', caseInsensitive }))),
    ];
    const plans = () => Promise.all(filters.map((filter) => store.explainListUsers('p1', { filter, limit: 60, cursor: encodeCursor(5, 'u5') })));
    const before = await plans();
    await store.analyze();
    assert.deepEqual(await plans(), before);
    for (const plan of before) assert.doesNotMatch(plan, /\bSCAN (users|user_attributes)\b/, plan);
  } finally {
    await store.close();
  }
});
