// PostgreSQL user pools: create counted under an advisory lock (with the first signing keys), versioned update, paged list.
import type { PoolStore } from '../store.ts';
import { rows, type PgDb } from './db.ts';
import { insertKeys } from './keys.ts';
import { pgPoolTable } from './pool-table.ts';

export function pgPools(db: PgDb): PoolStore {
  const pools = pgPoolTable(db, 'pools', rows.pool);
  return {
    create: (p, keys, maxPools) => pools.create(p, maxPools, (c) => insertKeys(c, keys)),
    get: (id) => pools.get(id),
    list: (limit, cursor) => pools.list(limit, cursor),
    update: (p) => pools.update(p),
    delete: (id) => pools.delete(id),
    count: () => pools.count(),
  };
}
