// What bench/soak.ts measures: each operation's latencies and failures (unexpected, or expected: calls the killed
// server never answered), the servers' resident memory sampled every second, and the printed report.
import { loadavg } from 'node:os';
import { treeRss, type Server } from './soak-servers.ts';

export const OPS = [
  'SignUp',
  'AdminConfirmSignUp',
  'InitiateAuth USER_PASSWORD_AUTH',
  'SRP sign-in, whole (identity-js)',
  '  InitiateAuth USER_SRP_AUTH',
  '  RespondToAuthChallenge',
  'InitiateAuth REFRESH_TOKEN_AUTH',
  'GetUser',
  'AdminGetUser',
  'ListUsers',
] as const;
export type Op = (typeof OPS)[number];
/** Not an HTTP call of its own: its two calls are counted on their own lines. */
export const WHOLE_SRP: Op = 'SRP sign-in, whole (identity-js)';
const HTTP_OPS = OPS.filter((op) => op !== WHOLE_SRP);

const latencies = new Map<Op, number[]>(OPS.map((op) => [op, []]));
const failures = new Map<Op, number>(OPS.map((op) => [op, 0]));
const unexpected = new Map<string, number>(); // "Op: ErrorName" → count
const expected = new Map<string, number>(); // the same, for calls to the killed server that got no answer
const bump = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
const sum = (xs: Iterable<number>) => [...xs].reduce((a, b) => a + b, 0);

/** A latency, or a failure that its enclosing operation names (the HTTP calls of an SRP sign-in). */
export function record(op: Op, ms: number, failed = false): void {
  if (failed) failures.set(op, failures.get(op)! + 1);
  else latencies.get(op)!.push(ms);
}

/** A failed operation, by error name; `network` when no HTTP answer came (reset, refused, timed out). */
export function recordFailure(op: Op, server: Server, name: string, network: boolean): void {
  failures.set(op, failures.get(op)! + 1);
  // A call the killed server never answered is what killing it means; any other failure is a finding.
  bump(network && server.killedAt !== undefined ? expected : unexpected, `${op.trim()}: ${name}`);
}

export const answeredCalls = () => sum(HTTP_OPS.map((op) => latencies.get(op)!.length));
export const unexpectedErrors = () => sum(unexpected.values());

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

/** Prints the table of operations and the errors. */
export function reportCalls(callSeconds: number): void {
  const line = (op: string, calls: number | string, errors: number | string, p50: number | string, p99: number | string) =>
    `  ${op.padEnd(34)}${String(calls).padStart(7)}${String(errors).padStart(8)}${String(p50).padStart(9)}${String(p99).padStart(9)}`;
  const row = (op: string, ms: number[], errors: number) => {
    const xs = [...ms].sort((a, b) => a - b);
    return line(op, xs.length + errors, errors, percentile(xs, 50).toFixed(1), percentile(xs, 99).toFixed(1));
  };
  console.log(`\n${line('operation', 'calls', 'errors', 'p50 ms', 'p99 ms')}`);
  for (const op of OPS) console.log(row(op, latencies.get(op)!, failures.get(op)!));
  const calls = answeredCalls() + sum(HTTP_OPS.map((op) => failures.get(op)!));
  console.log(row('all HTTP calls', HTTP_OPS.flatMap((op) => latencies.get(op)!), sum(HTTP_OPS.map((op) => failures.get(op)!))));
  console.log(`  ${(calls / callSeconds).toFixed(0)} calls/s over ${callSeconds.toFixed(0)} s; load average ${loadavg()[0]!.toFixed(1)} (all processes on this machine)`);
  const list = (m: Map<string, number>) => [...m].map(([k, n]) => `${k} ×${n}`).join(', ');
  console.log(`unexpected errors: ${unexpectedErrors()}${unexpected.size ? ` (${list(unexpected)})` : ''}`);
  if (expected.size) console.log(`expected (calls the killed server dropped): ${list(expected)}`);
}

// ------------------------------------------------------------------------------------------------ memory

interface Sample {
  at: number; // s since the load began
  kib: number;
  processes: number;
}
const samples = new Map<Server, Sample[]>();

/** Reads the RSS of each live server's process tree. */
export function sampleMemory(servers: Server[], t0: number): void {
  for (const s of servers) {
    if (s.killedAt !== undefined) continue;
    const { kib, processes } = treeRss(s.pid);
    samples.set(s, [...(samples.get(s) ?? []), { at: (performance.now() - t0) / 1000, kib, processes }]);
  }
}

export const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
const signedMib = (kib: number) => `${kib >= 0 ? '+' : '−'}${mib(Math.abs(kib))}`;
export const lastRss = (s: Server) => samples.get(s)!.at(-1)!.kib;

/** Start, end (or kill), peak and growth of one server's memory. */
export function memoryLine(s: Server): string {
  const xs = samples.get(s)!;
  const first = xs[0]!;
  const last = xs.at(-1)!;
  const mid = xs.reduce((best, x) => (Math.abs(x.at - last.at / 2) < Math.abs(best.at - last.at / 2) ? x : best));
  const peak = Math.max(...xs.map((x) => x.kib));
  const end = s.killedAt !== undefined ? `at its kill (${last.at.toFixed(0)} s)` : `at the end`;
  return (
    `${s.name} (${first.processes} processes): ${mib(first.kib)} at the start, ${mib(last.kib)} ${end}, peak ${mib(peak)}; ` +
    `growth ${signedMib(last.kib - first.kib)} (${signedMib(last.kib - mid.kib)} over the second half)`
  );
}
