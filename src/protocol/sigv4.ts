// AWS Signature Version 4 verification of incoming requests (header and presigned-query forms),
// written directly on node:crypto. Canonicalization follows the rules for non-S3 services:
// the path is URI-encoded again (double-encoded), normalized, and the payload is always hashed.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { LruCache } from '../lib/lru.ts';
import {
  IncompleteSignatureException,
  InvalidSignatureException,
  MissingAuthenticationTokenException,
  UnrecognizedClientException,
} from './errors.ts';

export interface SignedRequest {
  method: string;
  /** Raw request path as received, without query string, still percent-encoded. */
  path: string;
  /** Raw query string without '?', '' if none. */
  query: string;
  /** Lower-cased header names as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** Raw body bytes. */
  body: Buffer;
}

export interface SigV4Principal {
  accessKeyId: string;
  service: string;
  region: string;
  sessionToken?: string;
  /** whatever the resolver attached */
  context?: unknown;
}

export interface SigningKeyResolver {
  /** Returns the secret for an access key id (and optional attached context), or null when unknown. sessionToken is the x-amz-security-token header if present. */
  resolve(accessKeyId: string, sessionToken: string | undefined): Promise<{ secretAccessKey: string; context?: unknown } | null>;
}

export interface VerifyOptions {
  resolver: SigningKeyResolver;
  /** expected region of the credential scope */
  region: string;
  /** accepted service names in the scope, e.g. ['cognito-idp'] */
  services: string[];
  /** injected clock */
  nowMs: number;
  /** --dev mode: parse and require a well-formed Authorization header, but accept any key and don't check the signature */
  skipSignatureCheck?: boolean;
  /** Derived signing keys kept between requests (deps.caches.sigv4Keys); without it each request derives its own. */
  keyCache?: LruCache<string, Buffer>;
  /** S3's canonical URI: the path exactly as sent (S3 signers neither normalize nor encode it again). */
  s3Path?: boolean;
  /**
   * The body is not here (a proxy asking on a request's behalf, authorize-endpoint.ts): the payload hash is the
   * x-amz-content-sha256 header's value as signed, else UNSIGNED-PAYLOAD for a presigned URL, else the empty body's.
   * Nothing then checks the body against it; the upstream that gets the body may.
   */
  declaredPayload?: boolean;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGNED_TTL_S = 7 * 24 * 60 * 60;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

const MSG_SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const MSG_HOST_NOT_SIGNED = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.";
/** AWS's wording: without it, a captured request replays as another operation (the target picks it, not the body). */
const MSG_TARGET_NOT_SIGNED = "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.";
const MSG_CONTENT_SHA256_MISMATCH = "The provided 'x-amz-content-sha256' header does not match what was computed.";

// ---------------------------------------------------------------------------------------------
// Public API

/** Returns true if the request carries SigV4 auth at all (Authorization header starting 'AWS4-HMAC-SHA256' or X-Amz-Algorithm query param). */
export function hasSigV4(req: SignedRequest): boolean {
  const auth = headerValue(req.headers, 'authorization');
  if (auth !== undefined && auth.trimStart().startsWith(ALGORITHM)) return true;
  return parseQuery(req.query).some(([k]) => k === 'X-Amz-Algorithm');
}

/** Parses the credential scope service from the Authorization header without verifying (used to tell STS from IAM calls); null if absent/malformed. */
export function signedService(req: SignedRequest): string | null {
  let credential: string | undefined;
  const auth = headerValue(req.headers, 'authorization');
  if (auth !== undefined) {
    const parsed = splitAuthorization(auth);
    if (parsed.algorithm !== ALGORITHM) return null;
    credential = parsed.params.get('Credential');
  } else {
    credential = parseQuery(req.query).find(([k]) => k === 'X-Amz-Credential')?.[1];
  }
  if (credential === undefined) return null;
  const parts = credential.split('/');
  if (parts.length !== 5 || !parts[3] || parts[4] !== TERMINATOR) return null;
  return parts[3];
}

/** Verifies; throws the AWS-named errors; returns the principal. */
export async function verifySigV4(req: SignedRequest, opts: VerifyOptions): Promise<SigV4Principal> {
  const dev = opts.skipSignatureCheck === true;
  const auth = parseAuth(req);

  // Credential scope: keyid/date/region/service/aws4_request
  const parts = auth.credential.split('/');
  if (parts.length !== 5) {
    throw new IncompleteSignatureException(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${auth.credential}'`,
    );
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator] = parts as [string, string, string, string, string];
  if (!accessKeyId) {
    throw new IncompleteSignatureException(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${auth.credential}'`,
    );
  }

  const signedHeaders = auth.signedHeaders.split(';');
  if (!signedHeaders.includes('host')) throw new InvalidSignatureException(MSG_HOST_NOT_SIGNED);
  if (headerValue(req.headers, 'x-amz-target') !== undefined && !signedHeaders.includes('x-amz-target'))
    throw new InvalidSignatureException(MSG_TARGET_NOT_SIGNED);

  if (!dev) checkTime(auth, opts.nowMs);

  const scopeErrors: string[] = [];
  if (scopeRegion !== opts.region) scopeErrors.push('Credential should be scoped to a valid region. ');
  if (!opts.services.includes(scopeService)) {
    scopeErrors.push(`Credential should be scoped to correct service: '${opts.services[0] ?? ''}'. `);
  }
  if (terminator !== TERMINATOR) {
    scopeErrors.push(`Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'. `);
  }
  const requestDay = auth.amzDate.slice(0, 8);
  if (scopeDate !== requestDay) {
    scopeErrors.push(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${requestDay}', from '${auth.amzDate}'. `,
    );
  }
  if (scopeErrors.length) {
    // Cognito's words first; then what this server expects, which AWS leaves the caller to guess.
    const expects = `This server expects credentials scoped to region '${opts.region}' (its --region) and service '${opts.services.join("' or '")}', got '${scopeRegion}' and '${scopeService}'.`;
    throw new InvalidSignatureException(scopeErrors.join('') + expects);
  }

  const sessionToken = auth.sessionToken;
  const key = await opts.resolver.resolve(accessKeyId, sessionToken);
  const principal: SigV4Principal = { accessKeyId, service: scopeService, region: scopeRegion };
  if (sessionToken !== undefined) principal.sessionToken = sessionToken;
  if (key && key.context !== undefined) principal.context = key.context;
  if (dev) return principal;
  if (!key) throw new UnrecognizedClientException('The security token included in the request is invalid.');

  const declared = headerValue(req.headers, 'x-amz-content-sha256');
  let payloadHash = sha256Hex(req.body);
  if (opts.declaredPayload) payloadHash = declared?.trim() ?? (auth.presigned ? UNSIGNED_PAYLOAD : payloadHash);
  else if (declared !== undefined && declared.trim() !== UNSIGNED_PAYLOAD && declared.trim() !== payloadHash) {
    throw new InvalidSignatureException(MSG_CONTENT_SHA256_MISMATCH);
  }

  const expected = computeSignature(req, {
    secretAccessKey: key.secretAccessKey,
    amzDate: auth.amzDate,
    region: scopeRegion,
    service: scopeService,
    signedHeaders: auth.signedHeaders,
    payloadHash,
    presigned: auth.presigned,
    ...(opts.keyCache ? { keyCache: opts.keyCache } : {}),
    ...(opts.s3Path ? { s3Path: true } : {}),
  });

  if (!/^[0-9a-f]{64}$/.test(auth.signature)) throw new InvalidSignatureException(MSG_SIGNATURE_MISMATCH);
  const provided = Buffer.from(auth.signature, 'hex');
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
    throw new InvalidSignatureException(MSG_SIGNATURE_MISMATCH);
  }
  return principal;
}

export interface SignatureInput {
  secretAccessKey: string;
  /** Derived signing keys, cached (deps.caches.sigv4Keys); none for one-off signing. */
  keyCache?: LruCache<string, Buffer>;
  /** ISO-8601 basic timestamp (YYYYMMDDTHHMMSSZ); its first 8 characters are the scope date. */
  amzDate: string;
  region: string;
  service: string;
  /** Lower-case header names joined by ';', in sorted order. */
  signedHeaders: string;
  /** Hex SHA-256 of the body (or UNSIGNED-PAYLOAD). */
  payloadHash: string;
  presigned?: boolean;
  /** S3's canonical URI: the raw path as sent, neither normalized nor encoded again. */
  s3Path?: boolean;
}

/**
 * The SigV4 signature of a request (canonical request → string to sign → HMAC with the derived key). Shared by the
 * verifier above and the signer of outgoing calls (runtime/lambda/sigv4-sign.ts), so both canonicalise alike.
 */
export function computeSignature(req: SignedRequest, s: SignatureInput): Buffer {
  const canonicalRequest = [
    req.method.toUpperCase(),
    s.s3Path ? req.path || '/' : canonicalUri(req.path),
    canonicalQuery(req.query, s.presigned === true),
    canonicalHeaders(req.headers, s.signedHeaders.split(';')),
    s.signedHeaders,
    s.payloadHash,
  ].join('\n');
  const date = s.amzDate.slice(0, 8);
  const scope = `${date}/${s.region}/${s.service}/${TERMINATOR}`;
  const stringToSign = `${ALGORITHM}\n${s.amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  const signingKey = deriveSigningKey(s.keyCache, s.secretAccessKey, date, s.region, s.service);
  return createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest();
}

/** The X-Amz-Date form of a time: ISO-8601 basic, whole seconds. */
export function amzDateOf(ms: number): string {
  return formatBasicIso(ms);
}

export { sha256Hex };

// ---------------------------------------------------------------------------------------------
// Parsing the authentication parameters

interface ParsedAuth {
  presigned: boolean;
  credential: string;
  signedHeaders: string;
  signature: string;
  /** ISO-8601 basic timestamp (YYYYMMDDTHHMMSSZ) used in the string to sign. */
  amzDate: string;
  dateMs: number;
  /** X-Amz-Expires for presigned requests, seconds. */
  expires?: number;
  sessionToken?: string;
}

function parseAuth(req: SignedRequest): ParsedAuth {
  const rawHeader = headerValue(req.headers, 'authorization');
  const header = rawHeader !== undefined && rawHeader.trim() !== '' ? rawHeader : undefined;
  const query = parseQuery(req.query);
  const queryAlgorithm = query.find(([k]) => k === 'X-Amz-Algorithm');

  if (header !== undefined && queryAlgorithm) {
    throw new IncompleteSignatureException(
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified',
    );
  }
  if (header !== undefined) return parseHeaderAuth(req, header);
  if (queryAlgorithm) return parseQueryAuth(query);
  throw new MissingAuthenticationTokenException('Missing Authentication Token');
}

function parseHeaderAuth(req: SignedRequest, header: string): ParsedAuth {
  const { algorithm, params } = splitAuthorization(header);
  const credential = params.get('Credential');
  const signedHeaders = params.get('SignedHeaders');
  const signature = params.get('Signature');
  const xAmzDate = headerValue(req.headers, 'x-amz-date');
  const httpDate = headerValue(req.headers, 'date');

  let msg = '';
  if (!credential) msg += "Authorization header requires 'Credential' parameter. ";
  if (!signature) msg += "Authorization header requires 'Signature' parameter. ";
  if (!signedHeaders) msg += "Authorization header requires 'SignedHeaders' parameter. ";
  if (xAmzDate === undefined && httpDate === undefined) {
    msg += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (msg) throw new IncompleteSignatureException(`${msg}Authorization=${header}`);
  if (algorithm !== ALGORITHM) throw new IncompleteSignatureException(`Unsupported AWS 'algorithm': '${algorithm}'`);

  let amzDate: string;
  let dateMs: number;
  if (xAmzDate !== undefined) {
    amzDate = xAmzDate.trim();
    dateMs = parseBasicIso(amzDate);
  } else {
    const parsed = Date.parse(httpDate!.trim());
    if (!Number.isFinite(parsed)) throw badDate(httpDate!.trim());
    dateMs = parsed;
    amzDate = formatBasicIso(parsed);
  }
  const token = headerValue(req.headers, 'x-amz-security-token');
  return {
    presigned: false,
    credential: credential!,
    signedHeaders: signedHeaders!,
    signature: signature!,
    amzDate,
    dateMs,
    sessionToken: token === undefined ? undefined : token.trim(),
  };
}

function parseQueryAuth(query: Array<[string, string]>): ParsedAuth {
  const get = (name: string) => query.find(([k]) => k === name)?.[1];
  const required = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'];
  let msg = '';
  for (const name of required) if (!get(name)) msg += `AWS query-string parameters must include '${name}'. `;
  if (msg) throw new IncompleteSignatureException(`${msg}Re-examine the query-string parameters.`);
  const algorithm = get('X-Amz-Algorithm')!;
  if (algorithm !== ALGORITHM) throw new IncompleteSignatureException(`Unsupported AWS 'algorithm': '${algorithm}'`);

  const amzDate = get('X-Amz-Date')!;
  const dateMs = parseBasicIso(amzDate);
  let expires: number | undefined;
  const rawExpires = get('X-Amz-Expires');
  if (rawExpires !== undefined) {
    if (!/^\d+$/.test(rawExpires)) {
      throw new IncompleteSignatureException(`X-Amz-Expires should be a number. Got '${rawExpires}'.`);
    }
    expires = Number(rawExpires);
    if (expires > MAX_PRESIGNED_TTL_S) {
      throw new IncompleteSignatureException(
        `X-Amz-Expires must be less than a week (in seconds) that is 604800. Got '${rawExpires}'.`,
      );
    }
  }
  return {
    presigned: true,
    credential: get('X-Amz-Credential')!,
    signedHeaders: get('X-Amz-SignedHeaders')!,
    signature: get('X-Amz-Signature')!,
    amzDate,
    dateMs,
    expires,
    sessionToken: get('X-Amz-Security-Token'),
  };
}

/** Splits 'ALGO k=v, k=v, ...' into the algorithm and its parameters (first occurrence wins). */
function splitAuthorization(header: string): { algorithm: string; params: Map<string, string> } {
  const trimmed = header.trim();
  const sp = trimmed.search(/\s/);
  const algorithm = sp < 0 ? trimmed : trimmed.slice(0, sp);
  const rest = sp < 0 ? '' : trimmed.slice(sp + 1);
  const params = new Map<string, string>();
  for (const piece of rest.split(',')) {
    const item = piece.trim();
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    const name = item.slice(0, eq).trim();
    if (!params.has(name)) params.set(name, item.slice(eq + 1).trim());
  }
  return { algorithm, params };
}

function checkTime(auth: ParsedAuth, nowMs: number): void {
  const now = Math.floor(nowMs / 1000) * 1000;
  const nowIso = formatBasicIso(now);
  if (auth.dateMs < now - MAX_SKEW_MS && !auth.presigned) {
    throw new InvalidSignatureException(
      `Signature expired: ${auth.amzDate} is now earlier than ${formatBasicIso(now - MAX_SKEW_MS)} (${nowIso} - 15 min.)`,
    );
  }
  if (auth.dateMs > now + MAX_SKEW_MS) {
    throw new InvalidSignatureException(
      `Signature not yet current: ${auth.amzDate} is still later than ${formatBasicIso(now + MAX_SKEW_MS)} (${nowIso} + 15 min.)`,
    );
  }
  if (auth.presigned) {
    // A presigned request is valid from its date until date + X-Amz-Expires (default: the skew window).
    const expiresMs = auth.expires !== undefined ? auth.expires * 1000 : MAX_SKEW_MS;
    const end = auth.dateMs + expiresMs;
    if (now > end) {
      throw new InvalidSignatureException(`Signature expired: ${formatBasicIso(end)} is now earlier than ${nowIso}`);
    }
  }
}

function parseBasicIso(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) throw badDate(value);
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) throw badDate(value);
  return ms;
}

function badDate(value: string) {
  return new IncompleteSignatureException(
    `Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`,
  );
}

function formatBasicIso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

// ---------------------------------------------------------------------------------------------
// Canonical request

/** RFC 3986 percent-encoding: everything except unreserved characters, UTF-8, upper-case hex. */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Non-S3 canonical URI: the raw (already encoded) path is normalized (empty, '.' and '..' segments
 * removed, as the SDK signers do) and each segment is URI-encoded once more.
 */
function canonicalUri(rawPath: string): string {
  const path = rawPath === '' ? '/' : rawPath;
  const segments: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  const lead = path.startsWith('/') ? '/' : '';
  const trail = segments.length > 0 && path.endsWith('/') ? '/' : '';
  const joined = lead + segments.map(uriEncode).join('/') + trail;
  return joined === '' ? '/' : joined;
}

/** Decodes %XX escapes (as UTF-8 bytes), leaving malformed escapes literal; '+' stays '+'. */
function percentDecode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    const bytes: number[] = [];
    for (let i = 0; i < value.length; ) {
      if (value[i] === '%' && /^[0-9a-fA-F]{2}$/.test(value.slice(i + 1, i + 3))) {
        bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
        i += 3;
      } else {
        const cp = value.codePointAt(i)!;
        const ch = String.fromCodePoint(cp);
        bytes.push(...Buffer.from(ch, 'utf8'));
        i += ch.length;
      }
    }
    return Buffer.from(bytes).toString('utf8');
  }
}

/** Raw query string → decoded [name, value] pairs, in order. */
function parseQuery(query: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!query) return out;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    out.push([percentDecode(k), percentDecode(v)]);
  }
  return out;
}

function canonicalQuery(rawQuery: string, presigned: boolean): string {
  const pairs: Array<[string, string]> = [];
  for (const [k, v] of parseQuery(rawQuery)) {
    if (presigned && k === 'X-Amz-Signature') continue;
    pairs.push([uriEncode(k), uriEncode(v)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function trimAll(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** 'name:value\n' for each signed header, in the order given by SignedHeaders. */
function canonicalHeaders(headers: SignedRequest['headers'], signed: string[]): string {
  let out = '';
  for (const name of signed) {
    // Own properties only: a SignedHeaders entry such as 'constructor' or '__proto__' must not reach Object.prototype.
    const raw = Object.hasOwn(headers, name) ? headers[name] : undefined;
    const value = typeof raw === 'string' ? trimAll(raw) : Array.isArray(raw) ? raw.map(String).map(trimAll).join(',') : '';
    out += `${name}:${value}\n`;
  }
  return out;
}

function headerValue(headers: SignedRequest['headers'], name: string): string | undefined {
  const v = Object.hasOwn(headers, name) ? headers[name] : undefined;
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v[0] : v;
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Signing keys (cached per secret + date + region + service)

function deriveSigningKey(cache: LruCache<string, Buffer> | undefined, secret: string, date: string, region: string, service: string): Buffer {
  // The cache key holds a digest of the secret, never the secret itself.
  const cacheKey = `${sha256Hex(secret)}/${date}/${region}/${service}`;
  const hit = cache?.get(cacheKey);
  if (hit) return hit;
  let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(date, 'utf8').digest();
  for (const part of [region, service, TERMINATOR]) key = createHmac('sha256', key).update(part, 'utf8').digest();
  cache?.set(cacheKey, key);
  return key;
}
