// Prometheus metrics (prom-client), one registry per Deps: requests by service, operation and outcome, their latency,
// sign-ins and their failures, lockouts, the argon2id queue, store call latency. GET /metrics (protocol/metrics.ts)
// answers `exposition()`; with --workers N a worker's exposition asks the primary for the sum over every worker
// (cli/cluster-metrics.ts).
//
// Every label value comes from a set the code bounds (operation names of the models, route patterns, error names,
// store method names): nothing a caller sends becomes a label, so no request can grow the registry.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Why a sign-in failed: a wrong password or SRP proof, a locked user, an unknown name, a user status gate. */
export type SignInFailure = 'password' | 'locked_out' | 'unknown_user' | 'user_status' | 'custom_challenge';

/** How busy the argon2id hasher is: computations running, and waiting for a slot. */
export interface HashingLoad {
  running: number;
  waiting: number;
}

export interface Metrics {
  readonly registry: Registry;
  /** One answered request: `outcome` is 'success' or the AWS error name (else `http_<status>`). */
  request(service: string, operation: string, outcome: string, seconds: number): void;
  signIn(): void;
  signInFailure(reason: SignInFailure): void;
  /** A failed sign-in set or lengthened a user's lockout. */
  lockout(): void;
  /** One store call, `method` as `users.get`. */
  storeCall(method: string, seconds: number): void;
  /** Reads the hasher's load when scraped. */
  watchHashing(load: () => HashingLoad): void;
  /** The text GET /metrics answers: this registry's, or (in a worker) every worker's summed by the primary. */
  exposition(): Promise<string>;
  /** Replaces where `exposition()` comes from (a worker asks its primary). */
  exposeFrom(source: () => Promise<string>): void;
  readonly contentType: string;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STORE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** A fresh registry of Cognate's metrics; `processMetrics` adds prom-client's process and Node.js ones (CPU, memory, event loop). */
export function makeMetrics(opts: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.processMetrics) collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'cognate_requests_total',
    help: 'Requests answered, by service, operation and outcome (success or the error name)',
    labelNames: ['service', 'operation', 'outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'cognate_request_duration_seconds',
    help: 'Time from receiving a request to the answer sent, by service and operation',
    labelNames: ['service', 'operation'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const signIns = new Counter({ name: 'cognate_sign_ins_total', help: 'Sign-ins that ended in tokens (refreshes not counted)', registers: [registry] });
  const signInFailures = new Counter({
    name: 'cognate_sign_in_failures_total',
    help: 'Sign-ins refused: a wrong password or SRP proof, a locked-out user, an unknown user, a user status that may not sign in',
    labelNames: ['reason'],
    registers: [registry],
  });
  // Every reason shown from the start (at 0), so a dashboard's rate() has a series before the first failure.
  for (const reason of ['password', 'locked_out', 'unknown_user', 'user_status', 'custom_challenge'] satisfies SignInFailure[]) signInFailures.inc({ reason }, 0);
  const lockouts = new Counter({ name: 'cognate_lockouts_total', help: 'Failed sign-ins that locked a user out (the fifth consecutive failure and each after it)', registers: [registry] });
  const store = new Histogram({
    name: 'cognate_store_duration_seconds',
    help: 'Store (SQLite or PostgreSQL) call latency, by method',
    labelNames: ['method'],
    buckets: STORE_BUCKETS,
    registers: [registry],
  });
  let hashing: (() => HashingLoad) | undefined;
  new Gauge({
    name: 'cognate_argon2_queue_depth',
    help: 'Password hashes waiting for an argon2id slot (summed over workers)',
    registers: [registry],
    collect() {
      this.set(hashing?.().waiting ?? 0);
    },
  });
  new Gauge({
    name: 'cognate_argon2_running',
    help: 'argon2id computations in progress (summed over workers)',
    registers: [registry],
    collect() {
      this.set(hashing?.().running ?? 0);
    },
  });
  let source = () => registry.metrics();
  return {
    registry,
    request(service, operation, outcome, seconds) {
      latency.observe({ service, operation }, seconds);
      requests.inc({ service, operation, outcome });
    },
    signIn: () => signIns.inc(),
    signInFailure: (reason) => signInFailures.inc({ reason }),
    lockout: () => lockouts.inc(),
    storeCall: (method, seconds) => store.observe({ method }, seconds),
    watchHashing(load) {
      hashing = load;
    },
    exposition: () => source(),
    exposeFrom(s) {
      source = s;
    },
    contentType: registry.contentType,
  };
}
