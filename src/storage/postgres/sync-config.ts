// PostgreSQL Cognito Sync pool settings: as sqlite/sync-config.ts. SetIdentityPoolConfiguration merges over the row it
// locks (FOR UPDATE); BulkPublish starts by one conditional UPDATE, so servers sharing the database cannot both start one.
import type { SyncConfigStore } from '../interfaces/sync-config.ts';
import { CONFIG_COLUMNS, configColumns, syncConfigOf } from '../sync-config.ts';
import type { PgDb } from './db.ts';

export function pgSyncConfig({ tx, one, changed }: PgDb): SyncConfigStore {
  const ensure = (poolId: string) => changed('INSERT INTO sync_pool_config (pool_id) VALUES ($1) ON CONFLICT (pool_id) DO NOTHING', [poolId]);
  return {
    async get(poolId) {
      const r = await one('SELECT * FROM sync_pool_config WHERE pool_id = $1', [poolId]);
      return r ? syncConfigOf(r) : null;
    },
    async setConfiguration(poolId, parts) {
      await ensure(poolId);
      return tx(async (c) => {
        const { rows } = await c.query('SELECT * FROM sync_pool_config WHERE pool_id = $1 FOR UPDATE', [poolId]);
        const cols = configColumns(rows[0] ? syncConfigOf(rows[0]) : null, parts);
        const out = await c.query(
          `UPDATE sync_pool_config SET (${CONFIG_COLUMNS}) = ($2, $3, $4, $5, $6, $7, $8) WHERE pool_id = $1 RETURNING *`,
          [poolId, ...cols],
        );
        return syncConfigOf(out.rows[0]);
      });
    },
    async setSyncTrigger(poolId, arn) {
      await ensure(poolId);
      await changed('UPDATE sync_pool_config SET sync_trigger_arn = $2 WHERE pool_id = $1', [poolId, arn]);
    },
    async startBulkPublish(poolId, now, succeededBefore, staleBefore) {
      await ensure(poolId);
      const started = await changed(
        `UPDATE sync_pool_config SET bulk_status = 'IN_PROGRESS', bulk_started_at = $2, bulk_completed_at = NULL, bulk_failure = NULL
         WHERE pool_id = $1 AND (bulk_status IS NULL OR bulk_status = 'FAILED' OR (bulk_status = 'SUCCEEDED' AND bulk_started_at < $3)
           OR (bulk_status = 'IN_PROGRESS' AND bulk_started_at < $4))`,
        [poolId, now, succeededBefore, staleBefore],
      );
      if (started) return 'started';
      const r = await one('SELECT bulk_status FROM sync_pool_config WHERE pool_id = $1', [poolId]);
      return r?.bulk_status === 'IN_PROGRESS' ? 'running' : 'streamed';
    },
    async finishBulkPublish(poolId, startedAt, status, now, failure) {
      await changed(
        `UPDATE sync_pool_config SET bulk_status = $3, bulk_completed_at = $4, bulk_failure = $5
         WHERE pool_id = $1 AND bulk_status = 'IN_PROGRESS' AND bulk_started_at = $2`,
        [poolId, startedAt, status, now, failure],
      );
    },
    async delete(poolId) {
      await changed('DELETE FROM sync_pool_config WHERE pool_id = $1', [poolId]);
    },
  };
}
