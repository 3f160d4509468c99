// The offline-first Cognito Sync client: datasets read and written in a local cache first, then reconciled with the
// service by synchronize() — pull the changes since the last sync, settle conflicts through a handler, push the
// queued writes with the pull's SyncSessionToken — following the protocol of COGNITO-API §8.2 and the flow of AWS's
// own sync managers (amazon-cognito-js, the mobile SDKs' CognitoSyncManager).
import {
  CognitoSyncClient,
  ListRecordsCommand,
  RegisterDeviceCommand,
  SubscribeToDatasetCommand,
  UnsubscribeFromDatasetCommand,
  UpdateRecordsCommand,
  type Platform,
  type CognitoSyncClientConfig,
  type ListRecordsResponse,
  type _Record as RemoteRecord,
  type RecordPatch,
} from '@aws-sdk/client-cognito-sync';
import { SignatureV4 } from '@smithy/signature-v4';
import type { CachedRecord, LocalCache } from './cache.ts';

/** How a conflict ends: the server's value, this device's value, or a value made of both (null removes the key). */
export type Resolution = 'remote' | 'local' | { merged: string | null };

/** A key changed on this device (not yet pushed) and, since this device last synced, on the server. */
export interface SyncConflict {
  datasetName: string;
  key: string;
  local: { value: string | null; deviceLastModified: Date };
  remote: { value: string | null; syncCount: number; lastModified?: Date; deviceLastModified?: Date; lastModifiedBy?: string };
}

export type ConflictHandler = (conflict: SyncConflict) => Resolution | Promise<Resolution>;

/** The default handler: the most recent change wins — the remote one's DeviceLastModifiedDate (or, without one, its
 * LastModifiedDate) against the local change's time; a tie goes to the server. */
export const mostRecentChange: ConflictHandler = (c) => {
  const remote = (c.remote.deviceLastModified ?? c.remote.lastModified)?.getTime() ?? 0;
  return c.local.deviceLastModified.getTime() > remote ? 'local' : 'remote';
};

export interface SyncResult {
  datasetName: string;
  /** keys whose value now comes from the server (remote changes applied, conflicts resolved with 'remote') */
  pulled: string[];
  /** keys whose queued change the server accepted */
  pushed: string[];
  /** conflicts met (each settled by the conflict handler, or on its own when both sides hold the same value) */
  conflicts: number;
  /** the dataset had been deleted on the server since the last sync (onDatasetDeleted was asked) */
  deletedRemotely: boolean;
  /** the dataset's sync count this device has caught up with */
  syncCount: number;
}

export interface SyncClientOptions {
  identityPoolId: string;
  /** The identity whose datasets these are; default: the `identityId` the credentials carry (fromCognitoIdentityPool's do). */
  identityId?: string;
  cache: LocalCache;
  /** The service client; or give endpoint/region/credentials (and any other client settings in clientConfig). */
  client?: CognitoSyncClient;
  endpoint?: string;
  region?: string;
  credentials?: CognitoSyncClientConfig['credentials'];
  clientConfig?: Partial<CognitoSyncClientConfig>;
  /** Settles each conflict; default mostRecentChange. */
  conflictHandler?: ConflictHandler;
  /** The dataset was deleted on the server (by another device or an admin) after this device last synced it:
   * 'delete' drops the local copy, queued writes included (the default); 'keep' pushes the local copy back, re-creating it. */
  onDatasetDeleted?: (datasetName: string) => 'keep' | 'delete' | Promise<'keep' | 'delete'>;
  /** Identities were merged and the server lists datasets of the merged identity (named "<name>.<identityId>") next to
   * `datasetName`: open them with openOrCreateDataset, merge their records into this one, then delete them. */
  onDatasetsMerged?: (datasetName: string, mergedDatasetNames: string[]) => void | Promise<void>;
  /** Results and errors of the automatic syncs (online(), the 'online' event, notifyRemoteChange, follow). */
  onSync?: (result: SyncResult) => void;
  onError?: (error: unknown, datasetName: string) => void;
  /** Pull-and-push rounds tried when another device pushed in between (ResourceConflictException); default 3. */
  maxRetries?: number;
  /** Where to listen for the browser's 'online' event; default globalThis when it has addEventListener (a window). */
  events?: { addEventListener(type: 'online', fn: () => void): void; removeEventListener(type: 'online', fn: () => void): void } | null;
  /** The clock stamping local changes (ms since the epoch); default Date.now. */
  now?: () => number;
  /** The change feed that subscribe() opens. */
  feed?: FeedOptions;
}

/** What the client needs of an EventSource: the browser's global, or the `eventsource` package's in Node. */
export interface EventSourceLike {
  addEventListener(type: string, fn: (e: { data?: string }) => void): void;
  /** Given an error event: the `eventsource` package's carries the HTTP status of a refusal as `code`. */
  onerror: ((e: never) => void) | null;
  close(): void;
}
export type EventSourceConstructor = new (url: string) => EventSourceLike;

/** The change feed (GET /_cognate/sync/feed): how this device registers and listens. */
export interface FeedOptions {
  /** Default globalThis.EventSource (browsers); in Node pass the `eventsource` package's EventSource. */
  EventSource?: EventSourceConstructor;
  /** RegisterDevice's Platform and Token; default 'GCM' and a random token per SyncClient (one device). */
  platform?: Platform;
  token?: string;
  /** Wait before reopening a dropped feed; default 1000 ms. */
  reconnectDelayMs?: number;
}

const DATASET_NAME = /^[a-zA-Z0-9_.:-]{1,128}$/;

/** True for an error that never reached the service (offline, refused, timed out): the queued writes stay queued. */
export function isNetworkError(e: unknown): boolean {
  const status = (e as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return typeof status !== 'number';
}

const fromRemote = (r: RemoteRecord): CachedRecord => ({
  key: r.Key!,
  value: r.Value ?? null,
  syncCount: r.SyncCount ?? 0,
  dirty: false,
  deviceLastModified: (r.DeviceLastModifiedDate ?? r.LastModifiedDate)?.getTime() ?? 0,
  ...(r.LastModifiedDate ? { lastModified: r.LastModifiedDate.getTime() } : {}),
  ...(r.LastModifiedBy ? { lastModifiedBy: r.LastModifiedBy } : {}),
});

export class Dataset {
  constructor(
    private readonly client: SyncClient,
    readonly name: string,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const r = await this.client.cache.record(await this.client.identity(), this.name, key);
    return r?.value ?? undefined;
  }

  async getAll(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const r of await this.client.cache.records(await this.client.identity(), this.name)) if (r.value !== null) out[r.key] = r.value;
    return out;
  }

  /** Writes locally now; the change is queued for the next synchronize(). */
  async put(key: string, value: string): Promise<void> {
    if (value.length > 1_048_575) throw new RangeError('a record value holds at most 1,048,575 characters');
    await this.change(key, value);
  }

  remove(key: string): Promise<void> {
    return this.change(key, null);
  }

  /** The keys changed locally and not yet pushed. */
  async pending(): Promise<string[]> {
    return (await this.client.cache.records(await this.client.identity(), this.name)).filter((r) => r.dirty).map((r) => r.key);
  }

  synchronize(): Promise<SyncResult> {
    return this.client.synchronize(this.name);
  }

  private async change(key: string, value: string | null): Promise<void> {
    if (key.length < 1 || key.length > 1024) throw new RangeError('a record key has 1 to 1,024 characters');
    const id = await this.client.identity();
    await this.client.locked(this.name, async () => {
      const cache = this.client.cache;
      const was = await cache.record(id, this.name, key);
      if (value === null && (!was || was.value === null)) return;
      const meta = (await cache.dataset(id, this.name)) ?? { name: this.name, lastSyncCount: 0 };
      await cache.commit(id, this.name, meta, [
        { ...was, key, value, syncCount: was?.syncCount ?? 0, dirty: true, deviceLastModified: this.client.now() },
      ]);
    });
  }
}

export class SyncClient {
  readonly cache: LocalCache;
  readonly now: () => number;
  private readonly service: CognitoSyncClient;
  private readonly ownsService: boolean;
  private identityId: Promise<string> | undefined;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly running = new Map<string, Promise<SyncResult>>();
  private readonly queued = new Map<string, Promise<SyncResult>>();
  private readonly onOnline = () => void this.online();
  private readonly events: SyncClientOptions['events'];
  private device: Promise<string> | undefined;
  private deviceId: string | undefined;
  private readonly subscribed = new Set<string>();
  private feed: EventSourceLike | null = null;
  private feedReady: Promise<void> | null = null;
  private reopen: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(private readonly o: SyncClientOptions) {
    this.cache = o.cache;
    this.now = o.now ?? Date.now;
    this.ownsService = !o.client;
    this.service =
      o.client ??
      new CognitoSyncClient({
        ...o.clientConfig,
        ...(o.endpoint ? { endpoint: o.endpoint } : {}),
        region: o.region ?? o.clientConfig?.region ?? 'us-east-1',
        ...(o.credentials ? { credentials: o.credentials } : {}),
      });
    if (o.identityId) this.identityId = Promise.resolve(o.identityId);
    const g = globalThis as unknown as SyncClientOptions['events'];
    this.events = o.events !== undefined ? o.events : typeof g?.addEventListener === 'function' ? g : null;
    this.events?.addEventListener('online', this.onOnline);
  }

  /** The identity id: given, or read once from the credentials (fromCognitoIdentityPool's carry it). Reading it
   * needs the network once, so a device that must start offline passes the identityId it saved. */
  identity(): Promise<string> {
    this.identityId ??= (async () => {
      const creds = await this.service.config.credentials();
      const id = (creds as { identityId?: string }).identityId;
      if (!id) throw new Error('SyncClient: no identityId given and the credentials carry none');
      return id;
    })().catch((e: unknown) => {
      this.identityId = undefined; // offline now: ask again next time
      throw e;
    });
    return this.identityId;
  }

  /** A dataset of this identity, known locally from now on (synchronize() creates it on the server). */
  async openOrCreateDataset(name: string): Promise<Dataset> {
    if (!DATASET_NAME.test(name)) throw new TypeError(`invalid dataset name '${name}': 1-128 characters of [a-zA-Z0-9_.:-]`);
    const id = await this.identity();
    await this.locked(name, async () => {
      if (!(await this.cache.dataset(id, name))) await this.cache.commit(id, name, { name, lastSyncCount: 0 }, []);
    });
    return new Dataset(this, name);
  }

  /** The names of the datasets this device holds for the identity. */
  async listLocalDatasets(): Promise<string[]> {
    return (await this.cache.datasets(await this.identity())).map((d) => d.name);
  }

  /**
   * Pulls the dataset's changes since the last sync, settles conflicts, pushes the queued writes. A call made while
   * one runs waits for it and runs once more (for the changes that came meanwhile). Rejects with the service's error,
   * or a network error (see isNetworkError) when offline — the queued writes stay queued either way.
   */
  synchronize(datasetName: string): Promise<SyncResult> {
    const waiting = this.queued.get(datasetName);
    if (waiting) return waiting;
    const current = this.running.get(datasetName);
    if (!current) return this.start(datasetName);
    const next = current
      .catch(() => undefined)
      .then(() => {
        this.queued.delete(datasetName);
        return this.start(datasetName);
      });
    this.queued.set(datasetName, next);
    return next;
  }

  /** Back online: synchronizes every dataset held locally (also run on the 'online' event). Errors go to onError. */
  async online(): Promise<SyncResult[]> {
    let names: string[];
    try {
      names = await this.listLocalDatasets();
    } catch (e) {
      this.o.onError?.(e, '');
      return [];
    }
    const results = await Promise.all(names.map((n) => this.background(n)));
    return results.filter((r): r is SyncResult => r !== undefined);
  }

  /** A change feed said the dataset changed on the server: synchronize it (results to onSync, errors to onError). */
  async notifyRemoteChange(datasetName: string): Promise<void> {
    await this.background(datasetName);
  }

  /** Feeds notifyRemoteChange from a change feed (dataset names, or events carrying `datasetName`/`DatasetName`)
   * until it ends; stop it by ending the iterable (e.g. an AbortSignal in the feed). */
  async follow(feed: AsyncIterable<string | { datasetName?: string; DatasetName?: string }>): Promise<void> {
    for await (const ev of feed) {
      const name = typeof ev === 'string' ? ev : (ev.datasetName ?? ev.DatasetName);
      if (name) void this.notifyRemoteChange(name);
    }
  }

  /**
   * Push: registers this device (RegisterDevice, once), subscribes it to the dataset (SubscribeToDataset) and keeps
   * the change feed open — presigned with the client's credentials, reopened (with a fresh signature) whenever it
   * drops — so that a change another device makes is synchronized here within moments, without a call. Each time the
   * feed (re)opens, the subscribed datasets are synchronized, for what changed while it was down. Resolves when the
   * feed listens; rejects when the registration, the subscription or the first opening fails (offline: call again).
   * Automatic syncs report to onSync / onError.
   */
  async subscribe(datasetName: string): Promise<void> {
    if (!DATASET_NAME.test(datasetName)) throw new TypeError(`invalid dataset name '${datasetName}': 1-128 characters of [a-zA-Z0-9_.:-]`);
    const at = { IdentityPoolId: this.o.identityPoolId, IdentityId: await this.identity() };
    const DeviceId = await this.registeredDevice();
    await this.service.send(new SubscribeToDatasetCommand({ ...at, DatasetName: datasetName, DeviceId }));
    this.subscribed.add(datasetName);
    if (!this.feedReady) this.openFeed();
    await this.feedReady;
    void this.background(datasetName);
  }

  /** Stops pushing the dataset's changes to this device (UnsubscribeFromDataset); the feed closes with the last one. */
  async unsubscribe(datasetName: string): Promise<void> {
    if (!this.device) return;
    const DeviceId = await this.device;
    await this.service.send(new UnsubscribeFromDatasetCommand({ IdentityPoolId: this.o.identityPoolId, IdentityId: await this.identity(), DatasetName: datasetName, DeviceId }));
    this.subscribed.delete(datasetName);
    if (!this.subscribed.size) this.closeFeed();
  }

  private registeredDevice(): Promise<string> {
    this.device ??= (async () => {
      const token = this.o.feed?.token ?? globalThis.crypto.randomUUID();
      const out = await this.service.send(
        new RegisterDeviceCommand({ IdentityPoolId: this.o.identityPoolId, IdentityId: await this.identity(), Platform: this.o.feed?.platform ?? 'GCM', Token: token }),
      );
      this.deviceId = out.DeviceId!;
      return this.deviceId;
    })().catch((e: unknown) => {
      this.device = undefined;
      throw e;
    });
    return this.device;
  }

  /** GET /_cognate/sync/feed for this device, presigned (SigV4, service cognito-sync) with the client's credentials. */
  private async feedUrl(): Promise<string> {
    const config = this.service.config;
    const endpoint = config.endpoint ? await config.endpoint() : undefined;
    if (!endpoint) throw new Error('SyncClient: the change feed needs an endpoint (the Cognate server)');
    const base = `${endpoint.protocol}//${endpoint.hostname}${endpoint.port ? `:${endpoint.port}` : ''}`;
    const signer = new SignatureV4({ service: 'cognito-sync', region: await config.region(), credentials: config.credentials, sha256: config.sha256 });
    const query = { IdentityPoolId: this.o.identityPoolId, IdentityId: await this.identity(), DeviceId: await this.registeredDevice() };
    const host = new URL(base).host;
    const signed = await signer.presign(
      { method: 'GET', protocol: endpoint.protocol, hostname: endpoint.hostname, port: endpoint.port, path: '/_cognate/sync/feed', query, headers: { host } },
      { expiresIn: 300 },
    );
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(signed.query ?? {})) q.set(k, String(v));
    return `${base}/_cognate/sync/feed?${q}`;
  }

  /** Opens the feed; feedReady settles with its first opening. A drop, or a failed opening, schedules another. */
  private openFeed(): void {
    let first = true;
    let settle!: { resolve: () => void; reject: (e: unknown) => void };
    this.feedReady = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    this.feedReady.catch(() => undefined);
    const ES = this.o.feed?.EventSource ?? (globalThis as unknown as { EventSource?: EventSourceConstructor }).EventSource;
    const failed = (e: unknown) => {
      if (first) {
        // the first opening failed: subscribe() rejects, and a call of it again opens anew
        settle.reject(e);
        this.feedReady = null;
        return;
      }
      this.o.onError?.(e, '');
      if (this.closed || !this.subscribed.size) return;
      this.reopen = setTimeout(attempt, this.o.feed?.reconnectDelayMs ?? 1000);
    };
    const attempt = async () => {
      this.reopen = null;
      let url: string;
      try {
        if (!ES) throw new Error('SyncClient: no EventSource (pass feed.EventSource, e.g. the `eventsource` package in Node)');
        url = await this.feedUrl();
      } catch (e) {
        return failed(e);
      }
      if (this.closed) return;
      const es = new ES(url);
      this.feed = es;
      es.addEventListener('ready', () => {
        if (first) settle.resolve();
        else for (const name of this.subscribed) void this.background(name); // what changed while the feed was down
        first = false;
      });
      es.addEventListener('change', (e) => {
        let change: { datasetName?: string; identityId?: string; deviceId?: string | null };
        try {
          change = JSON.parse(e.data ?? '') as typeof change;
        } catch {
          return;
        }
        if (!change.datasetName || !this.subscribed.has(change.datasetName)) return;
        if (change.deviceId && change.deviceId === this.deviceId) return; // our own push: nothing to pull
        void this.notifyRemoteChange(change.datasetName);
      });
      es.onerror = (event: never) => {
        const e = event as { code?: number; message?: string };
        // ours to reopen, presigned afresh (an EventSource would retry the old, expiring URL)
        es.close();
        if (this.feed !== es) return;
        this.feed = null;
        failed(Object.assign(new Error(`the change feed ${e.code !== undefined ? `was refused: ${e.code}` : 'dropped'}${e.message ? ` (${e.message})` : ''}`), { status: e.code }));
      };
    };
    void attempt();
  }

  private closeFeed(): void {
    if (this.reopen) clearTimeout(this.reopen);
    this.reopen = null;
    this.feed?.close();
    this.feed = null;
    this.feedReady = null;
  }

  /** Stops listening for 'online' and to the change feed, closes the service client it made, and closes the cache. */
  async close(): Promise<void> {
    this.closed = true;
    this.closeFeed();
    this.events?.removeEventListener('online', this.onOnline);
    await Promise.allSettled([...this.running.values(), ...this.queued.values()]);
    if (this.ownsService) this.service.destroy();
    await this.cache.close();
  }

  /** Runs `fn` alone among the local reads-then-writes of `datasetName` (never across a network call). */
  locked<T>(datasetName: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.locks.get(datasetName) ?? Promise.resolve()).then(fn, fn);
    this.locks.set(datasetName, run.catch(() => undefined));
    return run;
  }

  private async background(datasetName: string): Promise<SyncResult | undefined> {
    try {
      const r = await this.synchronize(datasetName);
      this.o.onSync?.(r);
      return r;
    } catch (e) {
      this.o.onError?.(e, datasetName);
      return undefined;
    }
  }

  private start(datasetName: string): Promise<SyncResult> {
    const p = this.syncOnce(datasetName).finally(() => {
      if (this.running.get(datasetName) === p) this.running.delete(datasetName);
    });
    this.running.set(datasetName, p);
    return p;
  }

  private async pull(id: string, datasetName: string, lastSyncCount: number): Promise<ListRecordsResponse & { Records: RemoteRecord[] }> {
    const at = { IdentityPoolId: this.o.identityPoolId, IdentityId: id, DatasetName: datasetName, LastSyncCount: lastSyncCount };
    let page = await this.service.send(new ListRecordsCommand(at));
    const records = [...(page.Records ?? [])];
    while (page.NextToken) {
      page = await this.service.send(new ListRecordsCommand({ ...at, NextToken: page.NextToken, SyncSessionToken: page.SyncSessionToken }));
      records.push(...(page.Records ?? []));
    }
    return { ...page, Records: records };
  }

  private async syncOnce(name: string): Promise<SyncResult> {
    const id = await this.identity();
    const cache = this.cache;
    const result: SyncResult = { datasetName: name, pulled: [], pushed: [], conflicts: 0, deletedRemotely: false, syncCount: 0 };
    const maxRetries = this.o.maxRetries ?? 3;
    const pulled = new Set<string>(); // across retries, each key once
    for (let attempt = 0; ; attempt++) {
      const meta = (await cache.dataset(id, name)) ?? { name, lastSyncCount: 0 };
      const remote = await this.pull(id, name, meta.lastSyncCount);
      if (remote.MergedDatasetNames?.length) await this.o.onDatasetsMerged?.(name, remote.MergedDatasetNames);

      if (remote.DatasetDeletedAfterRequestedSyncCount) {
        const choice = (await this.o.onDatasetDeleted?.(name)) ?? 'delete';
        await this.locked(name, async () => {
          const kept = choice === 'keep' ? await cache.records(id, name) : [];
          await cache.drop(id, name);
          // kept: every live value becomes a new record for the server (which holds none of them now)
          const again = kept.filter((r) => r.value !== null).map((r) => ({ ...r, syncCount: 0, dirty: true }));
          await cache.commit(id, name, { name, lastSyncCount: 0 }, again);
        });
        result.deletedRemotely = true;
        continue; // pull again from 0: the dataset may have been re-created since
      }

      // apply the remote changes and settle conflicts, in one local transaction
      const toPush = await this.locked(name, async () => {
        const local = new Map((await cache.records(id, name)).map((r) => [r.key, r]));
        const changed: CachedRecord[] = [];
        for (const r of remote.Records) {
          const theirs = fromRemote(r);
          const mine = local.get(theirs.key);
          if (!mine?.dirty) {
            changed.push(theirs);
            pulled.add(theirs.key);
            continue;
          }
          if (theirs.syncCount <= mine.syncCount) continue; // our change already stands on this version
          result.conflicts++;
          let resolution: Resolution = 'remote';
          if (mine.value !== theirs.value) {
            resolution = await (this.o.conflictHandler ?? mostRecentChange)({
              datasetName: name,
              key: theirs.key,
              local: { value: mine.value, deviceLastModified: new Date(mine.deviceLastModified) },
              remote: {
                value: theirs.value,
                syncCount: theirs.syncCount,
                ...(r.LastModifiedDate ? { lastModified: r.LastModifiedDate } : {}),
                ...(r.DeviceLastModifiedDate ? { deviceLastModified: r.DeviceLastModifiedDate } : {}),
                ...(r.LastModifiedBy ? { lastModifiedBy: r.LastModifiedBy } : {}),
              },
            });
          }
          if (resolution === 'remote') {
            changed.push(theirs);
            pulled.add(theirs.key);
          } else if (resolution === 'local') changed.push({ ...mine, syncCount: theirs.syncCount });
          else changed.push({ ...mine, value: resolution.merged, syncCount: theirs.syncCount, deviceLastModified: this.now() });
        }
        for (const c of changed) local.set(c.key, c);
        // a remove of a record the server never had: nothing to tell it
        const nothing = [...local.values()].filter((r) => r.dirty && r.value === null && r.syncCount === 0).map((r) => ({ ...r, dirty: false }));
        await cache.commit(id, name, { name, lastSyncCount: remote.DatasetSyncCount ?? 0 }, [...changed, ...nothing]);
        return [...local.values()].filter((r) => r.dirty && !(r.value === null && r.syncCount === 0));
      });
      result.syncCount = remote.DatasetSyncCount ?? 0;
      result.pulled = [...pulled];
      if (!toPush.length) return result;

      const patches: RecordPatch[] = toPush.map((r) => ({
        Op: r.value === null ? 'remove' : 'replace',
        Key: r.key,
        ...(r.value === null ? {} : { Value: r.value }),
        SyncCount: r.syncCount,
        DeviceLastModifiedDate: new Date(r.deviceLastModified),
      }));
      let pushed;
      try {
        pushed = await this.service.send(
          new UpdateRecordsCommand({
            IdentityPoolId: this.o.identityPoolId,
            IdentityId: id,
            DatasetName: name,
            SyncSessionToken: remote.SyncSessionToken,
            RecordPatches: patches,
            ...(this.deviceId ? { DeviceId: this.deviceId } : {}),
          }),
        );
      } catch (e) {
        // another device pushed between our pull and our push: pull its change and try again
        if ((e as { name?: string }).name === 'ResourceConflictException' && attempt < maxRetries) continue;
        throw e;
      }

      await this.locked(name, async () => {
        const sent = new Map(toPush.map((r) => [r.key, r]));
        const updated: CachedRecord[] = [];
        let highest = 0;
        for (const r of pushed.Records ?? []) {
          const theirs = fromRemote(r);
          highest = Math.max(highest, theirs.syncCount);
          const before = sent.get(theirs.key);
          const now = await cache.record(id, name, theirs.key);
          if (!now || !before) continue;
          if (now.value === before.value && now.deviceLastModified === before.deviceLastModified) {
            updated.push(theirs);
            result.pushed.push(theirs.key);
          } else updated.push({ ...now, syncCount: theirs.syncCount }); // changed again meanwhile: still queued, on the new version
        }
        // our push made exactly the next sync count: nothing from elsewhere lies in between, so skip ahead over our
        // own echo; otherwise the next pull starts where this one ended (and sees our records again, harmlessly)
        const base = remote.DatasetSyncCount ?? 0;
        result.syncCount = highest === base + 1 ? highest : base;
        await cache.commit(id, name, { name, lastSyncCount: result.syncCount }, updated);
      });
      return result;
    }
  }
}
