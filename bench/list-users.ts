// ListUsers on 100k users: inserts them through the store into a fresh SQLite file (and a fresh PostgreSQL schema when
// given), then times ListUsers pages (the operation itself: filter parsing, the indexed store query, UserType
// shaping) for the filters Cognito allows. Prints each query's times and FAIL when any page takes more than 50 ms.
//   node --import tsx bench/list-users.ts [--users 100000] [--postgres postgres://…] [--runs 10]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { makeTestDeps } from '../test/support/deps.ts';
import { FixedClock } from '../src/runtime/clock.ts';
import type { PoolRecord, UserRecord, UserStatus } from '../src/storage/records.ts';
import type { Store } from '../src/storage/store.ts';
import { openSqliteStore } from '../src/storage/sqlite/index.ts';
import listUsers from '../src/user-pools/operations/list-users.ts';
import type { ListUsersRequest } from '../src/user-pools/shapes.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const USERS = Number(opt('users') ?? 100_000);
const RUNS = Number(opt('runs') ?? 10);
const POSTGRES = opt('postgres');
const BUDGET_MS = 50;
const POOL_ID = 'us-east-1_BenchList1';
const T0 = Date.UTC(2026, 0, 1);

const pad = (n: number) => String(n).padStart(5, '0');
const STATUSES: UserStatus[] = ['CONFIRMED', 'CONFIRMED', 'CONFIRMED', 'CONFIRMED', 'CONFIRMED', 'CONFIRMED', 'CONFIRMED', 'UNCONFIRMED', 'FORCE_CHANGE_PASSWORD', 'RESET_REQUIRED'];

/** User i: username user<i>, email user<i>@example.com, a name, a phone, every 10th unconfirmed, every 50th disabled. */
function benchUser(i: number): UserRecord {
  const at = T0 + i * 10;
  return {
    poolId: POOL_ID,
    username: `user${i}`,
    usernameKey: `user${i}`,
    sub: `${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}-0000-4000-8000-${pad(i).padStart(12, '0')}`,
    status: STATUSES[i % STATUSES.length]!,
    enabled: i % 50 !== 0,
    attributes: {
      email: `user${i}@example.com`,
      email_verified: 'true',
      given_name: `Given${i}`,
      family_name: `Family${i % 1000}`,
      phone_number: `+1555${pad(i).padStart(7, '0')}`,
    },
    credentialsSealed: null,
    mfa: {},
    passwordSetAt: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

async function fill(store: Store, label: string): Promise<void> {
  const pool: PoolRecord = {
    id: POOL_ID,
    name: 'bench',
    arn: `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${POOL_ID}`,
    createdAt: T0,
    updatedAt: T0,
    version: 1,
    settings: {},
    tags: {},
  };
  await store.pools.create(pool, [], 1000);
  const t = performance.now();
  // In batches through the store's bulk insert (one transaction each), as a user import would.
  const BATCH = 5000;
  for (let from = 0; from < USERS; from += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, USERS - from) }, (_, k) => benchUser(from + k));
    const n = await store.users.importMany(batch);
    if (n !== batch.length) throw new Error(`${label}: imported ${n} of ${batch.length} users`);
    if ((from + batch.length) % 20_000 === 0) process.stdout.write(`  ${label}: ${from + batch.length} users\n`);
  }
  const s = (performance.now() - t) / 1000;
  console.log(`  ${label}: inserted ${USERS} users in ${s.toFixed(1)} s (${(USERS / s).toFixed(0)}/s)`);
}

interface Query {
  label: string;
  input: Omit<ListUsersRequest, 'UserPoolId'>;
  /** Pages to skip first (timing a page deep in the listing). */
  skipPages?: number;
}

const mid = Math.floor(USERS / 2) + 321;
const QUERIES: Query[] = [
  { label: 'email ^= "user9999" (first page)', input: { Filter: 'email ^= "user9999"' } },
  { label: `username = "user${mid}"`, input: { Filter: `username = "user${mid}"` } },
  { label: 'cognito:user_status = "CONFIRMED" (first page)', input: { Filter: 'cognito:user_status = "CONFIRMED"' } },
  { label: 'cognito:user_status = "CONFIRMED" (page 101)', input: { Filter: 'cognito:user_status = "CONFIRMED"' }, skipPages: 100 },
  { label: 'no filter (first page)', input: {} },
  { label: 'no filter (page 501)', input: {}, skipPages: 500 },
  { label: `email = "USER${mid}@EXAMPLE.COM"`, input: { Filter: `email = "USER${mid}@EXAMPLE.COM"` } },
  { label: 'email ^= "user9" (first page of ~11%)', input: { Filter: 'email ^= "user9"' } },
  { label: 'email ^= "user" (first page of all)', input: { Filter: 'email ^= "user"' } },
  { label: 'given_name ^= "Given4242"', input: { Filter: 'given_name ^= "Given4242"' } },
  { label: 'family_name = "Family7"', input: { Filter: 'family_name = "Family7"' } },
  { label: `sub = "<user${mid}>"`, input: { Filter: `sub = "${benchUser(mid).sub}"` } },
  { label: 'status = "Disabled" (first page)', input: { Filter: 'status = "Disabled"' } },
  { label: 'cognito:user_status = "RESET_REQUIRED", Limit 10', input: { Filter: 'cognito:user_status = "RESET_REQUIRED"', Limit: 10 } },
];

async function bench(store: Store, label: string): Promise<boolean> {
  const deps = await makeTestDeps({ store, clock: new FixedClock(T0 + USERS * 10 + 1000) });
  const ctx = { requestId: 'bench', sourceIp: '127.0.0.1', headers: {} };
  const page = (input: ListUsersRequest) => listUsers.handle(input, deps, ctx);
  let ok = true;
  console.log(`\n${label}: ListUsers, ${RUNS} runs each (+1 warm-up), budget ${BUDGET_MS} ms a page`);
  for (const q of QUERIES) {
    let token: string | undefined;
    for (let p = 0; p < (q.skipPages ?? 0); p++) token = (await page({ UserPoolId: POOL_ID, ...q.input, PaginationToken: token })).PaginationToken;
    const input = { UserPoolId: POOL_ID, ...q.input, ...(token ? { PaginationToken: token } : {}) };
    const first = await page(input);
    const times: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      await page(input);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    const max = times[times.length - 1]!;
    const verdict = max > BUDGET_MS ? 'FAIL' : 'ok';
    if (verdict === 'FAIL') ok = false;
    console.log(
      `  ${verdict.padEnd(4)} ${q.label.padEnd(52)} ${String(first.Users!.length).padStart(3)} users${first.PaginationToken ? '+' : ' '}  median ${median.toFixed(2).padStart(6)} ms  max ${max.toFixed(2).padStart(6)} ms`,
    );
  }
  return ok;
}

let allOk = true;

// SQLite: a fresh file.
const dir = mkdtempSync(join(tmpdir(), 'cognate-list-users-'));
try {
  const store = openSqliteStore(join(dir, 'cognate.db'));
  await store.migrate();
  console.log(`SQLite (${join(dir, 'cognate.db')})`);
  await fill(store, 'sqlite');
  // As a long-lived database would have them: the planner's statistics.
  await store.analyze();
  allOk = (await bench(store, 'SQLite')) && allOk;
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// PostgreSQL: a fresh schema, dropped afterwards.
if (POSTGRES) {
  const schema = `cognate_bench_${randomBytes(5).toString('hex')}`;
  const { openPostgresStore } = await import('../src/storage/postgres/index.ts');
  const store = await openPostgresStore(POSTGRES, { schema, poolSize: 16 });
  try {
    await store.migrate();
    console.log(`\nPostgreSQL (schema ${schema})`);
    await fill(store, 'postgres');
    const c = new pg.Client({ connectionString: POSTGRES });
    await c.connect();
    await c.query(`ANALYZE`).catch(() => {}); // statistics, as autovacuum would gather them
    await c.end();
    allOk = (await bench(store, 'PostgreSQL')) && allOk;
  } finally {
    await store.close();
    const c = new pg.Client({ connectionString: POSTGRES });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  }
}

console.log(allOk ? `\nok: every page within ${BUDGET_MS} ms` : `\nFAIL: some page took more than ${BUDGET_MS} ms`);
process.exitCode = allOk ? 0 : 1;
