// SQLite identity pools: counted create, versioned update, keyset-paged list (stored as user pools are).
import type { IdentityPoolRecord } from '../records.ts';
import type { IdentityPoolStore } from '../store.ts';
import { rows, type SqliteDb } from './db.ts';
import { sqlitePoolTable } from './pool-table.ts';

export function sqliteIdentityPools(s: SqliteDb): IdentityPoolStore {
  const pools = sqlitePoolTable(s, 'identity_pools', rows.identityPool);
  // IMMEDIATE (as the other counted creates): the write lock is taken before counting.
  const create = s.db.transaction((p: IdentityPoolRecord, max: number) => {
    if (pools.count() >= max) return 'limit' as const;
    pools.insert(p);
    return 'ok' as const;
  });
  // A pool goes with its identities and their logins, in one transaction.
  const remove = s.db.transaction((id: string) => {
    s.q('DELETE FROM identity_logins WHERE pool_id = ?').run(id);
    s.q('DELETE FROM identities WHERE pool_id = ?').run(id);
    // and its Cognito Sync data
    s.q('DELETE FROM sync_records WHERE identity_id IN (SELECT identity_id FROM sync_datasets WHERE pool_id = ?)').run(id);
    s.q('DELETE FROM sync_datasets WHERE pool_id = ?').run(id);
    s.q('DELETE FROM sync_pool_config WHERE pool_id = ?').run(id);
    return pools.delete(id);
  });
  return {
    async create(pool, maxPools) {
      return create.immediate(pool, maxPools);
    },
    get: async (id) => pools.get(id),
    list: async (limit, cursor) => pools.list(limit, cursor),
    update: async (p) => pools.update(p),
    delete: async (id) => remove.immediate(id),
  };
}
