// SQLite Cognito Sync pool settings (interfaces/sync-config.ts). BulkPublish starts by one conditional UPDATE, so two
// calls (in one process or two) cannot both start one.
import type { SyncConfigStore } from '../interfaces/sync-config.ts';
import { CONFIG_COLUMNS, configColumns, syncConfigOf } from '../sync-config.ts';
import type { Row, SqliteDb } from './db.ts';

export function sqliteSyncConfig({ db, q }: SqliteDb): SyncConfigStore {
  const getRow = (poolId: string) => q('SELECT * FROM sync_pool_config WHERE pool_id = ?').get(poolId) as Row | undefined;
  const ensure = (poolId: string) => q('INSERT INTO sync_pool_config (pool_id) VALUES (?) ON CONFLICT (pool_id) DO NOTHING').run(poolId);
  const setConfiguration = db.transaction((poolId: string, parts: Parameters<SyncConfigStore['setConfiguration']>[1]) => {
    const row = getRow(poolId);
    const cols = configColumns(row ? syncConfigOf(row) : null, parts);
    q(
      `INSERT INTO sync_pool_config (pool_id, ${CONFIG_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (pool_id) DO UPDATE SET push_set = excluded.push_set, push_application_arns = excluded.push_application_arns,
         push_role_arn = excluded.push_role_arn, streams_set = excluded.streams_set, stream_name = excluded.stream_name,
         stream_role_arn = excluded.stream_role_arn, streaming_status = excluded.streaming_status`,
    ).run(poolId, ...cols);
    return syncConfigOf(getRow(poolId)!);
  });
  return {
    async get(poolId) {
      const r = getRow(poolId);
      return r ? syncConfigOf(r) : null;
    },
    async setConfiguration(poolId, parts) {
      return setConfiguration.immediate(poolId, parts);
    },
    async setSyncTrigger(poolId, arn) {
      ensure(poolId);
      q('UPDATE sync_pool_config SET sync_trigger_arn = ? WHERE pool_id = ?').run(arn, poolId);
    },
    async startBulkPublish(poolId, now, succeededBefore, staleBefore) {
      ensure(poolId);
      const started = q(
        `UPDATE sync_pool_config SET bulk_status = 'IN_PROGRESS', bulk_started_at = ?, bulk_completed_at = NULL, bulk_failure = NULL
         WHERE pool_id = ? AND (bulk_status IS NULL OR bulk_status = 'FAILED' OR (bulk_status = 'SUCCEEDED' AND bulk_started_at < ?)
           OR (bulk_status = 'IN_PROGRESS' AND bulk_started_at < ?))`,
      ).run(now, poolId, succeededBefore, staleBefore);
      if (started.changes === 1) return 'started';
      return getRow(poolId)!.bulk_status === 'IN_PROGRESS' ? 'running' : 'streamed';
    },
    async finishBulkPublish(poolId, startedAt, status, now, failure) {
      q(
        `UPDATE sync_pool_config SET bulk_status = ?, bulk_completed_at = ?, bulk_failure = ?
         WHERE pool_id = ? AND bulk_status = 'IN_PROGRESS' AND bulk_started_at = ?`,
      ).run(status, now, failure, poolId, startedAt);
    },
    async delete(poolId) {
      q('DELETE FROM sync_pool_config WHERE pool_id = ?').run(poolId);
    },
  };
}
