// Test support: reading GET /_cognate/outbox over HTTP, unsigned (--dev, from this machine) or SigV4-signed by a key.
import { SignatureV4 } from '@smithy/signature-v4';
// @aws-crypto/sha256-js 1.x is CommonJS with tslib re-exports that Node's ESM loader cannot name; take the namespace object.
import sha256js from '@aws-crypto/sha256-js';

const { Sha256 } = sha256js;

export interface OutboxEntry {
  to: string;
  subject: string | null;
  body: string;
  sentAt: string;
  channel: 'email' | 'sms';
  delivery: string;
}

export interface OutboxAnswer {
  status: number;
  headers: Headers;
  body: { messages?: OutboxEntry[]; __type?: string; message?: string };
}

/** GET /_cognate/outbox?to=… with the given headers (none: an unsigned read). */
export async function fetchOutbox(url: string, to: string, headers: Record<string, string> = {}): Promise<OutboxAnswer> {
  const res = await fetch(`${url}/_cognate/outbox?to=${encodeURIComponent(to)}`, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as OutboxAnswer['body'] };
}

/** The headers of an outbox read for `to` signed by `credentials` as service cognito-idp (the real AWS signer). */
export async function signedOutboxHeaders(
  url: string,
  to: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  region: string,
  signingDate?: Date,
): Promise<Record<string, string>> {
  const u = new URL(url);
  const signer = new SignatureV4({ credentials, region, service: 'cognito-idp', sha256: Sha256 });
  const signed = await signer.sign(
    { method: 'GET', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/_cognate/outbox', query: { to }, headers: { host: u.host } },
    signingDate ? { signingDate } : {},
  );
  const { host: _host, ...headers } = signed.headers as Record<string, string>;
  return headers;
}
