// The server side of bench/soak.ts: real Cognate processes as `npm start` runs them (bin/cognate.mjs, the
// compiled dist/), each in its own process group so that a kill takes the primary and all its workers at once,
// as a crashed host would; their resident memory summed over the process tree; a throwaway PostgreSQL database.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const root = new URL('../', import.meta.url).pathname;

export interface Server {
  name: string;
  url: string;
  pid: number;
  /** performance.now() of the SIGKILL, once killed. */
  killedAt?: number;
  exited: Promise<number | string>;
  stderr: () => string;
}

const running = new Set<Server>();
// Whatever way this process ends, no server it started is left behind.
process.on('exit', () => {
  for (const s of running) killGroup(s.pid, 'SIGKILL');
});
process.on('SIGINT', () => process.exit(130));

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Compiles src/ into dist/, so that bin/cognate.mjs runs the compiled server as `npm start` does. */
export function build(): void {
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

/** Starts `node …nodeArgs bin/cognate.mjs --port 0 …args` and waits for its ready line (workers inherit nodeArgs). */
export async function startServer(name: string, args: string[], env: Record<string, string>, nodeArgs: string[] = []): Promise<Server> {
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'bin', 'cognate.mjs'), '--port', '0', ...args], {
    cwd: root,
    env: { ...process.env, COGNATE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: see killServer
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no ready line within 30 s\n${out}${err}`)), 30_000);
    child.stdout!.on('data', () => {
      const m = /Cognate listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`${name}: exited (${code}) before ready\n${out}${err}`)));
  });
  const server: Server = { name, url, pid: child.pid!, exited, stderr: () => err };
  running.add(server);
  void exited.then(() => running.delete(server));
  return server;
}

/** SIGKILL to the primary and every worker at once: nothing gets to finish or flush. */
export async function killServer(s: Server): Promise<void> {
  s.killedAt = performance.now();
  killGroup(s.pid, 'SIGKILL');
  await s.exited;
}

/** SIGTERM to the primary (it drains and stops its workers); resolves with its exit code. */
export async function stopServer(s: Server): Promise<number | string> {
  if (!running.has(s)) return s.exited;
  process.kill(s.pid, 'SIGTERM');
  const timeout = setTimeout(() => killGroup(s.pid, 'SIGKILL'), 15_000);
  const code = await s.exited;
  clearTimeout(timeout);
  return code;
}

/** A process and all its descendants (the server's primary and its workers), from /proc. */
export function treePids(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(`/proc/${entry}/stat`);
    if (!stat) continue;
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  for (const queue = [pid]; queue.length > 0; ) {
    const p = queue.pop()!;
    out.push(p);
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

/** Resident memory (VmRSS) summed over a process and all its descendants, from /proc. */
export function treeRss(pid: number): { kib: number; processes: number } {
  let kib = 0;
  let processes = 0;
  for (const p of treePids(pid)) {
    const rss = /VmRSS:\s+(\d+) kB/.exec(readProc(`/proc/${p}/status`) ?? '');
    if (rss) {
      kib += Number(rss[1]);
      processes++;
    }
  }
  return { kib, processes };
}

/**
 * CPU time (user, system) a process has used so far, ms, all its threads; with `mainThread`, only its main thread
 * (for node: the event loop, without libuv's thread pool). Undefined once it is gone.
 */
export function processCpuMs(pid: number, mainThread = false): { user: number; system: number } | undefined {
  const stat = readProc(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`);
  if (!stat) return undefined;
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state): utime is 14, stime 15
  return { user: (Number(f[11]) * 1000) / CLOCK_TICKS, system: (Number(f[12]) * 1000) / CLOCK_TICKS };
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended meanwhile
  }
}

/** Creates an empty database on the server `adminUrl` names; `drop` removes it (and any connection left). */
export async function freshDatabase(adminUrl: string, prefix = 'cognate_soak'): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
