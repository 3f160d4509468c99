// The storage interface of Cognito Sync datasets: one row per (identity, dataset name) that outlives a DeleteDataset
// (so the dataset-wide sync counter never goes back and a re-created dataset is told from the old one), and its
// records, values sealed by the domain, removed ones kept as tombstones (no value) so other devices learn of them.
import type { Page } from '../records.ts';

export interface DatasetRecord {
  poolId: string;
  identityId: string;
  name: string;
  createdAt: number;
  modifiedAt: number;
  modifiedBy: string;
  /** the dataset-wide counter: raised by one at each UpdateRecords that changes it, never lowered */
  syncCount: number;
  /** bytes of the live records (UTF-8 key + value) */
  dataStorage: number;
  /** live records (tombstones not counted) */
  numRecords: number;
  /** the sync count at the dataset's latest DeleteDataset, or null if it was never deleted */
  deletedAtSyncCount: number | null;
  /** false after DeleteDataset until an UpdateRecords makes it again */
  live: boolean;
  /**
   * Set on a dataset moved here from a merged identity under another name because this identity had one of the same
   * name: that name (ListRecords on it reports this one in MergedDatasetNames). Absent or null otherwise.
   */
  mergedFrom?: string | null;
}

export interface SyncRecord {
  key: string;
  /** the sealed value; null for a tombstone */
  valueSealed: string | null;
  /** UTF-8 bytes of key + value (0 for a tombstone) */
  size: number;
  syncCount: number;
  modifiedAt: number;
  modifiedBy: string;
  deviceModifiedAt: number | null;
}

/** One patch as the store applies it: the sync count the caller last saw, and the record to write (tombstone: no value). */
export interface RecordWrite {
  key: string;
  expectedSyncCount: number;
  valueSealed: string | null;
  size: number;
  deviceModifiedAt: number | null;
}

export interface DatasetLimits {
  maxDatasets: number;
  maxRecords: number;
  maxBytes: number;
}

export type UpdateOutcome =
  /**
   * `records`: every patched record as the answer tells it (the new sync count); `rows`: those written. A remove of a
   * key with no stored record (live or tombstone) is answered but writes no row: tombstones count toward no limit, so
   * one for every key ever named would let a dataset's rows grow without end.
   */
  | { dataset: DatasetRecord; records: SyncRecord[]; rows: SyncRecord[]; refused?: undefined }
  /** a patch's expected sync count differs from the stored one (0 for a key never written): nothing was written */
  | { refused: 'conflict'; key: string; current: number; expected: number }
  /** a limit would be passed: nothing was written */
  | { refused: 'datasets' | 'records' | 'bytes' };

export interface IdentityUsage {
  datasetCount: number;
  dataStorage: number;
  /** latest modifiedAt of its live datasets, null when it has none */
  lastModified: number | null;
}

export interface PoolUsage {
  /** UpdateRecords calls that changed a live dataset of the pool (the sum of their sync counts) */
  syncSessions: number;
  dataStorage: number;
  lastModified: number | null;
}

export interface DatasetStore {
  /** The dataset row, live or deleted, or null when none was ever made. */
  get(identityId: string, name: string): Promise<DatasetRecord | null>;
  /** Live datasets of the identity by name; `cursor` is a previous page's `next`. */
  list(identityId: string, limit: number, cursor?: string): Promise<Page<DatasetRecord>>;
  /**
   * Records of a live dataset whose syncCount is above `afterSyncCount`, tombstones included, in (syncCount, key)
   * order; `cursor` is a previous page's `next`.
   */
  records(identityId: string, name: string, afterSyncCount: number, limit: number, cursor?: string): Promise<Page<SyncRecord>>;
  /**
   * Applies every write or none, atomically with a compare of each one's expectedSyncCount against the stored record
   * (concurrent calls on one dataset are serialised; from any number of processes). Makes (or revives) the dataset
   * when it is not live, counting the identity's live datasets against `limits.maxDatasets`. With writes, the
   * dataset's syncCount is raised by one and every written record gets it. Answers the dataset and the written records.
   */
  update(
    target: { poolId: string; identityId: string; name: string },
    writes: RecordWrite[],
    limits: DatasetLimits,
    now: number,
    modifiedBy: string,
  ): Promise<UpdateOutcome>;
  /** Deletes a live dataset's records and marks it deleted (keeping its counter); the dataset as it was, or null. */
  delete(identityId: string, name: string): Promise<DatasetRecord | null>;
  usageOfIdentity(identityId: string): Promise<IdentityUsage>;
  /** Usage of each of the pools named (pools without datasets are absent from the map). */
  usageOfPools(poolIds: string[]): Promise<Map<string, PoolUsage>>;
}
