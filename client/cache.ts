// The sync client's local cache: one small interface that SQLite (Node, ./sqlite-cache.ts) and IndexedDB (browsers,
// ./indexeddb-cache.ts) implement, so a dataset reads and writes locally first and survives a restart.

/** One record as this device knows it. */
export interface CachedRecord {
  key: string;
  /** null: removed (a local remove waiting to be pushed, or a remote tombstone) */
  value: string | null;
  /** the record's SyncCount on the server when this device last saw it (0: never synced) */
  syncCount: number;
  /** a local change not yet accepted by UpdateRecords */
  dirty: boolean;
  /** when the value was last changed on a device, ms since the epoch (DeviceLastModifiedDate) */
  deviceLastModified: number;
  /** the server's LastModifiedDate, ms (absent for a change never synced) */
  lastModified?: number;
  lastModifiedBy?: string;
}

/** What this device knows of a dataset as a whole. */
export interface CachedDataset {
  name: string;
  /** the dataset sync count of the last ListRecords applied: the next pull asks for changes after it */
  lastSyncCount: number;
}

/**
 * The storage behind SyncClient, per identity. Every method is atomic on its own; `commit` writes the dataset row
 * and its records in one transaction, so a sync interrupted (a closed tab, a killed process) leaves the cache as it
 * was before or after the step, never half of it.
 */
export interface LocalCache {
  dataset(identityId: string, name: string): Promise<CachedDataset | undefined>;
  datasets(identityId: string): Promise<CachedDataset[]>;
  record(identityId: string, dataset: string, key: string): Promise<CachedRecord | undefined>;
  records(identityId: string, dataset: string): Promise<CachedRecord[]>;
  /** Writes the dataset row (when given) and upserts the records, in one transaction. */
  commit(identityId: string, dataset: string, meta: CachedDataset | undefined, records: CachedRecord[]): Promise<void>;
  /** Forgets the dataset and its records. */
  drop(identityId: string, dataset: string): Promise<void>;
  close(): Promise<void>;
}
