// The Cognito Sync change feed (push instead of SNS): every successful UpdateRecords is published as a change
// {identityPoolId, identityId, datasetName, syncCount, deviceId} to every server process sharing the store, and each
// process hands it to its open feeds (protocol/sync-feed.ts), which pass it on to devices subscribed to the dataset.
//
// Across processes: with PostgreSQL the store's LISTEN/NOTIFY carries it (every server on the database hears it, the
// sender too). With SQLite, one process hears its own; the workers of a cluster (`--workers N`) send it to their
// primary over the cluster's IPC channel, as they ask it for metrics, and the primary sends it to every worker.
import cluster, { type Worker } from 'node:cluster';
import type { Deps } from '../deps.ts';
import type { Store } from '../storage/store.ts';

export interface SyncChange {
  identityPoolId: string;
  identityId: string;
  datasetName: string;
  /** the dataset's sync count after the change */
  syncCount: number;
  /** the DeviceId the change was made from (UpdateRecords' DeviceId), or null when it named none */
  deviceId: string | null;
}

const CHANNEL = 'sync-changes';
type Relay = { cognate: 'sync-change'; payload: string };

class ChangeFeed {
  private readonly listeners = new Set<(c: SyncChange) => void>();
  private started: Promise<unknown> | null = null;
  constructor(private readonly store: Store) {}

  async publish(change: SyncChange): Promise<void> {
    const payload = JSON.stringify(change);
    if (this.store.kind === 'sqlite' && cluster.isWorker && process.send) process.send({ cognate: 'sync-change', payload } satisfies Relay);
    else await this.store.signals.publish(CHANNEL, payload);
  }

  /** Calls `fn` with each change any process publishes from now on; answers the stop function. */
  async listen(fn: (c: SyncChange) => void): Promise<() => void> {
    this.started ??= this.start();
    await this.started;
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  private async start(): Promise<void> {
    await this.store.signals.subscribe(CHANNEL, (payload) => {
      let change: SyncChange;
      try {
        change = JSON.parse(payload) as SyncChange;
      } catch {
        return;
      }
      for (const fn of this.listeners) fn(change);
    });
    if (this.store.kind === 'sqlite' && cluster.isWorker)
      process.on('message', (m: Relay) => {
        if (m?.cognate === 'sync-change' && typeof m.payload === 'string') void this.store.signals.publish(CHANNEL, m.payload);
      });
  }
}

const feeds = new WeakMap<Store, ChangeFeed>();

/** The change feed of this server's store (one per store, made on first use). */
export function changeFeedOf(deps: Pick<Deps, 'store'>): ChangeFeed {
  let f = feeds.get(deps.store);
  if (!f) feeds.set(deps.store, (f = new ChangeFeed(deps.store)));
  return f;
}

/** After a successful UpdateRecords: tells the feeds. A failure to tell them is logged; the records stay written. */
export function announceChange(deps: Pick<Deps, 'store' | 'logger'>, change: SyncChange): void {
  changeFeedOf(deps)
    .publish(change)
    .catch((e: unknown) => deps.logger.warn('could not publish a Cognito Sync change to the feeds', { error: String(e) }));
}

/** In a cluster's primary: sends each change a worker publishes to every worker (the sender too). Call per forked worker. */
export function relaySyncChanges(worker: Worker): void {
  worker.on('message', (m: Relay) => {
    if (m?.cognate !== 'sync-change') return;
    for (const w of Object.values(cluster.workers ?? {})) if (w?.isConnected()) w.send(m);
  });
}
