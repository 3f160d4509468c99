// The offline-first sync client (client/, `cognate/sync`) against a real Cognate server through the real
// @aws-sdk/client-cognito-sync, with identity credentials from fromCognitoIdentityPool: two devices of one user, each
// with its own SQLite cache file, editing one dataset — online, offline and back, in conflict, restarted, and after
// the dataset was deleted elsewhere, and live through the change feed (subscribe). Each device reaches the server through a Link that the test can cut.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoSyncClient, DeleteDatasetCommand, ListRecordsCommand, UpdateRecordsCommand } from '@aws-sdk/client-cognito-sync';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { IDBFactory } from 'fake-indexeddb';
import { EventSource } from 'eventsource';
import { IndexedDbCache, SyncClient, isNetworkError, type Dataset, type SyncClientOptions, type SyncConflict, type SyncResult } from '../../client/index.ts';
import { SqliteCache } from '../../client/sqlite-cache.ts';
import { systemClock } from '../../src/runtime/clock.ts';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { setUpIdentityPool, type IdentityPoolSetup } from '../support/identity-pool.ts';
import { Link } from '../support/link.ts';

let s: TestServer;
let p: IdentityPoolSetup;
let dir: string;
let idToken: string;
const PW = 'Passw0rd!';
const open: { client: SyncClient; link: Link }[] = [];
const services: CognitoSyncClient[] = [];
let files = 0;

before(async () => {
  s = await startServerOnStoreUnderTest(systemClock, 'sync_client', 4);
  p = await setUpIdentityPool(s, 'syncclient', ['alice'], PW);
  await p.iam.send(new PutRolePolicyCommand({ RoleName: p.authRole.name, PolicyName: 'sync',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cognito-sync:*'], Resource: '*' }] }) }));
  const auth = await s.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: p.clientId, AuthParameters: { USERNAME: 'alice', PASSWORD: PW } }));
  idToken = auth.AuthenticationResult!.IdToken!;
  dir = mkdtempSync(join(tmpdir(), 'cognate-sync-client-'));
});
after(async () => {
  for (const d of open) {
    await d.client.close().catch(() => undefined);
    await d.link.close();
  }
  for (const c of services) c.destroy();
  p.iam.destroy();
  p.admin.destroy();
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});
testOnPostgres(() => s);

const credentials = () =>
  fromCognitoIdentityPool({ identityPoolId: p.identityPoolId, logins: { [p.provider]: idToken }, clientConfig: { region: s.deps.config.region, endpoint: s.url, maxAttempts: 1 } });

/** A device of alice: a SyncClient with its own cache file, reaching the server through its own Link. */
async function device(o: Partial<SyncClientOptions> & { file?: string } = {}) {
  const link = await Link.to(s.url);
  const file = o.file ?? join(dir, `device-${++files}.db`);
  const client = new SyncClient({
    identityPoolId: p.identityPoolId,
    cache: new SqliteCache(file),
    endpoint: link.url,
    region: s.deps.config.region,
    credentials: credentials(),
    clientConfig: { maxAttempts: 1 },
    events: null,
    ...o,
  });
  open.push({ client, link });
  return { client, link, file };
}

/** A service client (the real SDK) whose UpdateRecords calls run through `around`, to time other events against a
 * push: before it is sent, or after the server applied it. */
function aroundUpdates(around: (send: () => Promise<unknown>) => Promise<unknown>): CognitoSyncClient {
  const service = new CognitoSyncClient({ region: s.deps.config.region, endpoint: s.url, credentials: credentials(), maxAttempts: 1 });
  service.middlewareStack.add(
    (next, context) => (args) => (context.commandName === 'UpdateRecordsCommand' ? (around(() => next(args)) as ReturnType<typeof next>) : next(args)),
    { step: 'initialize', name: 'around-updates' },
  );
  services.push(service);
  return service;
}

/** The server's view of alice's dataset, read with the SDK directly (not through the client under test). */
async function serverRecords(name: string): Promise<Record<string, string | null>> {
  const sync = new CognitoSyncClient({ region: s.deps.config.region, endpoint: s.url, credentials: credentials(), maxAttempts: 1 });
  try {
    const identityId = (await credentials()()).identityId;
    const out = await sync.send(new ListRecordsCommand({ IdentityPoolId: p.identityPoolId, IdentityId: identityId, DatasetName: name }));
    return Object.fromEntries((out.Records ?? []).map((r) => [r.Key!, r.Value ?? null]));
  } finally {
    sync.destroy();
  }
}

test('two devices share a dataset: puts and removes made on one appear on the other after each synchronizes', async () => {
  const a = await device();
  const b = await device();
  const da = await a.client.openOrCreateDataset('profile');
  await da.put('name', 'Alice');
  await da.put('color', 'blue');
  assert.equal(await da.get('name'), 'Alice', 'a write is readable locally at once');
  assert.deepEqual((await da.pending()).sort(), ['color', 'name']);
  const first = await da.synchronize();
  assert.deepEqual(first.pushed.sort(), ['color', 'name']);
  assert.equal(first.syncCount, 1);
  assert.deepEqual(await da.pending(), []);

  const db = await b.client.openOrCreateDataset('profile');
  const pulled = await db.synchronize();
  assert.deepEqual(pulled.pulled.sort(), ['color', 'name']);
  assert.deepEqual(await db.getAll(), { color: 'blue', name: 'Alice' });

  await db.remove('color');
  await db.put('city', 'Lyon');
  await db.synchronize();
  const back = await da.synchronize();
  assert.deepEqual(back.pulled.sort(), ['city', 'color']);
  assert.equal(back.conflicts, 0);
  assert.deepEqual(await da.getAll(), { city: 'Lyon', name: 'Alice' });
  assert.deepEqual(await serverRecords('profile'), { city: 'Lyon', color: null, name: 'Alice' }, 'the remove is a tombstone on the server');
});

test('offline: writes stay queued through a failed sync, and the online event pushes them and pulls what came meanwhile', async () => {
  const events = new EventTarget();
  const synced: SyncResult[] = [];
  const errors: unknown[] = [];
  const a = await device();
  const b = await device({ events, onSync: (r) => synced.push(r), onError: (e) => errors.push(e) });
  const da = await a.client.openOrCreateDataset('notes');
  const db = await b.client.openOrCreateDataset('notes');
  await da.put('shared', 'one');
  await da.synchronize();
  await db.synchronize();

  b.link.down();
  await db.put('offline-note', 'written on the train');
  const err = await db.synchronize().then(() => undefined, (e: unknown) => e);
  assert.ok(err, 'synchronize rejects while offline');
  assert.equal(isNetworkError(err), true);
  assert.deepEqual(await db.pending(), ['offline-note'], 'the write is still queued');
  assert.equal(await db.get('offline-note'), 'written on the train');
  await da.put('shared', 'two'); // meanwhile, on the other device
  await da.synchronize();

  b.link.restore();
  events.dispatchEvent(new Event('online'));
  for (let i = 0; i < 100 && synced.length === 0 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(errors, []);
  assert.equal(synced.length, 1);
  assert.deepEqual(synced[0]!.pushed, ['offline-note']);
  assert.deepEqual(synced[0]!.pulled, ['shared']);
  assert.deepEqual(await db.pending(), []);
  await da.synchronize();
  assert.deepEqual(await da.getAll(), { 'offline-note': 'written on the train', shared: 'two' });
  assert.deepEqual(await db.getAll(), await da.getAll());
});

/** Both devices change `key` of a fresh dataset; a pushes first, then b synchronizes with `handler`. */
async function conflict(name: string, b: Partial<SyncClientOptions>, times: { a: number; b: number }) {
  const a = await device({ now: () => times.a });
  const other = await device({ ...b, now: () => times.b });
  const da = await a.client.openOrCreateDataset(name);
  const db = await other.client.openOrCreateDataset(name);
  await da.put('key', 'base');
  await da.synchronize();
  await db.synchronize();
  await da.put('key', 'from-a');
  await db.put('key', 'from-b');
  await da.synchronize();
  const result = await db.synchronize();
  await da.synchronize();
  return { result, a: await da.get('key'), b: await db.get('key'), server: (await serverRecords(name)).key, pendingB: await db.pending() };
}

test('a conflict resolved with the remote value: b takes a\'s value and pushes nothing', async () => {
  const seen: SyncConflict[] = [];
  const t0 = Date.UTC(2026, 0, 1);
  const r = await conflict('c-remote', { conflictHandler: (c) => (seen.push(c), 'remote') }, { a: t0, b: t0 + 1000 });
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.key, 'key');
  assert.equal(seen[0]!.local.value, 'from-b');
  assert.equal(seen[0]!.remote.value, 'from-a');
  assert.equal(seen[0]!.remote.deviceLastModified?.getTime(), t0);
  assert.equal(seen[0]!.remote.syncCount, 2);
  assert.equal(r.result.conflicts, 1);
  assert.deepEqual(r.result.pushed, []);
  assert.deepEqual([r.a, r.b, r.server], ['from-a', 'from-a', 'from-a']);
  assert.deepEqual(r.pendingB, []);
});

test('a conflict resolved with the local value: b\'s value overwrites a\'s on the server and on a', async () => {
  const t0 = Date.UTC(2026, 0, 1);
  const r = await conflict('c-local', { conflictHandler: () => 'local' }, { a: t0 + 1000, b: t0 });
  assert.deepEqual(r.result.pushed, ['key']);
  assert.deepEqual([r.a, r.b, r.server], ['from-b', 'from-b', 'from-b']);
});

test('a conflict resolved with a merged value, pushed to the server and seen by a', async () => {
  const t0 = Date.UTC(2026, 0, 1);
  const r = await conflict('c-merged', { conflictHandler: (c) => ({ merged: `${c.remote.value}+${c.local.value}` }) }, { a: t0, b: t0 });
  assert.deepEqual([r.a, r.b, r.server], ['from-a+from-b', 'from-a+from-b', 'from-a+from-b']);
});

test('without a handler the most recent change wins, by the device times of both changes', async () => {
  const t0 = Date.UTC(2026, 0, 1);
  const newerLocal = await conflict('c-default-1', {}, { a: t0, b: t0 + 5000 });
  assert.deepEqual([newerLocal.a, newerLocal.b, newerLocal.server], ['from-b', 'from-b', 'from-b']);
  const newerRemote = await conflict('c-default-2', {}, { a: t0 + 5000, b: t0 });
  assert.deepEqual([newerRemote.a, newerRemote.b, newerRemote.server], ['from-a', 'from-a', 'from-a']);
});

test('another device pushing between the pull and the push: ResourceConflictException, pulled again and retried; bounded', async () => {
  const a = await device();
  const b = await device();
  const da = await a.client.openOrCreateDataset('race');
  const db = await b.client.openOrCreateDataset('race');
  await da.put('k', 'v0');
  await da.synchronize();
  await db.synchronize();

  // just before a's UpdateRecords goes out, b changes the same key on the server (through the real SDK middleware)
  const updates: string[] = [];
  let interfere = true;
  const service = aroundUpdates(async (send) => {
    if (interfere) {
      interfere = false;
      await db.put('k', 'from-b');
      await db.synchronize();
    }
    try {
      const out = await send();
      updates.push('ok');
      return out;
    } catch (e) {
      updates.push((e as Error).name);
      throw e;
    }
  });
  const racer = await device({ file: a.file, client: service, conflictHandler: (c) => ({ merged: `${c.remote.value}|${c.local.value}` }) });
  await a.client.close();
  const dr = await racer.client.openOrCreateDataset('race');
  await dr.put('k', 'from-a');
  const r = await dr.synchronize();
  assert.deepEqual(updates, ['ResourceConflictException', 'ok']);
  assert.equal(r.conflicts, 1);
  assert.equal((await serverRecords('race')).k, 'from-b|from-a');

  // with no retries left the error comes out, and the write stays queued
  interfere = true;
  updates.length = 0;
  const bounded = await device({ file: a.file, client: service, maxRetries: 0 });
  await racer.client.close();
  const dn = await bounded.client.openOrCreateDataset('race');
  await dn.put('k', 'again');
  const e = await awsErrorOf(() => dn.synchronize());
  assert.equal(e.name, 'ResourceConflictException');
  assert.match(e.message, /^Current SyncCount for: k is: \d+ not: \d+$/);
  assert.deepEqual(await dn.pending(), ['k']);
});

test('a restarted device reads its cache back, queued writes included, and pushes them', async () => {
  const a = await device();
  const da = await a.client.openOrCreateDataset('diary');
  await da.put('monday', 'synced');
  await da.synchronize();
  await da.put('tuesday', 'queued');
  await a.client.close(); // the process ends

  const again = await device({ file: a.file });
  assert.deepEqual(await again.client.listLocalDatasets(), ['diary']);
  const d = await again.client.openOrCreateDataset('diary');
  assert.deepEqual(await d.getAll(), { monday: 'synced', tuesday: 'queued' });
  assert.deepEqual(await d.pending(), ['tuesday']);
  const r = await d.synchronize();
  assert.deepEqual(r.pushed, ['tuesday']);
  assert.deepEqual(r.pulled, [], 'what it had synced before the restart is not pulled again');
  assert.deepEqual(await serverRecords('diary'), { monday: 'synced', tuesday: 'queued' });
});

test('a dataset deleted on the server: onDatasetDeleted drops the local copy, or keeps it and pushes it back', async () => {
  const asked: string[] = [];
  let choice: 'keep' | 'delete' = 'delete';
  const a = await device();
  const b = await device({ onDatasetDeleted: (name) => (asked.push(name), choice) });
  const identityId = await a.client.identity();
  for (const name of ['gone', 'kept']) {
    const da = await a.client.openOrCreateDataset(name);
    await da.put('x', '1');
    await da.synchronize();
    await (await b.client.openOrCreateDataset(name)).synchronize();
    const sync = new CognitoSyncClient({ region: s.deps.config.region, endpoint: s.url, credentials: credentials(), maxAttempts: 1 });
    await sync.send(new DeleteDatasetCommand({ IdentityPoolId: p.identityPoolId, IdentityId: identityId, DatasetName: name }));
    sync.destroy();
  }

  const gone = await b.client.openOrCreateDataset('gone');
  const r1 = await gone.synchronize();
  assert.equal(r1.deletedRemotely, true);
  assert.deepEqual(asked, ['gone']);
  assert.deepEqual(await gone.getAll(), {});
  assert.deepEqual(await serverRecords('gone'), {});

  choice = 'keep';
  const kept = await b.client.openOrCreateDataset('kept');
  await kept.put('y', '2');
  const r2 = await kept.synchronize();
  assert.equal(r2.deletedRemotely, true);
  assert.deepEqual(asked, ['gone', 'kept']);
  assert.deepEqual(r2.pushed.sort(), ['x', 'y']);
  assert.deepEqual(await serverRecords('kept'), { x: '1', y: '2' });
  const again = await kept.synchronize();
  assert.equal(again.deletedRemotely, false, 'asked once');
});

test('change-feed notifications (notifyRemoteChange, or follow() over a feed) make a device pull at once', async () => {
  const synced: SyncResult[] = [];
  const a = await device();
  const b = await device({ onSync: (r) => synced.push(r) });
  const da = await a.client.openOrCreateDataset('live');
  const db = await b.client.openOrCreateDataset('live');
  await da.put('score', '1');
  await da.synchronize();
  await b.client.notifyRemoteChange('live');
  assert.equal(await db.get('score'), '1');

  let push!: (name: string) => void;
  let end!: () => void;
  async function* feed() {
    while (true) {
      const next = await new Promise<string | null>((resolve) => ((push = resolve), (end = () => resolve(null))));
      if (next === null) return;
      yield { datasetName: next };
    }
  }
  const following = b.client.follow(feed());
  await da.put('score', '2');
  await da.synchronize();
  push('live');
  for (let i = 0; i < 100 && synced.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  end();
  await following;
  assert.equal(synced.length, 2);
  assert.equal(await db.get('score'), '2');
});

test('bad input is refused locally and changes nothing', async () => {
  const a = await device();
  await assert.rejects(a.client.openOrCreateDataset('no spaces'), TypeError);
  const d = await a.client.openOrCreateDataset('strict');
  await assert.rejects(d.put('', 'x'), RangeError);
  await assert.rejects(d.put('k'.repeat(1025), 'x'), RangeError);
  await assert.rejects(d.put('k', 'v'.repeat(1_048_576)), RangeError);
  assert.deepEqual(await d.pending(), []);
  // and a write through the SDK elsewhere is no conflict to a device with nothing pending
  const identityId = await a.client.identity();
  const sync = new CognitoSyncClient({ region: s.deps.config.region, endpoint: s.url, credentials: credentials(), maxAttempts: 1 });
  const at = { IdentityPoolId: p.identityPoolId, IdentityId: identityId, DatasetName: 'strict' };
  const token = (await sync.send(new ListRecordsCommand(at))).SyncSessionToken!;
  await sync.send(new UpdateRecordsCommand({ ...at, SyncSessionToken: token, RecordPatches: [{ Op: 'replace', Key: 'k', Value: 'v', SyncCount: 0 }] }));
  sync.destroy();
  const r = await d.synchronize();
  assert.deepEqual([r.pulled, r.conflicts], [['k'], 0]);
});

test('a push that lands after another device\'s push to other keys: the next sync still pulls that device\'s change, and its own echo is no conflict', async () => {
  const b = await device();
  const db = await b.client.openOrCreateDataset('interleaved');
  let interfere = true;
  const service = aroundUpdates(async (send) => {
    if (interfere) {
      interfere = false;
      await db.put('from-b', 'b'); // lands between a's pull and a's push, on another key: no conflict
      await db.synchronize();
    }
    return send();
  });
  const conflicts: SyncConflict[] = [];
  const racer = await device({ client: service, conflictHandler: (c) => (conflicts.push(c), 'remote') });
  const da = await racer.client.openOrCreateDataset('interleaved');
  await da.put('from-a', 'a');
  const first = await da.synchronize();
  assert.deepEqual(first.pushed, ['from-a']);
  await da.put('from-a', 'a2'); // changed again: the echo of its own push that the next pull brings is no conflict
  const second = await da.synchronize();
  assert.deepEqual(second.pulled, ['from-b']);
  assert.deepEqual(second.pushed, ['from-a']);
  assert.deepEqual(conflicts, []);
  assert.deepEqual(await da.getAll(), { 'from-a': 'a2', 'from-b': 'b' });
  assert.deepEqual(await serverRecords('interleaved'), { 'from-a': 'a2', 'from-b': 'b' });
});

test('a write made while its earlier value is being pushed stays queued, on top of the version the push made', async () => {
  let dataset: Awaited<ReturnType<SyncClient['openOrCreateDataset']>> | undefined;
  const service = aroundUpdates(async (send) => {
    const out = await send();
    if ((await dataset!.get('k')) === 'first') await dataset!.put('k', 'second');
    return out;
  });
  const d = await device({ client: service });
  dataset = await d.client.openOrCreateDataset('busy');
  await dataset.put('k', 'first');
  const first = await dataset.synchronize();
  assert.deepEqual(first.pushed, []);
  assert.equal(await dataset.get('k'), 'second');
  assert.deepEqual(await dataset.pending(), ['k']);
  const second = await dataset.synchronize();
  assert.deepEqual([second.pushed, second.conflicts], [['k'], 0]);
  assert.deepEqual(await serverRecords('busy'), { k: 'second' });
});

test('a browser device (IndexedDbCache, over fake-indexeddb) syncs with a Node device, and finds its data after a reload', async () => {
  const factory = new IDBFactory();
  const node = await device();
  const browser = await device({ cache: new IndexedDbCache('app', factory) });
  const dn = await node.client.openOrCreateDataset('prefs');
  await dn.put('theme', 'dark');
  await dn.synchronize();
  const db = await browser.client.openOrCreateDataset('prefs');
  await db.put('lang', 'fr');
  const r = await db.synchronize();
  assert.deepEqual([r.pulled, r.pushed], [['theme'], ['lang']]);
  await db.put('font', 'serif'); // queued when the page closes
  await browser.client.close();

  const reloaded = await device({ cache: new IndexedDbCache('app', factory) });
  const again = await reloaded.client.openOrCreateDataset('prefs');
  assert.deepEqual(await again.getAll(), { font: 'serif', lang: 'fr', theme: 'dark' });
  assert.deepEqual(await again.pending(), ['font']);
  await again.synchronize();
  await dn.synchronize();
  assert.deepEqual(await dn.getAll(), { font: 'serif', lang: 'fr', theme: 'dark' });
});

test('a device started offline without an identityId: opening fails until the network is back, then works', async () => {
  const link = await Link.to(s.url);
  const viaLink = fromCognitoIdentityPool({ identityPoolId: p.identityPoolId, logins: { [p.provider]: idToken }, clientConfig: { region: s.deps.config.region, endpoint: link.url, maxAttempts: 1 } });
  link.down();
  const d = await device({ credentials: viaLink });
  const err = await d.client.openOrCreateDataset('late').then(() => undefined, (e: unknown) => e);
  assert.ok(err && isNetworkError(err));
  link.restore();
  const dataset = await d.client.openOrCreateDataset('late');
  await dataset.put('k', 'v');
  assert.deepEqual((await dataset.synchronize()).pushed, ['k']);
  await link.close();
});

test('the answer to a push lost on the way back: the writes stay queued, and the next sync finds them applied, with no conflict to settle', async () => {
  let lose = true;
  const service = aroundUpdates(async (send) => {
    const out = await send();
    if (lose) {
      lose = false; // the server applied it; the connection dies before the answer is read
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }
    return out;
  });
  const asked: SyncConflict[] = [];
  const d = await device({ client: service, conflictHandler: (c) => (asked.push(c), 'local') });
  const ds = await d.client.openOrCreateDataset('lost-answer');
  await ds.put('k', 'v');
  const err = await ds.synchronize().then(() => undefined, (e: unknown) => e);
  assert.ok(err && isNetworkError(err));
  assert.deepEqual(await ds.pending(), ['k']);
  const r = await ds.synchronize();
  assert.deepEqual([r.pulled, r.pushed, r.conflicts, r.syncCount], [['k'], [], 1, 1]);
  assert.deepEqual(asked, []);
  assert.deepEqual(await ds.pending(), []);
  assert.deepEqual(await serverRecords('lost-answer'), { k: 'v' });
});

// ---- push: the client opening the change feed itself (subscribe), with the `eventsource` package as Node's EventSource ----

/** A device whose feed is reopened quickly after a drop. */
const live = (o: Partial<SyncClientOptions> = {}) => device({ feed: { EventSource, reconnectDelayMs: 100 }, ...o });

/** Polls the local cache until `key` holds `value`; answers the ms it took, or null after `ms`. */
async function seen(ds: Dataset, key: string, value: string, ms: number, since = Date.now()): Promise<number | null> {
  const deadline = since + ms;
  for (;;) {
    if ((await ds.get(key)) === value) return Date.now() - since;
    if (Date.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, 10));
  }
}

test("subscribed devices: a change pushed by one is in the other's cache within a second, with no sync call", async () => {
  const a = await live();
  const b = await live();
  const [da, db] = [await a.client.openOrCreateDataset('live'), await b.client.openOrCreateDataset('live')];
  await Promise.all([a.client.subscribe('live'), b.client.subscribe('live')]);
  await da.put('theme', 'dark');
  const sent = Date.now();
  await da.synchronize();
  const took = await seen(db, 'theme', 'dark', 1000, sent);
  assert.ok(took !== null, 'b has a\'s change within a second');
  // and back the other way
  await db.put('font', 'serif');
  const sent2 = Date.now();
  await db.synchronize();
  assert.ok((await seen(da, 'font', 'serif', 1000, sent2)) !== null, 'a has b\'s change within a second');
  assert.deepEqual(await da.getAll(), await db.getAll());
});

test('both edit one key offline, come back online (the feed reopens by itself), the handler settles the conflict, and both converge', async () => {
  const asked: SyncConflict[] = [];
  const merge = { conflictHandler: (c: SyncConflict) => (asked.push(c), { merged: [c.local.value, c.remote.value].sort().join('+') }) };
  const a = await live(merge);
  const b = await live(merge);
  const [da, db] = [await a.client.openOrCreateDataset('offline'), await b.client.openOrCreateDataset('offline')];
  await Promise.all([a.client.subscribe('offline'), b.client.subscribe('offline')]);
  await da.put('note', 'start');
  await da.synchronize();
  assert.ok((await seen(db, 'note', 'start', 1000)) !== null);

  a.link.down();
  b.link.down();
  await da.put('note', 'from-a');
  await db.put('note', 'from-b');
  await new Promise((r) => setTimeout(r, 300)); // the feeds notice the drop and keep trying
  assert.equal(await db.get('note'), 'from-b');
  a.link.restore();
  b.link.restore();
  // no sync call: the reopened feeds synchronize, the second pusher meets the conflict, the merge reaches the first
  assert.ok((await seen(da, 'note', 'from-a+from-b', 3000)) !== null, `a: ${await da.get('note')}`);
  assert.ok((await seen(db, 'note', 'from-a+from-b', 3000)) !== null, `b: ${await db.get('note')}`);
  assert.ok(asked.length >= 1, 'the conflict handler was asked');
  assert.deepEqual(asked[0]!.key, 'note');
  assert.deepEqual([asked[0]!.local.value, asked[0]!.remote.value].sort(), ['from-a', 'from-b']);
  assert.deepEqual([await da.pending(), await db.pending()], [[], []]);

  // the reopened feeds carry changes live again
  await db.put('after', 'x');
  const sent = Date.now();
  await db.synchronize();
  assert.ok((await seen(da, 'after', 'x', 1000, sent)) !== null);
});

test('subscribe offline rejects and records nothing; called again online, it works', async () => {
  const a = await live();
  await a.client.openOrCreateDataset('later'); // reads the identity while online
  a.link.down();
  await assert.rejects(a.client.subscribe('later'));
  a.link.restore();
  await a.client.subscribe('later');
  const b = await live();
  const dsb = await b.client.openOrCreateDataset('later');
  await dsb.put('k', 'v');
  await dsb.synchronize();
  assert.ok((await seen(await a.client.openOrCreateDataset('later'), 'k', 'v', 1000)) !== null);
});
