// PostgreSQL identity pools: create counted under an advisory lock, versioned update, paged list (stored as user pools are).
import type { IdentityPoolStore } from '../store.ts';
import { rows, type PgDb } from './db.ts';
import { pgPoolTable } from './pool-table.ts';

export function pgIdentityPools(db: PgDb): IdentityPoolStore {
  const pools = pgPoolTable(db, 'identity_pools', rows.identityPool);
  return {
    create: (p, maxPools) => pools.create(p, maxPools),
    get: (id) => pools.get(id),
    list: (limit, cursor) => pools.list(limit, cursor),
    update: (p) => pools.update(p),
    // A pool goes with its identities and their logins, in one transaction.
    delete: (id) =>
      db.tx(async (c) => {
        await c.query('DELETE FROM identity_logins WHERE pool_id = $1', [id]);
        await c.query('DELETE FROM identities WHERE pool_id = $1', [id]);
        // and its Cognito Sync data
        await c.query('DELETE FROM sync_records WHERE identity_id IN (SELECT identity_id FROM sync_datasets WHERE pool_id = $1)', [id]);
        await c.query('DELETE FROM sync_datasets WHERE pool_id = $1', [id]);
        await c.query('DELETE FROM sync_pool_config WHERE pool_id = $1', [id]);
        return (await c.query('DELETE FROM identity_pools WHERE id = $1', [id])).rowCount === 1;
      }),
  };
}
