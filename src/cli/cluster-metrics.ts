// GET /metrics with --workers N: the primary serves no HTTP, so a worker asked for /metrics asks the primary over
// IPC; the primary collects every worker's registry (prom-client's AggregatorRegistry.clusterMetrics(), its own
// message round trip to each worker) and answers the sum, which the worker sends back. Counters and histograms add
// up; gauges (the argon2id queue) too.
import type { Worker } from 'node:cluster';
import { AggregatorRegistry, type PrometheusContentType } from 'prom-client';
import type { Metrics } from '../runtime/metrics.ts';

type Ask = { cognate: 'metrics?'; id: number };
type Answer = { cognate: 'metrics'; id: number; text?: string; error?: string };

/** How long a worker waits for the primary's sum (prom-client gives up on a silent worker after 5 s). */
const ANSWER_MS = 7000;

/** In the primary: answers a worker's request for the metrics of all workers. Call once per forked worker. */
export function answerMetricsOf(worker: Worker, aggregator: AggregatorRegistry<PrometheusContentType>): void {
  worker.on('message', (m: Ask) => {
    if (m?.cognate !== 'metrics?') return;
    const reply = (a: Omit<Answer, 'cognate' | 'id'>) => {
      if (worker.isConnected()) worker.send({ cognate: 'metrics', id: m.id, ...a } satisfies Answer);
    };
    aggregator.clusterMetrics().then(
      (text: string) => reply({ text }),
      (e: unknown) => reply({ error: e instanceof Error ? e.message : String(e) }),
    );
  });
}

/** In the primary: the registry that sums the workers' (its listeners answer their replies). */
export function clusterAggregator(): AggregatorRegistry<PrometheusContentType> {
  return new AggregatorRegistry();
}

/** In a worker: lends this registry to the primary's collection and makes /metrics answer the primary's sum. */
export function exposeClusterMetrics(metrics: Metrics): void {
  new AggregatorRegistry(); // installs prom-client's worker listener, which answers the primary from the registries set here
  AggregatorRegistry.setRegistries([metrics.registry]);
  let seq = 0;
  const pending = new Map<number, { resolve: (text: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  process.on('message', (m: Answer) => {
    if (m?.cognate !== 'metrics') return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.error !== undefined) p.reject(new Error(`the primary could not collect the workers' metrics: ${m.error}`));
    else p.resolve(m.text ?? '');
  });
  metrics.exposeFrom(
    () =>
      new Promise<string>((resolve, reject) => {
        const id = seq++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`no metrics from the primary within ${ANSWER_MS} ms`));
        }, ANSWER_MS);
        pending.set(id, { resolve, reject, timer });
        process.send?.({ cognate: 'metrics?', id } satisfies Ask);
      }),
  );
}
