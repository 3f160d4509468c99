// Sends generated plans to a server, a few at a time, and checks every answer: it came (no reset, no hang), it
// parses (header section within Node's 16 KB), status < 500, JSON body, __type on every 4xx (or, for a request the
// Query edge takes, an XML error with its Code).
import fc from 'fast-check';
import { rawRequest, type RawResponse } from '../support/raw-http.ts';
import { planArbitrary, toRequest, type FuzzService, type Plan, type Target } from './requests.ts';
import type { KnownValues } from './model-arbitraries.ts';

export const MAX_HEADER_BYTES = 16 * 1024;

export interface Finding {
  kind: '5xx' | 'unreadable' | 'headers' | 'body';
  detail: string;
  plan: Plan;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  durationMs: number;
  statuses: Record<string, number>;
  /** How often each answer's __type came (or 'ok' for a success). */
  types: Record<string, number>;
  findings: Finding[];
  count(kind: Finding['kind']): number;
}

/** The problem with an answer, or null when it is a proper one. */
export function judge(r: RawResponse): Omit<Finding, 'plan'> | null {
  if (r.status >= 500) return { kind: '5xx', detail: `${r.status} ${r.body.slice(0, 300)}` };
  if (r.headerBytes > MAX_HEADER_BYTES) return { kind: 'headers', detail: `${r.headerBytes} header bytes` };
  if (r.body === '') return r.status < 300 ? null : { kind: 'body', detail: `${r.status} with an empty body` };
  // A form body without X-Amz-Target is an AWS Query request (STS, IAM): its errors are XML with a <Code>.
  if (String(r.headers['content-type'] ?? '').startsWith('text/xml')) {
    return r.status < 400 || /<ErrorResponse[^>]*>[\s\S]*<Code>[A-Za-z.]+<\/Code>/.test(r.body)
      ? null
      : { kind: 'body', detail: `${r.status} XML without an error code: ${r.body.slice(0, 200)}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.body);
  } catch {
    return { kind: 'body', detail: `${r.status} body is not JSON: ${r.body.slice(0, 200)}` };
  }
  if (r.status >= 400 && typeof (parsed as { __type?: unknown })?.__type !== 'string')
    return { kind: 'body', detail: `${r.status} without __type: ${r.body.slice(0, 200)}` };
  return null;
}

/** Shortens a plan for printing (inputs can hold 40 KB strings). */
export function brief(p: Plan): string {
  return JSON.stringify(p, (_k, v) => (typeof v === 'string' && v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v)).slice(0, 1500);
}

export async function runFuzz(
  services: FuzzService[],
  known: KnownValues,
  target: Target,
  o: { runs: number; seed: number; concurrency?: number },
): Promise<FuzzReport> {
  const plans = fc.sample(planArbitrary(services, known), { numRuns: o.runs, seed: o.seed });
  const findings: Finding[] = [];
  const statuses: Record<string, number> = {};
  const types: Record<string, number> = {};
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < plans.length) {
      const plan = plans[next++]!;
      let problem: Omit<Finding, 'plan'> | null;
      try {
        const r = await rawRequest(target.url, await toRequest(plan, services, target));
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        problem = judge(r);
        const type = r.status < 300 ? 'ok' : /"__type":"([^"]*)"/.exec(r.body)?.[1] ?? '?';
        types[type] = (types[type] ?? 0) + 1;
      } catch (e) {
        statuses.none = (statuses.none ?? 0) + 1;
        problem = { kind: 'unreadable', detail: String((e as Error).message ?? e) };
      }
      if (problem) findings.push({ ...problem, plan });
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 4 }, worker));
  return {
    seed: o.seed,
    requests: plans.length,
    durationMs: Date.now() - started,
    statuses,
    types,
    findings,
    count: (kind) => findings.filter((f) => f.kind === kind).length,
  };
}
