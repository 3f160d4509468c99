// SQLite datasets: UpdateRecords' compare and write in one IMMEDIATE transaction (the write lock taken at BEGIN, so
// two writers, in one process or two, are serialised and the second compares against the first's records).
import type { DatasetLimits, DatasetStore, RecordWrite, SyncRecord } from '../interfaces/datasets.ts';
import { datasetOf, mergedName, planUpdate, recordCursorArgs, recordPage, syncRecordOf } from '../datasets.ts';
import { nameCursorArg, namePage } from '../pages.ts';
import type { Row, SqliteDb } from './db.ts';

export function sqliteDatasets({ db, q }: SqliteDb): DatasetStore {
  const getRow = (identityId: string, name: string) =>
    q('SELECT * FROM sync_datasets WHERE identity_id = ? AND name = ?').get(identityId, name) as Row | undefined;
  const update = db.transaction(
    (target: { poolId: string; identityId: string; name: string }, writes: RecordWrite[], limits: DatasetLimits, now: number, modifiedBy: string) => {
      const row = getRow(target.identityId, target.name);
      const stored = row ? datasetOf(row) : null;
      const others = stored?.live
        ? 0
        : (q('SELECT COUNT(*) AS n FROM sync_datasets WHERE identity_id = ? AND live = 1').get(target.identityId) as Row).n;
      const current = new Map<string, SyncRecord>();
      for (const w of writes) {
        const r = q('SELECT * FROM sync_records WHERE identity_id = ? AND dataset = ? AND key = ?').get(target.identityId, target.name, w.key) as Row | undefined;
        if (r) current.set(w.key, syncRecordOf(r));
      }
      const plan = planUpdate(target, stored, others, current, writes, limits, now, modifiedBy);
      if (plan.refused) return plan;
      const d = plan.dataset;
      q(
        `INSERT INTO sync_datasets (pool_id, identity_id, name, created_at, modified_at, modified_by, sync_count, data_storage, num_records, deleted_at_sync_count, live)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
         ON CONFLICT (identity_id, name) DO UPDATE SET pool_id = excluded.pool_id, created_at = excluded.created_at, modified_at = excluded.modified_at,
           modified_by = excluded.modified_by, sync_count = excluded.sync_count, data_storage = excluded.data_storage, num_records = excluded.num_records, live = 1`,
      ).run(d.poolId, d.identityId, d.name, d.createdAt, d.modifiedAt, d.modifiedBy, d.syncCount, d.dataStorage, d.numRecords, d.deletedAtSyncCount);
      for (const r of plan.rows) {
        q(
          `INSERT INTO sync_records (identity_id, dataset, key, value_sealed, size, sync_count, modified_at, modified_by, device_modified_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (identity_id, dataset, key) DO UPDATE SET value_sealed = excluded.value_sealed, size = excluded.size, sync_count = excluded.sync_count,
             modified_at = excluded.modified_at, modified_by = excluded.modified_by, device_modified_at = excluded.device_modified_at`,
        ).run(d.identityId, d.name, r.key, r.valueSealed, r.size, r.syncCount, r.modifiedAt, r.modifiedBy, r.deviceModifiedAt);
      }
      return plan;
    },
  );
  const remove = db.transaction((identityId: string, name: string) => {
    const row = getRow(identityId, name);
    if (!row || !row.live) return null;
    q('DELETE FROM sync_records WHERE identity_id = ? AND dataset = ?').run(identityId, name);
    q('UPDATE sync_datasets SET live = 0, deleted_at_sync_count = sync_count, data_storage = 0, num_records = 0 WHERE identity_id = ? AND name = ?').run(identityId, name);
    return datasetOf(row);
  });
  return {
    async get(identityId, name) {
      const r = getRow(identityId, name);
      return r ? datasetOf(r) : null;
    },
    async list(identityId, limit, cursor) {
      const after = nameCursorArg(cursor);
      const found = q('SELECT * FROM sync_datasets WHERE identity_id = ? AND live = 1 AND name > ? ORDER BY name LIMIT ?').all(identityId, after, limit + 1) as Row[];
      return namePage(found.map(datasetOf), limit);
    },
    async records(identityId, name, afterSyncCount, limit, cursor) {
      const [count, key] = recordCursorArgs(cursor);
      const found = q(
        `SELECT r.* FROM sync_records r JOIN sync_datasets d ON d.identity_id = r.identity_id AND d.name = r.dataset AND d.live = 1
         WHERE r.identity_id = ? AND r.dataset = ? AND r.sync_count > ? AND (r.sync_count > ? OR (r.sync_count = ? AND r.key > ?))
         ORDER BY r.sync_count, r.key LIMIT ?`,
      ).all(identityId, name, afterSyncCount, count, count, key, limit + 1) as Row[];
      return recordPage(found.map(syncRecordOf), limit);
    },
    async update(target, writes, limits, now, modifiedBy) {
      return update.immediate(target, writes, limits, now, modifiedBy);
    },
    async delete(identityId, name) {
      return remove.immediate(identityId, name);
    },
    async usageOfIdentity(identityId) {
      const r = q('SELECT COUNT(*) AS n, COALESCE(SUM(data_storage), 0) AS bytes, MAX(modified_at) AS last FROM sync_datasets WHERE identity_id = ? AND live = 1').get(
        identityId,
      ) as Row;
      return { datasetCount: r.n, dataStorage: r.bytes, lastModified: r.last ?? null };
    },
    async usageOfPools(poolIds) {
      const out = new Map();
      for (const id of poolIds) {
        const r = q(
          'SELECT COUNT(*) AS n, COALESCE(SUM(sync_count), 0) AS syncs, COALESCE(SUM(data_storage), 0) AS bytes, MAX(modified_at) AS last FROM sync_datasets WHERE pool_id = ? AND live = 1',
        ).get(id) as Row;
        if (r.n > 0) out.set(id, { syncSessions: r.syncs, dataStorage: r.bytes, lastModified: r.last ?? null });
      }
      return out;
    },
  };
}

/**
 * Inside an identities transaction that merges `sourceId` into `destinationId`: the source's live datasets move to the
 * destination, renamed (mergedName) where the destination has one of that name, which then reports it; the rest of
 * the source's datasets go.
 */
export function sqliteMoveDatasets(q: SqliteDb['q'], sourceId: string, destinationId: string): void {
  for (const d of q('SELECT name FROM sync_datasets WHERE identity_id = ? AND live = 1').all(sourceId) as Row[]) {
    const clash = q('SELECT 1 FROM sync_datasets WHERE identity_id = ? AND name = ?').get(destinationId, d.name);
    const name = clash ? mergedName(d.name, sourceId) : d.name;
    q('DELETE FROM sync_records WHERE identity_id = ? AND dataset = ?').run(destinationId, name);
    q('DELETE FROM sync_datasets WHERE identity_id = ? AND name = ?').run(destinationId, name);
    q('UPDATE sync_records SET identity_id = ?, dataset = ? WHERE identity_id = ? AND dataset = ?').run(destinationId, name, sourceId, d.name);
    q('UPDATE sync_datasets SET identity_id = ?, name = ?, merged_from = ? WHERE identity_id = ? AND name = ?').run(destinationId, name, clash ? d.name : null, sourceId, d.name);
  }
  sqliteDropDatasets(q, sourceId);
}

/** Inside an identities transaction deleting the identity: its datasets and records go with it. */
export function sqliteDropDatasets(q: SqliteDb['q'], identityId: string): void {
  q('DELETE FROM sync_records WHERE identity_id = ?').run(identityId);
  q('DELETE FROM sync_datasets WHERE identity_id = ?').run(identityId);
}
