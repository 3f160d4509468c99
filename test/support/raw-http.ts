// Test support: one HTTP request exactly as given (headers, bytes), on its own connection, over node:http, and
// requests signed by the AWS SDK's own SigV4 signer (@smithy/signature-v4), for replay and hostile-input tests.
import { request } from 'node:http';
import sha256js from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Bytes of the response head's header lines (names, values, ': ' and CRLF). */
  headerBytes: number;
  body: string;
}

export interface RawRequest {
  method?: string;
  path?: string;
  /** Sent as given; an array value repeats the header. */
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** A request that gets no answer within this fails ('no answer'), default 10 s. */
  timeoutMs?: number;
}

/**
 * Sends one request on a fresh connection and reads the whole answer. Rejects when the connection is reset or
 * closed without an answer, when the answer cannot be parsed (e.g. a header section over Node's 16 KB), or on timeout.
 */
export function rawRequest(baseUrl: string, r: RawRequest): Promise<RawResponse> {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method: r.method ?? 'POST',
        path: r.path ?? '/',
        // A body always goes with its content-length (Node sends a GET's body without one, as a second request).
        headers: r.body !== undefined && !Object.keys(r.headers ?? {}).some((k) => k.toLowerCase() === 'content-length')
          ? { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) }
          : (r.headers ?? {}),
        agent: false,
        timeout: r.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          let headerBytes = 0;
          for (let i = 0; i < res.rawHeaders.length; i += 2) headerBytes += Buffer.byteLength(res.rawHeaders[i]!) + Buffer.byteLength(res.rawHeaders[i + 1]!) + 4;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, headerBytes, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within the timeout')));
    req.on('error', reject);
    req.end(r.body);
  });
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** temporary credentials: sent as x-amz-security-token and signed */
  sessionToken?: string;
}

export interface SignArgs {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  /** Every header to send besides host (which is added); the signer adds x-amz-date, x-amz-content-sha256, authorization. */
  headers: Record<string, string>;
  body: string | Buffer;
  service?: string;
  region?: string;
  signingDate?: Date;
  /** Headers left out of SignedHeaders. */
  unsignable?: string[];
}

/** Signs a request with the SDK's own signer (@smithy/signature-v4); returns the headers to send. */
export async function signedHeaders(baseUrl: string, creds: Credentials, a: SignArgs): Promise<Record<string, string>> {
  const u = new URL(baseUrl);
  const signer = new SignatureV4({ credentials: creds, region: a.region ?? 'us-east-1', service: a.service ?? 'cognito-idp', sha256: sha256js.Sha256 });
  const signed = await signer.sign(
    {
      method: a.method ?? 'POST',
      protocol: 'http:',
      hostname: u.hostname,
      port: Number(u.port),
      path: a.path ?? '/',
      query: a.query ?? {},
      headers: { host: u.host, ...a.headers },
      body: a.body,
    },
    { unsignableHeaders: new Set(a.unsignable ?? []), ...(a.signingDate ? { signingDate: a.signingDate } : {}) },
  );
  return signed.headers as Record<string, string>;
}

/** Signs a POST / for `service` as the SDK sends it (host, content-type, x-amz-target, content-length). */
export function sdkSigned(
  baseUrl: string,
  creds: Credentials,
  a: { target: string; body: string; service?: string; unsignable?: string[] },
): Promise<Record<string, string>> {
  return signedHeaders(baseUrl, creds, {
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': a.target, 'content-length': String(Buffer.byteLength(a.body)) },
    body: a.body,
    ...(a.service ? { service: a.service } : {}),
    ...(a.unsignable ? { unsignable: a.unsignable } : {}),
  });
}
