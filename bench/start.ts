// Start-up cost: time from spawning the server to its first 200 on /health, and its resident memory once ready,
// with an empty data directory and with one holding N users (default 100,000) in SQLite. Users are inserted
// through the store's bulk import, as a user import would. Runs the compiled server (dist/, built first when
// missing) as `npm start` does, and prints each figure with the ratio of the large store to the empty one.
//   node --import tsx bench/start.ts [--users 100000] [--runs 5]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../src/storage/sqlite/index.ts';
import type { PoolRecord, UserRecord } from '../src/storage/records.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const USERS = Number(opt('users') ?? 100_000);
const RUNS = Number(opt('runs') ?? 5);
const BUDGET_MS = 500;
const root = new URL('../', import.meta.url).pathname;
const POOL_ID = 'us-east-1_BenchStart';
const T0 = Date.UTC(2026, 0, 1);

if (!existsSync(join(root, 'dist', 'main.js'))) {
  const b = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(1);
}

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** One start: ms from spawn to the first 200 on /health, and RSS once ready. */
async function startOnce(dataDir: string, port: number): Promise<{ ms: number; rssKiB: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, 'dist', 'main.js'), '--port', String(port), '--data-dir', dataDir, '--workers', '1'], {
    env: { ...process.env, COGNATE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((r) => child.on('exit', r));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode} before ready`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 5));
      if (performance.now() - t0 > 30_000) throw new Error('not ready within 30 s');
    }
    const ms = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 200)); // settle, then read memory
    return { ms, rssKiB: rssKiB(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

function user(i: number): UserRecord {
  const at = T0 + i;
  return {
    poolId: POOL_ID,
    username: `user${i}`,
    usernameKey: `user${i}`,
    sub: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    status: 'CONFIRMED',
    enabled: true,
    attributes: { email: `user${i}@example.com`, email_verified: 'true', given_name: `Given${i}` },
    credentialsSealed: null,
    mfa: {},
    passwordSetAt: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

async function fill(dataDir: string): Promise<void> {
  const store = openSqliteStore(join(dataDir, 'cognate.db'));
  await store.migrate();
  const pool: PoolRecord = { id: POOL_ID, name: 'bench', arn: `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${POOL_ID}`, createdAt: T0, updatedAt: T0, version: 1, settings: {}, tags: {} };
  await store.pools.create(pool, [], 1000);
  for (let from = 0; from < USERS; from += 5000) {
    await store.users.importMany(Array.from({ length: Math.min(5000, USERS - from) }, (_, k) => user(from + k)));
  }
  await store.close();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(label: string, dataDir: string, port: number) {
  await startOnce(dataDir, port); // first start generates keys and migrates; not counted
  const runs = [];
  for (let r = 0; r < RUNS; r++) runs.push(await startOnce(dataDir, port));
  const ms = median(runs.map((x) => x.ms));
  const rss = median(runs.map((x) => x.rssKiB)) / 1024;
  console.log(`  ${label.padEnd(22)} start to /health median ${ms.toFixed(0).padStart(5)} ms (of ${RUNS})   RSS ${rss.toFixed(1)} MiB`);
  return { ms, rss };
}

const empty = mkdtempSync(join(tmpdir(), 'cognate-start-empty-'));
const full = mkdtempSync(join(tmpdir(), 'cognate-start-full-'));
try {
  const t = performance.now();
  await fill(full);
  console.log(`inserted ${USERS} users in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const a = await measure('empty store', empty, 19331);
  const b = await measure(`${USERS} users`, full, 19332);
  const perHundredK = ((b.rss - a.rss) * 100_000) / USERS;
  console.log(`  ratio ${USERS} users / empty: start ${(b.ms / a.ms).toFixed(2)}x, memory +${(b.rss - a.rss).toFixed(1)} MiB (${perHundredK.toFixed(1)} MiB per 100k users)`);
  const ok = b.ms <= BUDGET_MS && perHundredK <= 30;
  console.log(ok ? `ok: start within ${BUDGET_MS} ms and memory growth within 30 MiB per 100k users` : `FAIL: goal is start within ${BUDGET_MS} ms and ≤ 30 MiB per 100k users`);
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(empty, { recursive: true, force: true });
  rmSync(full, { recursive: true, force: true });
}
