// `cognate/sync`: the offline-first Cognito Sync client (browser-safe; the Node SQLite cache is `cognate/sync/sqlite`).
export { SyncClient, Dataset, mostRecentChange, isNetworkError } from './sync-client.ts';
export type { ConflictHandler, EventSourceConstructor, EventSourceLike, FeedOptions, Resolution, SyncClientOptions, SyncConflict, SyncResult } from './sync-client.ts';
export type { CachedDataset, CachedRecord, LocalCache } from './cache.ts';
export { IndexedDbCache, type IndexedDbFactory } from './indexeddb-cache.ts';
