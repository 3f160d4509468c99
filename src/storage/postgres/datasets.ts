// PostgreSQL datasets: as sqlite/datasets.ts. UpdateRecords locks the dataset row (SELECT … FOR UPDATE) before it
// compares, so concurrent calls on one dataset — from any server sharing the database — are serialised and the later
// one compares against the earlier one's committed records; making a dataset takes an advisory lock on the identity,
// so two first writes (or two new datasets against the limit of 20) cannot both pass.
import type { DatasetStore, PoolUsage, SyncRecord } from '../interfaces/datasets.ts';
import { datasetOf, mergedName, planUpdate, recordCursorArgs, recordPage, syncRecordOf } from '../datasets.ts';
import { nameCursorArg, namePage } from '../pages.ts';
import type pg from 'pg';
import { LOCK, num, type PgDb } from './db.ts';

export function pgDatasets({ tx, one, all }: PgDb): DatasetStore {
  return {
    async get(identityId, name) {
      const r = await one('SELECT * FROM sync_datasets WHERE identity_id = $1 AND name = $2', [identityId, name]);
      return r ? datasetOf(r) : null;
    },
    async list(identityId, limit, cursor) {
      const after = nameCursorArg(cursor);
      const found = await all('SELECT * FROM sync_datasets WHERE identity_id = $1 AND live AND name > $2 ORDER BY name LIMIT $3', [identityId, after, limit + 1]);
      return namePage(found.map(datasetOf), limit);
    },
    async records(identityId, name, afterSyncCount, limit, cursor) {
      const [count, key] = recordCursorArgs(cursor);
      const found = await all(
        `SELECT r.* FROM sync_records r JOIN sync_datasets d ON d.identity_id = r.identity_id AND d.name = r.dataset AND d.live
         WHERE r.identity_id = $1 AND r.dataset = $2 AND r.sync_count > $3 AND (r.sync_count > $4 OR (r.sync_count = $4 AND r.key > $5))
         ORDER BY r.sync_count, r.key LIMIT $6`,
        [identityId, name, afterSyncCount, count, key, limit + 1],
      );
      return recordPage(found.map(syncRecordOf), limit);
    },
    update(target, writes, limits, now, modifiedBy) {
      return tx(async (c) => {
        const select = () => c.query('SELECT * FROM sync_datasets WHERE identity_id = $1 AND name = $2 FOR UPDATE', [target.identityId, target.name]);
        let { rows } = await select();
        let others = 0;
        if (!rows[0]?.live) {
          await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, [JSON.stringify(['sync_identity', target.identityId])]);
          ({ rows } = await select()); // made (and committed) by a call that held the lock before this one
          if (!rows[0]?.live) {
            const n = await c.query('SELECT COUNT(*) AS n FROM sync_datasets WHERE identity_id = $1 AND live', [target.identityId]);
            others = num(n.rows[0].n);
          }
        }
        const stored = rows[0] ? datasetOf(rows[0]) : null;
        const current = new Map<string, SyncRecord>();
        if (writes.length) {
          const found = await c.query('SELECT * FROM sync_records WHERE identity_id = $1 AND dataset = $2 AND key = ANY($3::text[])', [
            target.identityId,
            target.name,
            writes.map((w) => w.key),
          ]);
          for (const r of found.rows) current.set(r.key, syncRecordOf(r));
        }
        const plan = planUpdate(target, stored, others, current, writes, limits, now, modifiedBy);
        if (plan.refused) return plan;
        const d = plan.dataset;
        await c.query(
          `INSERT INTO sync_datasets (pool_id, identity_id, name, created_at, modified_at, modified_by, sync_count, data_storage, num_records, deleted_at_sync_count, live)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true)
           ON CONFLICT (identity_id, name) DO UPDATE SET pool_id = excluded.pool_id, created_at = excluded.created_at, modified_at = excluded.modified_at,
             modified_by = excluded.modified_by, sync_count = excluded.sync_count, data_storage = excluded.data_storage, num_records = excluded.num_records, live = true`,
          [d.poolId, d.identityId, d.name, d.createdAt, d.modifiedAt, d.modifiedBy, d.syncCount, d.dataStorage, d.numRecords, d.deletedAtSyncCount],
        );
        if (plan.rows.length) {
          const rs = plan.rows;
          await c.query(
            `INSERT INTO sync_records (identity_id, dataset, key, value_sealed, size, sync_count, modified_at, modified_by, device_modified_at)
             SELECT $1, $2, k, v, s, $3, $4, $5, dm FROM unnest($6::text[], $7::text[], $8::bigint[], $9::bigint[]) AS t(k, v, s, dm)
             ON CONFLICT (identity_id, dataset, key) DO UPDATE SET value_sealed = excluded.value_sealed, size = excluded.size, sync_count = excluded.sync_count,
               modified_at = excluded.modified_at, modified_by = excluded.modified_by, device_modified_at = excluded.device_modified_at`,
            [d.identityId, d.name, d.syncCount, now, modifiedBy, rs.map((r) => r.key), rs.map((r) => r.valueSealed), rs.map((r) => r.size), rs.map((r) => r.deviceModifiedAt)],
          );
        }
        return plan;
      });
    },
    delete(identityId, name) {
      return tx(async (c) => {
        const { rows } = await c.query('SELECT * FROM sync_datasets WHERE identity_id = $1 AND name = $2 FOR UPDATE', [identityId, name]);
        if (!rows[0]?.live) return null;
        await c.query('DELETE FROM sync_records WHERE identity_id = $1 AND dataset = $2', [identityId, name]);
        await c.query('UPDATE sync_datasets SET live = false, deleted_at_sync_count = sync_count, data_storage = 0, num_records = 0 WHERE identity_id = $1 AND name = $2', [
          identityId,
          name,
        ]);
        return datasetOf(rows[0]);
      });
    },
    async usageOfIdentity(identityId) {
      const r = (await one('SELECT COUNT(*) AS n, COALESCE(SUM(data_storage), 0) AS bytes, MAX(modified_at) AS last FROM sync_datasets WHERE identity_id = $1 AND live', [
        identityId,
      ]))!;
      return { datasetCount: num(r.n), dataStorage: num(r.bytes), lastModified: r.last === null ? null : num(r.last) };
    },
    async usageOfPools(poolIds) {
      const out = new Map<string, PoolUsage>();
      const found = await all(
        `SELECT pool_id, COALESCE(SUM(sync_count), 0) AS syncs, COALESCE(SUM(data_storage), 0) AS bytes, MAX(modified_at) AS last
         FROM sync_datasets WHERE pool_id = ANY($1::text[]) AND live GROUP BY pool_id`,
        [poolIds],
      );
      for (const r of found) out.set(r.pool_id, { syncSessions: num(r.syncs), dataStorage: num(r.bytes), lastModified: r.last === null ? null : num(r.last) });
      return out;
    },
  };
}

/** As sqlite/datasets.ts sqliteMoveDatasets, on the identities transaction's connection. */
export async function pgMoveDatasets(c: pg.PoolClient, sourceId: string, destinationId: string): Promise<void> {
  const { rows } = await c.query('SELECT name FROM sync_datasets WHERE identity_id = $1 AND live ORDER BY name FOR UPDATE', [sourceId]);
  for (const d of rows) {
    const clash = (await c.query('SELECT 1 FROM sync_datasets WHERE identity_id = $1 AND name = $2', [destinationId, d.name])).rowCount! > 0;
    const name = clash ? mergedName(d.name, sourceId) : d.name;
    await c.query('DELETE FROM sync_records WHERE identity_id = $1 AND dataset = $2', [destinationId, name]);
    await c.query('DELETE FROM sync_datasets WHERE identity_id = $1 AND name = $2', [destinationId, name]);
    await c.query('UPDATE sync_records SET identity_id = $1, dataset = $2 WHERE identity_id = $3 AND dataset = $4', [destinationId, name, sourceId, d.name]);
    await c.query('UPDATE sync_datasets SET identity_id = $1, name = $2, merged_from = $3 WHERE identity_id = $4 AND name = $5', [destinationId, name, clash ? d.name : null, sourceId, d.name]);
  }
  await pgDropDatasets(c, sourceId);
}

export async function pgDropDatasets(c: pg.PoolClient, identityId: string): Promise<void> {
  await c.query('DELETE FROM sync_records WHERE identity_id = $1', [identityId]);
  await c.query('DELETE FROM sync_datasets WHERE identity_id = $1', [identityId]);
}
