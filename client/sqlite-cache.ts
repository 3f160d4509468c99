// The Node cache of the sync client: one SQLite file (better-sqlite3) holding every dataset this device has opened.
// Imported as `cognate/sync/sqlite` so browser bundles of `cognate/sync` never pull in a native module.
import Database from 'better-sqlite3';
import type { CachedDataset, CachedRecord, LocalCache } from './cache.ts';

interface RecordRow {
  key: string;
  value: string | null;
  sync_count: number;
  dirty: number;
  device_modified: number;
  modified: number | null;
  modified_by: string | null;
}

const toRecord = (r: RecordRow): CachedRecord => ({
  key: r.key,
  value: r.value,
  syncCount: r.sync_count,
  dirty: r.dirty === 1,
  deviceLastModified: r.device_modified,
  ...(r.modified === null ? {} : { lastModified: r.modified }),
  ...(r.modified_by === null ? {} : { lastModifiedBy: r.modified_by }),
});

export class SqliteCache implements LocalCache {
  private readonly db: Database.Database;

  /** `path`: the cache file (created when missing), or ':memory:' for a cache that does not survive the process. */
  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS sync_datasets (
        identity_id TEXT NOT NULL, name TEXT NOT NULL, last_sync_count INTEGER NOT NULL,
        PRIMARY KEY (identity_id, name));
      CREATE TABLE IF NOT EXISTS sync_records (
        identity_id TEXT NOT NULL, dataset TEXT NOT NULL, key TEXT NOT NULL, value TEXT,
        sync_count INTEGER NOT NULL, dirty INTEGER NOT NULL, device_modified INTEGER NOT NULL,
        modified INTEGER, modified_by TEXT,
        PRIMARY KEY (identity_id, dataset, key));`);
  }

  async dataset(identityId: string, name: string): Promise<CachedDataset | undefined> {
    const row = this.db.prepare('SELECT name, last_sync_count FROM sync_datasets WHERE identity_id = ? AND name = ?').get(identityId, name) as
      | { name: string; last_sync_count: number }
      | undefined;
    return row && { name: row.name, lastSyncCount: row.last_sync_count };
  }

  async datasets(identityId: string): Promise<CachedDataset[]> {
    const rows = this.db.prepare('SELECT name, last_sync_count FROM sync_datasets WHERE identity_id = ? ORDER BY name').all(identityId) as {
      name: string;
      last_sync_count: number;
    }[];
    return rows.map((r) => ({ name: r.name, lastSyncCount: r.last_sync_count }));
  }

  async record(identityId: string, dataset: string, key: string): Promise<CachedRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM sync_records WHERE identity_id = ? AND dataset = ? AND key = ?').get(identityId, dataset, key) as
      | RecordRow
      | undefined;
    return row && toRecord(row);
  }

  async records(identityId: string, dataset: string): Promise<CachedRecord[]> {
    const rows = this.db.prepare('SELECT * FROM sync_records WHERE identity_id = ? AND dataset = ? ORDER BY key').all(identityId, dataset) as RecordRow[];
    return rows.map(toRecord);
  }

  async commit(identityId: string, dataset: string, meta: CachedDataset | undefined, records: CachedRecord[]): Promise<void> {
    const putMeta = this.db.prepare(
      'INSERT INTO sync_datasets (identity_id, name, last_sync_count) VALUES (?, ?, ?) ' +
        'ON CONFLICT (identity_id, name) DO UPDATE SET last_sync_count = excluded.last_sync_count',
    );
    const putRecord = this.db.prepare(
      'INSERT OR REPLACE INTO sync_records (identity_id, dataset, key, value, sync_count, dirty, device_modified, modified, modified_by) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      if (meta) putMeta.run(identityId, dataset, meta.lastSyncCount);
      for (const r of records)
        putRecord.run(identityId, dataset, r.key, r.value, r.syncCount, r.dirty ? 1 : 0, r.deviceLastModified, r.lastModified ?? null, r.lastModifiedBy ?? null);
    })();
  }

  async drop(identityId: string, dataset: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM sync_records WHERE identity_id = ? AND dataset = ?').run(identityId, dataset);
      this.db.prepare('DELETE FROM sync_datasets WHERE identity_id = ? AND name = ?').run(identityId, dataset);
    })();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
