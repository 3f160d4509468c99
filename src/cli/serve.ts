// The serve command: build the server, listen, print the ready line, stop cleanly on SIGTERM/SIGINT.
//
// With more than one worker (`--workers N`, default the machine's available parallelism) the process becomes a
// primary that prepares the data directory and database once (master key, admin key pair, migrations), forks N
// workers that each serve the one port (node:cluster shares the listening socket), prints the ready line when
// every worker listens, runs housekeeping alone, replaces a worker that dies, and on SIGTERM stops every worker
// (each finishes its requests in flight) before exiting 0. Everything a worker must share with the others —
// lockouts, limits, codes, sessions, keys — lives in the store, as it does for servers sharing PostgreSQL.
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { makeDeps } from '../deps.ts';
import type { Deps } from '../deps.ts';
import { buildServer } from '../server.ts';
import { startHousekeeping } from '../runtime/housekeeping.ts';
import { answerMetricsOf, clusterAggregator, exposeClusterMetrics } from './cluster-metrics.ts';
import { startRefusal, storeLabel } from './startup-refusal.ts';

export { StartupError, startRefusal } from './startup-refusal.ts';
import { relaySyncChanges } from '../sync/feed.ts';

/** The number of worker processes a config asks for. */
export function workerCount(config: Pick<Config, 'workers'>): number {
  return config.workers && config.workers > 0 ? config.workers : availableParallelism();
}

/** Messages a worker sends its primary. */
type WorkerMessage = { cognate: 'listening'; port: number };

export async function serve(config: Config): Promise<void> {
  if (cluster.isWorker) return serveWorker(config);
  const workers = workerCount(config);
  if (workers <= 1) return serveAlone(config);
  return servePrimary(config, workers);
}

function announce(deps: Deps, config: Config, adminGenerated: boolean): void {
  if (config.dev)
    deps.logger.warn('DEV MODE: admin calls from this machine accept a SigV4 signature by ANY key, the outbox is open to them and keeps every message. Never use --dev in production or on a shared network.');
  if (config.dev && !isLoopbackHost(config.host))
    process.stderr.write(
      `cognate: WARNING: --dev with --host ${config.host}: anyone who can reach this port can call admin operations with any key. ` +
        'Bind --dev to 127.0.0.1 (the default) unless this network is yours alone.\n',
    );
  if (adminGenerated) {
    process.stdout.write(
      `Generated the admin key pair (stored in ${config.dataDir}/admin-credentials.json, shown only this once):\n` +
        `  AWS_ACCESS_KEY_ID=${deps.admin.accessKeyId}\n  AWS_SECRET_ACCESS_KEY=${deps.admin.secretAccessKey}\n`,
    );
  }
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1';
}

/** The ready line (CONTRACT.md: first, exactly) and what is served, how. */
function readyLine(config: Config, port: number, workers: number): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const admin = config.adminAccessKeyId ? 'from COGNATE_ADMIN_ACCESS_KEY_ID' : `in ${join(config.dataDir, 'admin-credentials.json')}`;
  return (
    `Cognate listening on http://${host}:${port}\n` +
    `  region ${config.region} · store ${storeLabel(config)} · ${workers} worker${workers === 1 ? '' : 's'} · ` +
    `${config.dev ? 'DEV MODE' : 'production mode (admin calls SigV4-signed)'} · admin key ${admin} · issuer base ${config.publicUrl}\n`
  );
}

/**
 * With `--port 0` the system picks the port; the default public URL (built from HOST:PORT before listening) then
 * says `:0`, and token issuers, page links and the banner must say the port picked instead.
 */
function settlePort(config: Config, port: number): void {
  if (config.port === 0 && /:0$/.test(config.publicUrl)) config.publicUrl = config.publicUrl.replace(/:0$/, `:${port}`);
}

async function prepare(config: Config) {
  try {
    return await makeDeps(config);
  } catch (e) {
    throw startRefusal(e, config);
  }
}

/** Builds the HTTP server over fresh deps and listens; returns the port and a stop function. */
async function listen(config: Config) {
  const made = await prepare(config);
  const app = buildServer(made.deps);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    await app.close().catch(() => {});
    await made.deps.store.close().catch(() => {});
    throw startRefusal(e, config);
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  settlePort(made.deps.config, port);
  return { ...made, app, port };
}

/** One process serving alone: the whole server, housekeeping included. */
async function serveAlone(config: Config): Promise<void> {
  const { deps, adminGenerated, app, port } = await listen(config);
  announce(deps, config, adminGenerated);
  process.stdout.write(readyLine(config, port, 1));
  const stopHousekeeping = startHousekeeping(deps);
  onStopSignal(deps, async () => {
    stopHousekeeping();
    await app.close(); // stops accepting, waits for requests in flight
    await deps.store.close();
  });
}

/** A worker: serves requests; the primary prints, keeps house and supervises. */
async function serveWorker(config: Config): Promise<void> {
  const { deps, app, port } = await listen(config);
  exposeClusterMetrics(deps.metrics);
  const stop = async () => {
    await app.close();
    await deps.store.close();
  };
  onStopSignal(deps, stop);
  // A primary that died without stopping us (SIGKILL) leaves the worker disconnected: stop rather than linger.
  process.on('disconnect', () => void stop().then(() => process.exit(0), () => process.exit(1)));
  process.send?.({ cognate: 'listening', port } satisfies WorkerMessage);
}

async function servePrimary(config: Config, count: number): Promise<void> {
  // Preparing the data directory and database once, here, keeps workers from racing to generate the master key
  // or the admin key pair or to migrate; they read what this made.
  const { deps, adminGenerated } = await prepare(config);
  announce(deps, config, adminGenerated);

  let stopping = false;
  const ready = new Set<number>();
  let announced = false;
  let failures = 0;
  const aggregator = clusterAggregator();

  const fork = (): Worker => {
    const worker = cluster.fork();
    answerMetricsOf(worker, aggregator);
    relaySyncChanges(worker); // SQLite's Cognito Sync changes, from one worker to the feeds of all
    const startedAt = Date.now();
    worker.on('message', (m: WorkerMessage) => {
      if (m?.cognate !== 'listening') return;
      ready.add(worker.id);
      if (!announced && ready.size === count) {
        announced = true;
        settlePort(config, m.port);
        process.stdout.write(readyLine(config, m.port, count));
      }
    });
    worker.on('exit', (code, signal) => {
      ready.delete(worker.id);
      if (stopping) return;
      if (!announced) {
        // A worker that cannot start (a busy port, a refused configuration) fails the whole start, as one
        // process would; it has said why on stderr.
        deps.logger.error('a worker failed to start', { code, signal });
        void shutdown(code || 1);
        return;
      }
      deps.logger.error('a worker exited; starting another', { pid: worker.process.pid, code, signal });
      // Quick successive crashes back off (up to 10 s) rather than spin.
      failures = Date.now() - startedAt < 5000 ? failures + 1 : 0;
      setTimeout(() => !stopping && fork(), Math.min(10_000, failures * 500));
    });
    return worker;
  };

  const stopHousekeeping = startHousekeeping(deps);

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    stopHousekeeping();
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    await Promise.all(
      alive.map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            w.process.kill('SIGTERM'); // each finishes its requests in flight, then exits
          }),
      ),
    );
    await deps.store.close().catch(() => {});
    process.exit(code);
  };

  process.on('SIGTERM', () => {
    deps.logger.info('stopping', { signal: 'SIGTERM', workers: count });
    void shutdown(0);
  });
  process.on('SIGINT', () => {
    deps.logger.info('stopping', { signal: 'SIGINT', workers: count });
    void shutdown(0);
  });
  for (let i = 0; i < count; i++) fork();
}

function onStopSignal(deps: Deps, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.logger.info('stopping', { signal });
    try {
      await stop();
      process.exit(0);
    } catch (e) {
      deps.logger.error('error while stopping', { error: String(e) });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void handler('SIGTERM'));
  process.on('SIGINT', () => void handler('SIGINT'));
}
