// Benchmarks, run on demand (`npm run bench`), never in `npm test`. In one run on this machine, for each store
// (SQLite, PostgreSQL) and worker count (1, the default) and each flow (USER_PASSWORD_AUTH, an SRP sign-in,
// REFRESH_TOKEN_AUTH, GetUser), against the compiled server as `npm start` runs it: the rate, p50/p99, the server's
// CPU per operation (primary + workers, from /proc) next to the crypto the flow cannot avoid (measured in this run),
// on PostgreSQL the database's CPU and round trips per operation, and cognito-local's rate for the same flow.
// --profile also runs each flow once more under the V8 profiler and prints the top self-time functions.
// See bench/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { build, freshDatabase, processCpuMs, startServer, stopServer, treePids, type Server } from './soak-servers.ts';
import { FLOWS, FLOW_NAMES, USER_POOL_FLOWS, runFlow, setUp, setUpIdentity, type Fixture, type Flow, type Load } from './bench-flows.ts';
import { flowCryptoCost, measureCryptoCosts, type CryptoCosts } from './bench-crypto.ts';
import { formatSummary, summarise } from './profile-summary.ts';

const USAGE = `usage: npm run bench -- [--store sqlite|postgres|both] [--workers 1|default|both] [--flows password,srp,refresh,getuser,health,identity,authorize]
       [--duration 5] [--warmup 1] [--connections 16] [--no-cognito-local] [--profile] [--top 15] [--database-url URL]`;
const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : def;
};
const DURATION = Number(opt('duration', '5'));
const WARMUP = Number(opt('warmup', '1'));
const CONNECTIONS = Number(opt('connections', '16'));
const TOP = Number(opt('top', '15'));
const STORE = opt('store', 'both');
const WORKERS = opt('workers', 'both');
const SELECTED = opt('flows', FLOWS.join(',')).split(',') as Flow[];
const WITH_COGNITO_LOCAL = !args.includes('--no-cognito-local');
const PROFILE = args.includes('--profile');
const ADMIN_URL = opt('database-url', process.env.COGNATE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
if (
  !['sqlite', 'postgres', 'both'].includes(STORE) ||
  !['1', 'default', 'both'].includes(WORKERS) ||
  SELECTED.some((f) => !FLOWS.includes(f)) ||
  !(DURATION > 0 && WARMUP >= 0 && CONNECTIONS > 0)
) {
  console.error(USAGE);
  process.exit(2);
}
const flows = FLOWS.filter((f) => SELECTED.includes(f));
const stores = STORE === 'both' ? (['sqlite', 'postgres'] as const) : ([STORE] as ['sqlite' | 'postgres']);
const workerCounts = WORKERS === 'both' ? ['1', 'default'] : [WORKERS];
const CORES = availableParallelism();
const root = new URL('../', import.meta.url).pathname;
const tmp = join(root, '.tmp', 'bench');
const ADMIN = { accessKeyId: 'AKIA' + randomBytes(8).toString('hex').toUpperCase(), secretAccessKey: randomBytes(30).toString('base64') };
const MASTER_KEY = randomBytes(32).toString('base64'); // every server on the bench database must use the same
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface Row {
  store: string;
  workers: string;
  flow: Flow;
  load: Load;
  /** CPU ms per operation served (Load.sent): the server's processes, this load generator, PostgreSQL's backends. */
  serverCpu: number;
  /** The shares of serverCpu spent in the kernel (system time: sockets, fsync, …) and on the main threads (event loops). */
  serverSys: number;
  serverMain: number;
  clientCpu: number;
  dbCpu?: number;
  /** PostgreSQL round trips per operation, in total and by statement. */
  trips?: number;
  statements?: [string, number][];
}

const rate = (l: Load) => l.ops / l.seconds;
const loadNow = () => loadavg().map((x) => x.toFixed(2)).join(' ');

// ------------------------------------------------------------------------------------------ what a server uses

interface Probe {
  /** Processes whose CPU counts as the server's: the primary and its workers. */
  pid: number;
  /** The bench database's name, on PostgreSQL: its backends' CPU and the server's round trips. */
  database?: string;
  countDir?: string;
}

interface Snapshot {
  server: Map<number, number>;
  serverSys: Map<number, number>;
  serverMain: Map<number, number>;
  client: NodeJS.CpuUsage;
  db: Map<number, number>;
  statements: Map<string, number>;
}

const cpuOf = (pids: number[], part: 'all' | 'system' | 'main' = 'all') =>
  new Map(
    pids.map((p) => {
      const c = processCpuMs(p, part === 'main') ?? { user: 0, system: 0 };
      return [p, part === 'system' ? c.system : c.user + c.system];
    }),
  );
/** CPU used between two snapshots of the same processes (one started meanwhile counts from 0). */
const cpuSince = (a: Map<number, number>, b: Map<number, number>) => [...b].reduce((sum, [pid, ms]) => sum + ms - (a.get(pid) ?? 0), 0);

async function backends(database: string): Promise<number[]> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return (await c.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database])).rows.map((r) => r.pid as number);
  } finally {
    await c.end();
  }
}

/** Asks each server process for its round-trip counts (bench/pg-count.mjs) and sums them by statement. */
async function statementCounts(pids: number[], dir: string): Promise<Map<string, number>> {
  for (const p of pids) rmSync(join(dir, `${p}.json`), { force: true });
  for (const p of pids) process.kill(p, 'SIGUSR2');
  const out = new Map<string, number>();
  for (const p of pids) {
    const file = join(dir, `${p}.json`);
    for (let i = 0; i < 200 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 10));
    if (!existsSync(file)) throw new Error(`no round-trip counts from process ${p}`);
    for (const [k, n] of Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>)) out.set(k, (out.get(k) ?? 0) + n);
  }
  return out;
}

async function snapshot(p: Probe): Promise<Snapshot> {
  const pids = treePids(p.pid);
  const db = p.database ? cpuOf(await backends(p.database)) : new Map();
  const statements = p.countDir ? await statementCounts(pids, p.countDir) : new Map();
  return { server: cpuOf(pids), serverSys: cpuOf(pids, 'system'), serverMain: cpuOf(pids, 'main'), client: process.cpuUsage(), db, statements };
}

/** Warms the flow up, then measures it: load, and the CPU and round trips per successful operation. */
async function measure(p: Probe, fx: Fixture, flow: Flow, store: string, workers: string): Promise<Row> {
  if (WARMUP > 0) await runFlow(flow, fx, CONNECTIONS, WARMUP);
  const a = await snapshot(p);
  const load = await runFlow(flow, fx, CONNECTIONS, DURATION);
  const b = await snapshot(p);
  // Per operation the server worked on: autocannon leaves requests in flight when its time is up, which the server
  // still serves (16 of them are many at 50/s).
  const ops = Math.max(1, load.sent);
  const client = process.cpuUsage(a.client);
  const serverCpu = cpuSince(a.server, b.server) / ops;
  const serverSys = cpuSince(a.serverSys, b.serverSys) / ops / (serverCpu || 1);
  const serverMain = cpuSince(a.serverMain, b.serverMain) / ops / (serverCpu || 1);
  const row: Row = { store, workers, flow, load, serverCpu, serverSys, serverMain, clientCpu: (client.user + client.system) / 1000 / ops };
  if (p.database) row.dbCpu = cpuSince(a.db, b.db) / ops;
  if (p.countDir) {
    const per = [...b.statements].map(([k, n]) => [k, (n - (a.statements.get(k) ?? 0)) / ops] as [string, number]).filter(([, n]) => n > 0);
    row.statements = per.sort((x, y) => y[1] - x[1]);
    row.trips = per.reduce((s, [, n]) => s + n, 0);
  }
  return row;
}

// ------------------------------------------------------------------------------------------ Cognate

interface Store {
  name: 'sqlite' | 'postgres';
  args: () => string[];
  database?: string;
}

/** Starts Cognate on `store` with `workers` ('default': no --workers), optionally profiled; the round-trip counter on PostgreSQL. */
async function startCognate(store: Store, workers: string, cpuProfDir?: string): Promise<{ server: Server; probe: Probe }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cognate-bench-'));
  const countDir = store.database && !cpuProfDir ? mkdtempSync(join(tmp, 'pg-count-')) : undefined;
  // Node flags, not NODE_OPTIONS (which refuses --cpu-prof): cluster workers inherit the primary's execArgv.
  const nodeArgs = [
    ...(countDir ? [`--import=${new URL('./pg-count.mjs', import.meta.url).href}`] : []),
    ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []),
  ];
  const env = {
    COGNATE_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId,
    COGNATE_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
    COGNATE_MASTER_KEY: MASTER_KEY,
    ...(countDir ? { COGNATE_BENCH_PG_COUNT_DIR: countDir } : {}),
  };
  const args = ['--data-dir', dataDir, ...(workers === 'default' ? [] : ['--workers', workers]), ...store.args()];
  const server = await startServer(`cognate ${store.name}`, args, env, nodeArgs);
  return { server, probe: { pid: server.pid, database: store.database, countDir } };
}

/** The user-pool fixture, and the identity pool where an identity flow is selected. */
async function setUpCognate(url: string): Promise<Fixture> {
  const fx = await setUp(url, ADMIN, CONNECTIONS);
  if (flows.includes('identity') || flows.includes('authorize')) await setUpIdentity(fx, ADMIN);
  return fx;
}

const workersLabel = (w: string) => (w === 'default' ? `${CORES} (default)` : w);

async function benchCognate(store: Store, workers: string, rows: Row[]): Promise<void> {
  const { server, probe } = await startCognate(store, workers);
  try {
    const fx = await setUpCognate(server.url);
    for (const flow of flows) {
      const row = await measure(probe, fx, flow, store.name, workersLabel(workers));
      rows.push(row);
      console.log(`  ${store.name} · workers ${workersLabel(workers)} · ${FLOW_NAMES[flow]}: ${rate(row.load).toFixed(0)}/s (load ${loadNow()})`);
    }
  } finally {
    const code = await stopServer(server);
    if (code !== 0) console.log(`  (server exited ${code}: ${server.stderr().slice(-500)})`);
    if (probe.countDir) rmSync(probe.countDir, { recursive: true, force: true });
  }
}

/** Each flow on a fresh server under the V8 profiler (--cpu-prof, workers too); prints the top self-time functions. */
async function profileCognate(store: Store, workers: string, stamp: string): Promise<void> {
  for (const flow of flows) {
    const dir = join(tmp, 'profiles', stamp, `${store.name}-workers-${workers}-${flow}`);
    mkdirSync(dir, { recursive: true });
    const { server } = await startCognate(store, workers, dir);
    let load: Load;
    let window: { fromUs: number; toUs: number };
    try {
      const fx = await setUpCognate(server.url);
      if (WARMUP > 0) await runFlow(flow, fx, CONNECTIONS, WARMUP);
      const fromUs = Number(process.hrtime.bigint() / 1000n);
      load = await runFlow(flow, fx, CONNECTIONS, DURATION);
      window = { fromUs, toUs: Number(process.hrtime.bigint() / 1000n) };
    } finally {
      await stopServer(server); // the profiles are written as each process exits
    }
    let s = summarise(dir, window);
    const note = s.busyMs === 0 ? ' (no samples in the load window: whole profile shown)' : '';
    if (note) s = summarise(dir);
    console.log(`\n  profile: ${store.name} · workers ${workersLabel(workers)} · ${FLOW_NAMES[flow]}, ${rate(load).toFixed(0)}/s under the profiler${note} · ${dir.slice(root.length)}`);
    console.log(formatSummary(s, TOP, load.ops));
  }
}

// ------------------------------------------------------------------------------------------ cognito-local

/** cognito-local 5, installed on demand into .tmp/bench (not a project dependency); its rates per flow. */
async function benchCognitoLocal(): Promise<Map<Flow, Row>> {
  const out = new Map<Flow, Row>();
  const bin = join(tmp, 'node_modules/.bin/cognito-local');
  if (!existsSync(bin)) {
    mkdirSync(tmp, { recursive: true });
    console.log('installing cognito-local into .tmp/bench …');
    const r = spawnSync('npm', ['install', '--prefix', tmp, '--no-audit', '--no-fund', '--no-save', 'cognito-local@5'], { stdio: 'inherit' });
    if (r.status !== 0 || !existsSync(bin)) {
      console.log('could not install cognito-local; no comparison');
      return out;
    }
  }
  const child = spawn(bin, [], { cwd: mkdtempSync(join(tmpdir(), 'cognito-local-')), env: { ...process.env, PORT: '19229', HOST: '127.0.0.1', DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  try {
    for (let i = 0; i < 150 && !/started on|127\.0\.0\.1:19229|listening/i.test(log); i++) await new Promise((r) => setTimeout(r, 200));
    const fx = await setUp('http://127.0.0.1:19229', { accessKeyId: 'AKIABENCH0000000000', secretAccessKey: 'bench' }, CONNECTIONS);
    for (const flow of flows.filter((f) => USER_POOL_FLOWS.includes(f) && f !== 'srp')) {
      // cognito-local has no USER_SRP_AUTH, nor identity pools
      const row = await measure({ pid: child.pid! }, fx, flow, 'cognito-local', '1');
      out.set(flow, row);
      console.log(`  cognito-local · ${FLOW_NAMES[flow]}: ${rate(row.load).toFixed(0)}/s (load ${loadNow()})`);
    }
  } catch (e) {
    console.log(`  cognito-local failed: ${(e as Error).message.split('\n')[0]}`);
  } finally {
    child.kill('SIGTERM');
  }
  return out;
}

// ------------------------------------------------------------------------------------------ report

function report(rows: Row[], theirs: Map<Flow, Row>, crypto: CryptoCosts, argonRate: number): void {
  const n = (x: number | undefined, d = 2) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
  console.log(
    `\nCrypto in this run (CPU ms, one thread): argon2id verify ${n(crypto.argon2Verify)} · 3072-bit modexp ${n(crypto.modexp, 3)} · ` +
      `RS256 sign ${n(crypto.rs256Sign, 3)} · RS256 verify ${n(crypto.rs256Verify, 3)} · SigV4 verify ${n(crypto.sigv4Verify, 4)} · credentials issue ${n(crypto.credentialIssue, 4)} / open ${n(crypto.credentialOpen, 4)} · raw argon2id verify rate, concurrency ${CORES}: ${argonRate.toFixed(0)}/s`,
  );
  const head = ['store', 'workers', 'flow', 'rate/s', 'p50 ms', 'p99 ms', 'err', 'srv CPU/op', 'sys', 'main', 'crypto/op', 'srv/crypto', 'client CPU/op', 'PG CPU/op', 'PG trips/op', 'c-local/s', 'x c-local'];
  const table = rows.map((r) => {
    const c = flowCryptoCost(r.flow, crypto).ms;
    const cl = theirs.get(r.flow);
    return [r.store, r.workers, FLOW_NAMES[r.flow], rate(r.load).toFixed(0), n(r.load.p50, 1), n(r.load.p99, 1), String(r.load.errors), n(r.serverCpu, 3), `${(100 * r.serverSys).toFixed(0)}%`, `${(100 * r.serverMain).toFixed(0)}%`, n(c, 3), n(r.serverCpu / c), n(r.clientCpu, 3), n(r.dbCpu, 3), n(r.trips, 2), cl ? rate(cl.load).toFixed(0) : '-', cl ? n(rate(r.load) / rate(cl.load), 1) : '-'];
  });
  for (const cl of theirs.values())
    table.push(['cognito-local', '1', FLOW_NAMES[cl.flow], rate(cl.load).toFixed(0), n(cl.load.p50, 1), n(cl.load.p99, 1), String(cl.load.errors), n(cl.serverCpu, 3), `${(100 * cl.serverSys).toFixed(0)}%`, `${(100 * cl.serverMain).toFixed(0)}%`, '-', '-', n(cl.clientCpu, 3), '-', '-', '-', '-']);
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log('\n' + line(head));
  for (const t of table) console.log(line(t));
  console.log(`  crypto/op: ${flows.map((f) => `${FLOW_NAMES[f]} = ${flowCryptoCost(f, crypto).what}`).join('; ')}`);

  console.log('\nGoals (issues 9 and 10), per store and workers:');
  const find = (store: string, workers: string, flow: Flow) => rows.find((r) => r.store === store && r.workers === workers && r.flow === flow);
  for (const store of stores)
    for (const w of workerCounts.map(workersLabel)) {
      const parts: string[] = [];
      const pw = find(store, w, 'password');
      if (pw) parts.push(`password ${n(rate(pw.load) / argonRate)}x raw argon2id (>= 0.85)`);
      const srp = find(store, w, 'srp');
      if (srp) parts.push(`SRP ${n(rate(srp.load) / ((CORES * 1000) / flowCryptoCost('srp', crypto).ms))}x its ${CORES}-core crypto bound (>= 0.6), srv/crypto ${n(srp.serverCpu / flowCryptoCost('srp', crypto).ms)} (<= 1.35)`);
      const rf = find(store, w, 'refresh');
      if (rf) {
        const cl = theirs.get('refresh');
        parts.push(`refresh ${cl ? n(rate(rf.load) / rate(cl.load), 1) : '-'}x c-local (>= 10), ${n(rate(rf.load) / ((CORES * 1000) / flowCryptoCost('refresh', crypto).ms))}x its ${CORES}-core RS256 bound (>= 0.6), srv/crypto ${n(rf.serverCpu / flowCryptoCost('refresh', crypto).ms)} (<= 1.3)`);
      }
      const gu = find(store, w, 'getuser');
      if (gu) {
        const cl = theirs.get('getuser');
        parts.push(`GetUser ${cl ? n(rate(gu.load) / rate(cl.load), 1) : '-'}x c-local (>= 2)`);
      }
      const health = find(store, w, 'health');
      const id = find(store, w, 'identity');
      if (id)
        parts.push(
          `identity: ${rate(id.load).toFixed(0)} GetId+GetCredentialsForIdentity/s, ${n(id.serverCpu / 2, 3)} ms server CPU per call` +
            (health ? `; ${n((2 * rate(id.load)) / rate(health.load), 3)}x the bare /health round trips (${rate(health.load).toFixed(0)}/s, ${n(health.serverCpu, 3)} ms CPU each) in calls/s` : ''),
        );
      const az = find(store, w, 'authorize');
      if (az) {
        const raw = (CORES * 1000) / crypto.sigv4Verify;
        parts.push(
          `authorize: ${rate(az.load).toFixed(0)} decisions/s, ${n(az.serverCpu, 3)} ms server CPU each; ${n(rate(az.load) / raw, 3)}x raw SigV4 verifications on ${CORES} cores (${raw.toFixed(0)}/s, node:crypto, key derived each time)` +
            (health ? `; ${n(rate(az.load) / rate(health.load))}x /health` : ''),
        );
      }
      if (store === 'postgres')
        parts.push(
          `PG/SQLite (>= 0.9): ${flows
            .map((f) => {
              const a = find('postgres', w, f);
              const b = find('sqlite', w, f);
              return `${FLOW_NAMES[f].split(' ')[0]} ${a && b ? n(rate(a.load) / rate(b.load)) : '-'}`;
            })
            .join(', ')}`,
        );
      console.log(`  ${store} · workers ${w}:\n    ${parts.join('\n    ')}`);
    }

  const pgRows = rows.filter((r) => r.statements);
  if (pgRows.length > 0) {
    console.log('\nPostgreSQL round trips per operation, by statement (from bench/pg-count.mjs):');
    for (const r of pgRows) {
      console.log(`  workers ${r.workers} · ${FLOW_NAMES[r.flow]}: ${n(r.trips)} round trips/op`);
      for (const [sql, k] of r.statements!.filter(([, k]) => k >= 0.01)) console.log(`    ${k.toFixed(2).padStart(6)}  ${sql}`);
    }
  }
}

// ------------------------------------------------------------------------------------------ main

async function main(): Promise<void> {
  console.log(
    `Cognate bench · ${new Date().toISOString()} · node ${process.version} · ${CORES} cores · load average ${loadNow()}\n` +
      `  ${DURATION} s per flow after ${WARMUP} s warm-up · ${CONNECTIONS} connections (closed loop, load generator on this machine) · ` +
      `stores ${stores.join(', ')} · workers ${workerCounts.map(workersLabel).join(', ')} · flows ${flows.join(', ')}`,
  );
  build();
  mkdirSync(tmp, { recursive: true });

  const crypto = await measureCryptoCosts();
  const params = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
  const h = await hash('bench-password-1', params);
  let verified = 0;
  const end = performance.now() + 2000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CORES }, async () => {
    while (performance.now() < end) if (await verify(h, 'bench-password-1')) verified++;
  }));
  const argonRate = verified / ((performance.now() - t0) / 1000);

  const db = stores.includes('postgres') ? await freshDatabase(ADMIN_URL, 'cognate_bench') : undefined;
  const rows: Row[] = [];
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  try {
    for (const name of stores) {
      const store: Store = name === 'sqlite' ? { name, args: () => [] } : { name, args: () => ['--database-url', db!.url], database: db!.name };
      for (const w of workerCounts) {
        await benchCognate(store, w, rows);
        if (PROFILE) await profileCognate(store, w, stamp);
      }
    }
    const theirs = WITH_COGNITO_LOCAL ? await benchCognitoLocal() : new Map<Flow, Row>();
    report(rows, theirs, crypto, argonRate);
    console.log(`\nload average at the end: ${loadNow()}`);
  } finally {
    await db?.drop();
  }
}

await main();
