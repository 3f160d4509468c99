// Cognito Sync throughput and change-feed latency, on SQLite and (with --database-url or COGNATE_TEST_DATABASE_URL)
// PostgreSQL, through the real @aws-sdk/client-cognito-sync with identity credentials (fromCognitoIdentityPool), in
// this process's server (the load generator shares its CPU). Per store: a baseline of ListDatasets calls/s (one signed
// round trip with no records, measured in the same run), UpdateRecords and ListRecords in records/s with the ratio
// of records to baseline calls, and the change feed's latency (UpdateRecords sent → the event at a subscribed feed,
// read with the `eventsource` package), p50/p99.
//   node --import tsx bench/sync.ts [--seconds 5] [--batch 100] [--concurrency 4] [--events 200] [--database-url URL]
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import {
  ListDatasetsCommand,
  ListRecordsCommand,
  RegisterDeviceCommand,
  SubscribeToDatasetCommand,
  UpdateRecordsCommand,
  type CognitoSyncClient,
} from '@aws-sdk/client-cognito-sync';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { systemClock } from '../src/runtime/clock.ts';
import { openPostgresStore } from '../src/storage/postgres/index.ts';
import { startTestServer, type TestServer } from '../test/support/server.ts';
import { setUpIdentityPool } from '../test/support/identity-pool.ts';
import { signedInIdentity } from '../test/support/sync-identity.ts';
import { openFeed, presignedFeedUrl } from '../test/support/sync-feed.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : dflt;
};
const SECONDS = Number(opt('seconds', '5'));
const BATCH = Number(opt('batch', '100'));
const CONCURRENCY = Number(opt('concurrency', '4'));
const EVENTS = Number(opt('events', '200'));
const DB_URL = opt('database-url', process.env.COGNATE_TEST_DATABASE_URL ?? '');
const TARGET = 2000;

const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

/** Runs `round` in CONCURRENCY closed loops for SECONDS; answers units per second. */
async function loop(round: (worker: number) => Promise<number>): Promise<number> {
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  const done = await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      let n = 0;
      while (performance.now() < end) n += await round(w);
      return n;
    }),
  );
  return done.reduce((a, b) => a + b, 0) / ((performance.now() - t0) / 1000);
}

async function benchStore(kind: 'sqlite' | 'postgres', s: TestServer) {
  const p = await setUpIdentityPool(s, `bench${kind}`, ['alice'], 'Passw0rd!');
  await p.iam.send(new PutRolePolicyCommand({ RoleName: p.authRole.name, PolicyName: 'sync',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cognito-sync:*'], Resource: '*' }] }) }));
  const who = await signedInIdentity(s, p, 'alice', 'Passw0rd!');
  const c: CognitoSyncClient = who.sync;
  const at = { IdentityPoolId: p.identityPoolId, IdentityId: who.identityId };

  // UpdateRecords: each worker rewrites BATCH records of its own dataset per round (ListRecords since its last count
  // for the session token, then one UpdateRecords); counted: records written.
  const state = Array.from({ length: CONCURRENCY }, () => ({ syncCount: 0, counts: new Map<string, number>() }));
  const write = async (w: number) => {
    const ds = { ...at, DatasetName: `w${w}` };
    const st = state[w]!;
    const listed = await c.send(new ListRecordsCommand({ ...ds, LastSyncCount: st.syncCount }));
    const out = await c.send(new UpdateRecordsCommand({ ...ds, SyncSessionToken: listed.SyncSessionToken!,
      RecordPatches: Array.from({ length: BATCH }, (_, i) => ({ Op: 'replace' as const, Key: `k${i}`, Value: randomBytes(16).toString('hex'), SyncCount: st.counts.get(`k${i}`) ?? 0 })) }));
    for (const r of out.Records ?? []) {
      st.counts.set(r.Key!, r.SyncCount!);
      st.syncCount = Math.max(st.syncCount, r.SyncCount!);
    }
    return BATCH;
  };
  await write(0); // warm up
  const baseline = await loop(async () => (await c.send(new ListDatasetsCommand(at)), 1));
  const update = await loop(write);
  // ListRecords: each worker reads its whole dataset (BATCH records, from sync count 0)
  const list = await loop(async (w) => (await c.send(new ListRecordsCommand({ ...at, DatasetName: `w${w}` }))).Records?.length ?? 0);

  // the change feed: one subscribed device, EVENTS single-record writes in turn, each timed to its event
  const DeviceId = (await c.send(new RegisterDeviceCommand({ ...at, Platform: 'GCM', Token: 'bench' }))).DeviceId!;
  await c.send(new SubscribeToDatasetCommand({ ...at, DatasetName: 'feed', DeviceId }));
  const feed = openFeed(await presignedFeedUrl(s.url, s.deps.config.region, who.credentials, { ...at, DeviceId }));
  await feed.ready;
  const lat: number[] = [];
  let count = 0;
  for (let i = 0; i < EVENTS; i++) {
    const listed = await c.send(new ListRecordsCommand({ ...at, DatasetName: 'feed', LastSyncCount: count }));
    const wall = Date.now();
    const out = await c.send(new UpdateRecordsCommand({ ...at, DatasetName: 'feed', SyncSessionToken: listed.SyncSessionToken!, RecordPatches: [{ Op: 'replace', Key: 'k', Value: String(i), SyncCount: count }] }));
    count = out.Records![0]!.SyncCount!;
    const ev = await feed.next(5000);
    if (!ev) throw new Error('no feed event within 5 s');
    lat.push(Math.max(ev.at - wall, 0)); // ms, as the feed stamps arrivals
  }
  feed.close();
  who.sync.destroy();
  p.iam.destroy();
  p.admin.destroy();
  return { baseline, update, list, p50: pct(lat, 0.5), p99: pct(lat, 0.99) };
}

const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`cognito-sync bench: ${SECONDS}s per measure, ${CONCURRENCY} concurrent loops, ${BATCH} records per UpdateRecords/ListRecords, ${EVENTS} feed events; ${os.cpus().length} cores, load average before: ${load}`);
const rows: string[] = [];
for (const kind of ['sqlite', ...(DB_URL ? ['postgres' as const] : [])] as const) {
  let s: TestServer;
  let drop = async () => {};
  if (kind === 'sqlite') s = await startTestServer({ clock: systemClock });
  else {
    const schema = `bench_sync_${process.pid}`;
    const store = await openPostgresStore(DB_URL, { schema, poolSize: 8 });
    await store.migrate();
    s = await startTestServer({ clock: systemClock, store });
    drop = async () => {
      const c = new pg.Client({ connectionString: DB_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    };
  }
  try {
    const r = await benchStore(kind, s);
    const f = (n: number) => Math.round(n).toLocaleString('en-US');
    rows.push(
      `${kind.padEnd(8)}  baseline ListDatasets ${f(r.baseline)} calls/s | UpdateRecords ${f(r.update)} records/s (${(r.update / r.baseline).toFixed(1)}× baseline, target ${TARGET}: ${r.update >= TARGET ? 'met' : 'MISSED'}) | ListRecords ${f(r.list)} records/s (${(r.list / r.baseline).toFixed(1)}×, ${r.list >= TARGET ? 'met' : 'MISSED'}) | feed latency p50 ${r.p50} ms, p99 ${r.p99} ms`,
    );
    console.log(rows.at(-1));
  } finally {
    await s.close();
    await drop();
  }
}
console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.exit(0);
