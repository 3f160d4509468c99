// The browser cache of the sync client: an IndexedDB database with a store of datasets and a store of records keyed
// by (identity, dataset, key). The few IndexedDB types it uses are declared here, so the package needs no DOM lib.
import type { CachedDataset, CachedRecord, LocalCache } from './cache.ts';

interface Req<T = unknown> {
  result: T;
  error: unknown;
  onsuccess: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
interface OpenReq extends Req<Db> {
  onupgradeneeded: ((ev: unknown) => void) | null;
}
interface Index {
  getAll(query: unknown): Req<unknown[]>;
}
interface Store {
  get(key: unknown): Req;
  getAll(): Req<unknown[]>;
  put(value: unknown): Req;
  delete(key: unknown): Req;
  index(name: string): Index;
  createIndex(name: string, keyPath: string[]): Index;
}
interface Tx {
  objectStore(name: string): Store;
  oncomplete: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onabort: ((ev: unknown) => void) | null;
  error: unknown;
  abort(): void;
}
interface Db {
  transaction(stores: string[], mode: 'readonly' | 'readwrite'): Tx;
  createObjectStore(name: string, o: { keyPath: string[] }): Store;
  close(): void;
}
/** The part of `indexedDB` (an IDBFactory) this cache needs: `window.indexedDB`, or fake-indexeddb's in Node. */
export interface IndexedDbFactory {
  open(name: string, version: number): unknown;
}

interface DatasetRow extends CachedDataset {
  identityId: string;
}
interface RecordRow extends CachedRecord {
  identityId: string;
  dataset: string;
}

const request = <T>(r: Req<T>) =>
  new Promise<T>((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

export class IndexedDbCache implements LocalCache {
  private readonly db: Promise<Db>;

  /** `name`: the IndexedDB database (one per app); `factory`: defaults to the global `indexedDB`. */
  constructor(name = 'cognate-sync', factory: IndexedDbFactory | undefined = (globalThis as { indexedDB?: IndexedDbFactory }).indexedDB) {
    if (!factory) throw new Error('IndexedDbCache: no indexedDB in this environment (pass a factory, or use SqliteCache in Node)');
    this.db = new Promise<Db>((resolve, reject) => {
      const open = factory.open(name, 1) as OpenReq;
      open.onupgradeneeded = () => {
        const db = open.result;
        db.createObjectStore('datasets', { keyPath: ['identityId', 'name'] });
        db.createObjectStore('records', { keyPath: ['identityId', 'dataset', 'key'] }).createIndex('byDataset', ['identityId', 'dataset']);
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
  }

  /** Runs `work` in one transaction and resolves with its result once the transaction has committed. */
  private async tx<T>(mode: 'readonly' | 'readwrite', work: (datasets: Store, records: Store) => Promise<T> | T): Promise<T> {
    const tx = (await this.db).transaction(['datasets', 'records'], mode);
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
    let result: T;
    try {
      result = await work(tx.objectStore('datasets'), tx.objectStore('records'));
    } catch (e) {
      // a failed step undoes the steps before it (a request that threw did not abort the transaction by itself)
      done.catch(() => undefined);
      try {
        tx.abort();
      } catch {
        // already finished or aborted
      }
      throw e;
    }
    await done;
    return result;
  }

  dataset(identityId: string, name: string): Promise<CachedDataset | undefined> {
    return this.tx('readonly', async (d) => {
      const row = (await request(d.get([identityId, name]))) as DatasetRow | undefined;
      return row && { name: row.name, lastSyncCount: row.lastSyncCount };
    });
  }

  datasets(identityId: string): Promise<CachedDataset[]> {
    // every identity's dataset rows, filtered here: a device holds few (Cognito allows 20 per identity), and a key
    // range would need the global IDBKeyRange besides the factory
    return this.tx('readonly', async (d) => {
      const rows = (await request(d.getAll())) as DatasetRow[];
      return rows.filter((r) => r.identityId === identityId).map((r) => ({ name: r.name, lastSyncCount: r.lastSyncCount }));
    });
  }

  record(identityId: string, dataset: string, key: string): Promise<CachedRecord | undefined> {
    return this.tx('readonly', async (_d, r) => {
      const row = (await request(r.get([identityId, dataset, key]))) as RecordRow | undefined;
      return row && strip(row);
    });
  }

  records(identityId: string, dataset: string): Promise<CachedRecord[]> {
    return this.tx('readonly', async (_d, r) => {
      const rows = (await request(r.index('byDataset').getAll([identityId, dataset]))) as RecordRow[];
      return rows.map(strip).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    });
  }

  commit(identityId: string, dataset: string, meta: CachedDataset | undefined, records: CachedRecord[]): Promise<void> {
    return this.tx('readwrite', async (d, r) => {
      // queue every write before awaiting any: a transaction stays open only while requests are pending
      const writes: Promise<unknown>[] = [];
      try {
        if (meta) writes.push(request(d.put({ identityId, name: dataset, lastSyncCount: meta.lastSyncCount })));
        for (const rec of records) writes.push(request(r.put({ ...rec, identityId, dataset })));
      } catch (e) {
        for (const w of writes) w.catch(() => undefined); // aborted with the transaction: the error is e
        throw e;
      }
      await Promise.all(writes);
    });
  }

  drop(identityId: string, dataset: string): Promise<void> {
    return this.tx('readwrite', async (d, r) => {
      const rows = (await request(r.index('byDataset').getAll([identityId, dataset]))) as RecordRow[];
      await Promise.all([request(d.delete([identityId, dataset])), ...rows.map((row) => request(r.delete([identityId, dataset, row.key])))]);
    });
  }

  async close(): Promise<void> {
    (await this.db).close();
  }
}

function strip(row: RecordRow): CachedRecord {
  const { identityId: _i, dataset: _d, ...rec } = row;
  return rec;
}
