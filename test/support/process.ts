// Test support: Cognate as a real child process (`node --import tsx src/main.ts …`), as `npm start` runs it.
// Every wait here is bounded and says what it waited for: a server that never prints its ready line, does not
// exit after a signal, or a command that never finishes is killed (with its workers) and fails the test, instead
// of holding the test file open. Whatever is still running when the file's tests end is killed too.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

export interface CognateProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  /** Sends `signal` and waits (at most `timeoutMs`) for the exit; kills the process group and fails past that. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

export function tempDir(prefix = 'cognate-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

const root = new URL('../../', import.meta.url).pathname;

/** How long a start, a stop or a command may take before it is a failure (generous: CI machines are busy). */
export const START_TIMEOUT_MS = 60_000;
export const STOP_TIMEOUT_MS = 30_000;
export const COMMAND_TIMEOUT_MS = 60_000;

// Children run in a process group of their own (`detached`), so that a kill on a timeout reaches the workers and
// tsx's esbuild service too. When the file's tests are done, every group started here is killed: a server or a
// worker left running (a test that failed before stopping it) would otherwise hold the test file open. (A test
// that a stop leaves nothing behind checks that itself, before then.)
const groups = new Set<number>();
function killGroup(child: ChildProcess): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // the group is gone
  }
}
function track(child: ChildProcess): void {
  if (child.pid) groups.add(child.pid);
}
after(() => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // the group is gone
    }
  }
});

/** Rejects with `message` after `ms` unless `p` settled first (the timer never holds the process open). */
function within<T>(p: Promise<T>, ms: number, message: () => string, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(message()));
    }, ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Starts the server with the given args/env and waits for the ready line. */
export async function startCognate(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = START_TIMEOUT_MS,
  /** What node runs (default: the source through tsx), and from where. */
  entry: { argv: string[]; cwd: string } = { argv: ['--import', 'tsx', 'src/main.ts'], cwd: root },
): Promise<CognateProcess> {
  const child = spawn(process.execPath, [...entry.argv, '--port', '0', ...args], {
    cwd: entry.cwd,
    env: { ...process.env, COGNATE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  track(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  const ready = new Promise<string>((resolve, reject) => {
    const check = () => {
      const m = /Cognate listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`exited (${code}) before ready\nstdout: ${out}\nstderr: ${err}`)));
  });
  const url = await within(
    ready,
    timeoutMs,
    () => `no ready line within ${timeoutMs} ms (killed it)\nargs: ${args.join(' ')}\nstdout: ${out}\nstderr: ${err}`,
    () => killGroup(child),
  );
  return {
    child,
    url,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(signal = 'SIGTERM', stopTimeoutMs = STOP_TIMEOUT_MS) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return within(
        exited,
        stopTimeoutMs,
        () => `still running ${stopTimeoutMs} ms after ${signal} (killed it)\nstdout: ${out}\nstderr: ${err}`,
        () => killGroup(child),
      );
    },
  };
}

/** Runs a CLI command to completion (at most `timeoutMs`: past that it is killed and the promise rejects). */
export function runCognate(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = COMMAND_TIMEOUT_MS,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: root, env: { ...process.env, ...env }, detached: true });
  track(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr })),
  );
  return within(
    done,
    timeoutMs,
    () => `cognate ${args.join(' ')}: still running after ${timeoutMs} ms (killed it)\nstdout: ${stdout}\nstderr: ${stderr}`,
    () => killGroup(child),
  );
}

/** fetch with a bound: past `ms` it fails saying which request got no answer. */
export async function fetchWithin(url: string, init: RequestInit = {}, ms = 15_000): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(ms) });
  } catch (e) {
    if ((e as Error).name === 'TimeoutError') throw new Error(`${init.method ?? 'GET'} ${url}: no answer within ${ms} ms`);
    throw e;
  }
}
