// The storage contract on a real SQLite file in a temporary directory (WAL, reopened to prove durability).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/storage/sqlite/index.ts';
import { storeContract } from './contract/store-contract.ts';

storeContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cognate-store-'));
  const file = join(dir, 'cognate.db');
  return {
    store: openSqliteStore(file),
    reopen: async () => openSqliteStore(file),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});
