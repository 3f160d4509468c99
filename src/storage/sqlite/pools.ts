// SQLite user pools: counted create (with the first signing keys), versioned update, keyset-paged list.
import type { PoolRecord, SigningKeyRecord } from '../records.ts';
import type { PoolStore } from '../store.ts';
import { rows, type SqliteDb } from './db.ts';
import { insertKeys } from './keys.ts';
import { sqlitePoolTable } from './pool-table.ts';

export function sqlitePools(s: SqliteDb): PoolStore {
  const pools = sqlitePoolTable(s, 'pools', rows.pool);
  const create = s.db.transaction((p: PoolRecord, keys: SigningKeyRecord[], max: number) => {
    if (pools.count() >= max) return 'limit' as const;
    pools.insert(p);
    insertKeys(s, keys);
    return 'ok' as const;
  });
  return {
    async create(pool, keys, maxPools) {
      return create.immediate(pool, keys, maxPools);
    },
    get: async (id) => pools.get(id),
    list: async (limit, cursor) => pools.list(limit, cursor),
    update: async (p) => pools.update(p),
    delete: async (id) => pools.delete(id),
    count: async () => pools.count(),
  };
}
