// Test support for the Cognito Sync change feed: a URL presigned with SigV4 (@smithy/signature-v4, as a browser app
// would presign for its EventSource) and a real SSE consumer (the `eventsource` package) that records what arrives.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { EventSource } from 'eventsource';

const bytes = (d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof d === 'string' ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);

/** The SHA-256 the signer takes (what @smithy/hash-node is: node:crypto's hash, or HMAC when given a secret). */
class Sha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** GET /_cognate/sync/feed for this device, presigned (service cognito-sync) by `credentials`. */
export async function presignedFeedUrl(
  base: string,
  region: string,
  credentials: Credentials | (() => Promise<Credentials>),
  at: { IdentityPoolId: string; IdentityId: string; DeviceId: string },
): Promise<string> {
  const u = new URL(base);
  const signer = new SignatureV4({ service: 'cognito-sync', region, credentials, sha256: Sha256 });
  const signed = await signer.presign(
    { method: 'GET', protocol: u.protocol, hostname: u.hostname, port: Number(u.port), path: '/_cognate/sync/feed', query: { ...at }, headers: { host: u.host } },
    { expiresIn: 300 },
  );
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(signed.query ?? {})) q.set(k, String(v));
  return `${u.origin}/_cognate/sync/feed?${q}`;
}

export interface FeedChange {
  identityPoolId: string;
  identityId: string;
  datasetName: string;
  syncCount: number;
  deviceId: string | null;
  /** Date.now() when it arrived */
  at: number;
}

export interface Feed {
  changes: FeedChange[];
  /** Resolves when the server says the feed listens; rejects with the HTTP status of a refusal. */
  ready: Promise<void>;
  /** The next change (after those already seen), or null after `ms`. */
  next(ms: number): Promise<FeedChange | null>;
  close(): void;
}

export function openFeed(url: string): Feed {
  const es = new EventSource(url);
  const changes: FeedChange[] = [];
  let seen = 0;
  let wake: (() => void) | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    es.addEventListener('ready', () => resolve());
    es.onerror = (e) => {
      // A refusal (an HTTP status) ends the feed for good; a dropped stream would be retried by EventSource.
      if (e.code !== undefined) {
        es.close();
        reject(Object.assign(new Error(`feed refused: ${e.code} ${e.message ?? ''}`), { status: e.code }));
      }
    };
  });
  ready.catch(() => {});
  es.addEventListener('change', (e) => {
    changes.push({ ...(JSON.parse(e.data) as Omit<FeedChange, 'at'>), at: Date.now() });
    wake?.();
  });
  return {
    changes,
    ready,
    async next(ms) {
      const deadline = Date.now() + ms;
      while (changes.length <= seen && Date.now() < deadline)
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, Math.max(0, deadline - Date.now()));
        });
      wake = null;
      return changes.length > seen ? changes[seen++]! : null;
    },
    close: () => es.close(),
  };
}
