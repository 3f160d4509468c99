// SigV4 signing of outgoing requests (the Lambda Invoke API), on the canonicalisation protocol/sigv4.ts verifies with.
// Signs every header given plus host, x-amz-date, x-amz-content-sha256 and x-amz-security-token, as the AWS SDKs'
// signer (@smithy/signature-v4) does, so the two produce the same Authorization header.
import { amzDateOf, computeSignature, sha256Hex } from '../../protocol/sigv4.ts';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface RequestToSign {
  method: string;
  url: URL;
  /** Header names in any case; they are signed lower-cased. */
  headers: Record<string, string>;
  body: string;
}

/** Headers the SDK signer never signs (they change in transit or are per-hop). */
const UNSIGNABLE = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);

/** Returns the request's headers (lower-cased) with x-amz-date, x-amz-content-sha256, the token and Authorization added. */
export function signRequest(
  req: RequestToSign,
  o: { credentials: SigningCredentials; region: string; service: string; nowMs: number },
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
  headers.host = req.url.host;
  const amzDate = amzDateOf(o.nowMs);
  headers['x-amz-date'] = amzDate;
  if (o.credentials.sessionToken) headers['x-amz-security-token'] = o.credentials.sessionToken;
  const payloadHash = sha256Hex(Buffer.from(req.body, 'utf8'));
  headers['x-amz-content-sha256'] ??= payloadHash;
  const signed = Object.keys(headers)
    .filter((h) => !UNSIGNABLE.has(h) && !/^(proxy|sec)-/.test(h))
    .sort()
    .join(';');
  const signature = computeSignature(
    { method: req.method, path: req.url.pathname, query: req.url.search.replace(/^\?/, ''), headers, body: Buffer.alloc(0) },
    { secretAccessKey: o.credentials.secretAccessKey, amzDate, region: o.region, service: o.service, signedHeaders: signed, payloadHash },
  ).toString('hex');
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${o.credentials.accessKeyId}/${amzDate.slice(0, 8)}/${o.region}/${o.service}/aws4_request, ` +
    `SignedHeaders=${signed}, Signature=${signature}`;
  return headers;
}
