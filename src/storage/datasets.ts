// What both backends share for Cognito Sync datasets: row mappers, record pages keyed by (syncCount, key), and the
// plan of an UpdateRecords (compare, limits, new totals) computed from the rows a backend read under its lock.
import type { DatasetLimits, DatasetRecord, RecordWrite, SyncRecord, UpdateOutcome } from './interfaces/datasets.ts';
import { decodeCursor, encodeCursor, InvalidCursorError } from './pages.ts';
import type { Page } from './records.ts';
import type { Row } from './rows.ts';

/** The name a dataset of a merged identity takes beside one of the same name: "NAME.IDENTITYID". */
export const mergedName = (name: string, sourceId: string): string => `${name}.${sourceId}`;

export const datasetOf = (r: Row): DatasetRecord => ({
  poolId: r.pool_id,
  identityId: r.identity_id,
  name: r.name,
  createdAt: Number(r.created_at),
  modifiedAt: Number(r.modified_at),
  modifiedBy: r.modified_by,
  syncCount: Number(r.sync_count),
  dataStorage: Number(r.data_storage),
  numRecords: Number(r.num_records),
  deletedAtSyncCount: r.deleted_at_sync_count === null || r.deleted_at_sync_count === undefined ? null : Number(r.deleted_at_sync_count),
  live: !!r.live,
  ...(r.merged_from ? { mergedFrom: r.merged_from as string } : {}),
});

export const syncRecordOf = (r: Row): SyncRecord => ({
  key: r.key,
  valueSealed: r.value_sealed ?? null,
  size: Number(r.size),
  syncCount: Number(r.sync_count),
  modifiedAt: Number(r.modified_at),
  modifiedBy: r.modified_by,
  deviceModifiedAt: r.device_modified_at === null || r.device_modified_at === undefined ? null : Number(r.device_modified_at),
});

/** The (syncCount, key) to read after. */
export function recordCursorArgs(cursor: string | undefined): [number, string] {
  if (cursor === undefined) return [-1, ''];
  const c = decodeCursor(cursor);
  if (!c) throw new InvalidCursorError();
  return c;
}

export function recordPage(rows: SyncRecord[], limit: number): Page<SyncRecord> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1]!;
  return { items, next: encodeCursor(last.syncCount, last.key) };
}

/**
 * Whether a patch's expected sync count is stale for the key's stored row (undefined: none) in a dataset whose live
 * sync count is `datasetSyncCount` (null: not live). A key with no row was never stored, or only removed without one
 * (planUpdate's `rows`): the count such a remove was answered with (at most the dataset's) is as good as 0, since no
 * device holds a value of it to overwrite.
 */
export function isStale(row: { syncCount: number } | undefined, datasetSyncCount: number | null, expected: number): boolean {
  if (row) return row.syncCount !== expected;
  return expected !== 0 && (datasetSyncCount === null || expected > datasetSyncCount);
}

/**
 * Plans an update (refused, or the dataset after and the records to write) from what the backend read under its lock: the dataset row (null or not live: made or revived),
 * the identity's other live datasets, and the stored records of the written keys.
 */
export function planUpdate(
  target: { poolId: string; identityId: string; name: string },
  stored: DatasetRecord | null,
  otherLiveDatasets: number,
  current: Map<string, SyncRecord>,
  writes: RecordWrite[],
  limits: DatasetLimits,
  now: number,
  modifiedBy: string,
): UpdateOutcome {
  for (const w of writes) {
    const row = stored?.live ? current.get(w.key) : undefined;
    const have = row?.syncCount ?? 0;
    if (isStale(row, stored?.live ? stored.syncCount : null, w.expectedSyncCount)) return { refused: 'conflict', key: w.key, current: have, expected: w.expectedSyncCount };
  }
  if (!stored?.live && otherLiveDatasets >= limits.maxDatasets) return { refused: 'datasets' };
  let numRecords = stored?.live ? stored.numRecords : 0;
  let dataStorage = stored?.live ? stored.dataStorage : 0;
  for (const w of writes) {
    const old = stored?.live ? current.get(w.key) : undefined;
    if (old && old.valueSealed !== null) {
      numRecords--;
      dataStorage -= old.size;
    }
    if (w.valueSealed !== null) {
      numRecords++;
      dataStorage += w.size;
    }
  }
  if (numRecords > limits.maxRecords) return { refused: 'records' };
  if (dataStorage > limits.maxBytes) return { refused: 'bytes' };
  const base = stored?.syncCount ?? 0;
  const syncCount = writes.length ? base + 1 : base;
  const made = !stored?.live;
  const dataset: DatasetRecord = {
    ...target,
    createdAt: made ? now : stored!.createdAt,
    modifiedAt: writes.length || made ? now : stored!.modifiedAt,
    modifiedBy: writes.length || made ? modifiedBy : stored!.modifiedBy,
    syncCount,
    dataStorage,
    numRecords,
    deletedAtSyncCount: stored?.deletedAtSyncCount ?? null,
    live: true,
  };
  const records = writes.map(
    (w): SyncRecord => ({ key: w.key, valueSealed: w.valueSealed, size: w.valueSealed === null ? 0 : w.size, syncCount, modifiedAt: now, modifiedBy, deviceModifiedAt: w.deviceModifiedAt }),
  );
  const rows = records.filter((r) => r.valueSealed !== null || (stored?.live && current.has(r.key)));
  return { dataset, records, rows };
}
