// The event-stream port of Cognito Streams: where a pool's CognitoStreams.StreamName sends its records. AWS writes
// them to a Kinesis stream; Cognate maps each stream name, by the file given with --streams (COGNATE_STREAMS_FILE),
// to one of
//   { "nats":    { "url"?: "nats://127.0.0.1:4222", "subject": "cognito.sync" } }  JetStream publish (a JetStream
//                                                                                    stream must take the subject)
//   { "redis":   { "url"?: "redis://127.0.0.1:6379", "key": "cognito-sync", "maxLen"?: 100000 } }  XADD key * record JSON
//   { "webhook": { "url": "http://127.0.0.1:8080/cognito-sync" } }  POST the record as JSON, a 2xx answer accepts it
// Connections are opened at the first record and kept; close() ends them.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/load.ts';
import type { Logger } from './logger.ts';

export type StreamTarget =
  | { nats: { url?: string; subject: string } }
  | { redis: { url?: string; key: string; maxLen?: number } }
  | { webhook: { url: string } };

export interface StreamPublisher {
  /** Whether the configuration maps this stream name. */
  has(name: string): boolean;
  /** Publishes records (JSON) to the named stream in order; throws when the target refuses or cannot be reached. */
  publish(name: string, records: object[]): Promise<void>;
  close(): Promise<void>;
}

export class StreamConfigError extends ConfigError {}

const WEBHOOK_TIMEOUT_MS = 5000;

/** Reads and checks the mapping file. */
export function loadStreamMappings(path: string): Record<string, StreamTarget> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new StreamConfigError(`--streams ${path}: ${(e as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new StreamConfigError(`--streams ${path}: expected a JSON object of stream name → target`);
  const out: Record<string, StreamTarget> = {};
  for (const [name, t] of Object.entries(raw as Record<string, any>)) {
    const str = (v: unknown) => typeof v === 'string' && v !== '';
    const optStr = (v: unknown) => v === undefined || str(v);
    const ok =
      t &&
      typeof t === 'object' &&
      ((t.nats && str(t.nats.subject) && optStr(t.nats.url)) ||
        (t.redis && str(t.redis.key) && optStr(t.redis.url) && (t.redis.maxLen === undefined || Number.isInteger(t.redis.maxLen))) ||
        (t.webhook && str(t.webhook.url) && /^https?:\/\//.test(t.webhook.url)));
    if (!ok) throw new StreamConfigError(`--streams ${path}: ${name}: expected {"nats": {"subject"}}, {"redis": {"key"}} or {"webhook": {"url"}}`);
    out[name] = t as StreamTarget;
  }
  return out;
}

interface Sink {
  send(records: string[]): Promise<void>;
  close(): Promise<void>;
}

async function natsSink(t: { url?: string; subject: string }): Promise<Sink> {
  const { connect } = await import('nats');
  const nc = await connect({ servers: t.url ?? 'nats://127.0.0.1:4222' });
  const js = nc.jetstream();
  return {
    async send(records) {
      for (const r of records) await js.publish(t.subject, Buffer.from(r, 'utf8'));
    },
    close: () => nc.drain(),
  };
}

async function redisSink(t: { url?: string; key: string; maxLen?: number }): Promise<Sink> {
  const { Redis } = await import('ioredis');
  const client = new Redis(t.url ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  const trim = t.maxLen === undefined ? [] : ['MAXLEN', '~', String(t.maxLen)];
  return {
    async send(records) {
      const multi = client.multi();
      for (const r of records) multi.xadd(t.key, ...(trim as []), '*', 'record', r);
      const results = await multi.exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
    },
    async close() {
      await client.quit();
    },
  };
}

function webhookSink(t: { url: string }): Sink {
  return {
    async send(records) {
      for (const r of records) {
        const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: r, redirect: 'manual', signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
        await res.arrayBuffer();
        if (res.status < 200 || res.status > 299) throw new Error(`${t.url} answered ${res.status}`);
      }
    },
    async close() {},
  };
}

export function makeStreamPublisher(mappings: Record<string, StreamTarget>, logger?: Logger): StreamPublisher {
  const sinks = new Map<string, Promise<Sink>>();
  const sinkOf = (name: string): Promise<Sink> => {
    let s = sinks.get(name);
    if (!s) {
      const t = mappings[name]!;
      s = 'nats' in t ? natsSink(t.nats) : 'redis' in t ? redisSink(t.redis) : Promise.resolve(webhookSink(t.webhook));
      // a failed connection is tried again at the next record
      s.catch(() => sinks.delete(name));
      sinks.set(name, s);
    }
    return s;
  };
  return {
    has: (name) => Object.hasOwn(mappings, name),
    async publish(name, records) {
      if (!Object.hasOwn(mappings, name)) throw new Error(`stream ${name} is not configured`);
      if (records.length) await (await sinkOf(name)).send(records.map((r) => JSON.stringify(r)));
    },
    async close() {
      const all = [...sinks.values()];
      sinks.clear();
      for (const s of await Promise.allSettled(all)) {
        if (s.status === 'fulfilled') await s.value.close().catch((e: Error) => logger?.warn('stream close failed', { error: e.message }));
      }
    },
  };
}
