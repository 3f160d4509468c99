// Whole hostile HTTP requests for the AWS JSON edge: a model-generated input for some operation of a served
// service, wrapped in a body, target, content type, signature, method and path that are each right most of
// the time and wrong in every way we know of the rest.
import fc, { type Arbitrary } from 'fast-check';
import type { ServiceModel } from '../../src/protocol/validate.ts';
import { anyJson, inputOf, oddString, type KnownValues } from './model-arbitraries.ts';
import { signedHeaders, type Credentials, type RawRequest } from '../support/raw-http.ts';

export interface FuzzService {
  /** SigV4 service name of the credential scope. */
  name: string;
  model: ServiceModel;
  /** How often this service is picked, relative to the others. */
  weight: number;
  /** Operations the server implements: picked twelve times as often as the others (which answer UnsupportedOperation). */
  served: string[];
}

export type BodyKind = 'json' | 'nulls' | 'duplicate' | 'nonjson' | 'numbers' | 'deep' | 'oversized' | 'empty' | 'bom' | 'badutf8';
export type TargetKind = 'right' | 'otherService' | 'unknown' | 'missing' | 'empty' | 'lowercase' | 'odd' | 'huge' | 'twice';
export type AuthKind = 'signed' | 'none' | 'wrongSecret' | 'unknownKey' | 'targetUnsigned' | 'garbled' | 'stale' | 'tampered' | 'query';

/** One request, as data (fast-check generates and prints it); `toRequest` turns it into bytes and headers. */
export interface Plan {
  service: number;
  operation: string;
  input: Record<string, unknown>;
  body: BodyKind;
  /** The member to duplicate, and its second value (duplicate), or raw junk text (nonjson). */
  dupKey: string;
  dupValue: unknown;
  junk: string;
  /** Which members (counted in JSON order, at every depth) become null in a 'nulls' body. */
  nullMask: number;
  target: TargetKind;
  oddTarget: string;
  contentType: string | null;
  auth: AuthKind;
  garbledAuth: string;
  method: string;
  path: string;
}

const w = <T>(weight: number, arbitrary: Arbitrary<T>) => ({ weight, arbitrary });
const c = <T>(weight: number, value: T) => ({ weight, arbitrary: fc.constant(value) });

/** Latin-1 printable text: what an HTTP client can put in a header value at all. */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((n) => n < 0x7f || n > 0x9f).map((n) => String.fromCharCode(n)), maxLength: 60 });

const garbledAuth: Arbitrary<string> = fc.oneof(
  headerText,
  fc.constantFrom(
    'AWS4-HMAC-SHA256',
    'AWS4-HMAC-SHA256 ',
    'AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=',
    'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=zz',
    'AWS4-HMAC-SHA256 Credential=a/b/c, SignedHeaders=host;x-amz-date, Signature=00',
    'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=__proto__;constructor;host, Signature=' + '0'.repeat(64),
    'AWS4-HMAC-SHA256 Credential=AKID/x/us-east-1/cognito-idp/aws4_request,SignedHeaders=;;;;,Signature=',
    'AWS4-HMAC-SHA256 Credential=' + 'A'.repeat(8000),
    'AWS4-HMAC-SHA1 Credential=AKID/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=00',
    'Basic dXNlcjpwYXNz',
    'Bearer eyJhbGciOiJub25lIn0.e30.',
  ),
);

/** Operations that would take the fixture away (its pool, client, group, user or tokens) get no real identifiers. */
const DESTRUCTIVE = /^(Admin)?Delete|SignOut$|^RevokeToken$|^AdminDisableUser$|^AdminResetUserPassword$|^AdminRemoveUserFromGroup$/;
const NO_KNOWN: KnownValues = {};

export function planArbitrary(services: FuzzService[], known: KnownValues): Arbitrary<Plan> {
  const byService = services.map((s, i) => {
    const all = fc.constantFrom(...Object.keys(s.model.operations));
    const operation = s.served.length ? fc.oneof(w(12, fc.constantFrom(...s.served)), w(1, all)) : all;
    const core = fc
      .tuple(operation, fc.boolean())
      .chain(([op, hostile]) => inputOf(s.model, op, DESTRUCTIVE.test(op) ? NO_KNOWN : known, hostile).map((input) => ({ service: i, operation: op, input })));
    return w(s.weight, core);
  });
  return fc.record({
    core: fc.oneof(...byService),
    body: fc.oneof(
      c(80, 'json' as BodyKind),
      c(8, 'nulls' as BodyKind),
      c(3, 'duplicate' as BodyKind),
      c(3, 'nonjson' as BodyKind),
      c(1, 'numbers' as BodyKind),
      c(1, 'deep' as BodyKind),
      c(1, 'empty' as BodyKind),
      c(1, 'bom' as BodyKind),
      c(1, 'badutf8' as BodyKind),
      c(1, 'oversized' as BodyKind),
    ),
    dupKey: fc.string({ maxLength: 10 }),
    nullMask: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    dupValue: anyJson,
    junk: fc.oneof(
      fc.constantFrom('{', '{"a":', '[1,2]', '"s"', '12', 'null', 'true', '{}}', '{"a":1,}', "{'a':1}", '{"a":NaN}', '\u0000', '<xml/>', 'a=b&c=d'),
      fc.string({ unit: 'binary', maxLength: 50 }),
      oddString,
    ),
    target: fc.oneof(
      c(80, 'right' as TargetKind),
      ...(['otherService', 'unknown', 'missing', 'empty', 'lowercase', 'odd', 'huge', 'twice'] as TargetKind[]).map((k) => c(1, k)),
    ),
    oddTarget: headerText,
    contentType: fc.oneof(
      c(60, 'application/x-amz-json-1.1'),
      c(3, 'application/json'),
      c(1, null),
      c(1, 'text/plain'),
      c(1, 'application/x-amz-json-1.0'),
      c(1, 'application/x-www-form-urlencoded'),
      c(1, 'multipart/form-data; boundary=x'),
      w(1, headerText),
    ),
    auth: fc.oneof(
      c(40, 'signed' as AuthKind),
      c(12, 'none' as AuthKind),
      ...(['wrongSecret', 'unknownKey', 'targetUnsigned', 'stale', 'tampered', 'query'] as AuthKind[]).map((k) => c(1, k)),
      c(3, 'garbled' as AuthKind),
    ),
    garbledAuth,
    method: fc.oneof(c(150, 'POST'), c(1, 'GET'), c(1, 'PUT'), c(1, 'DELETE'), c(1, 'PATCH')),
    path: fc.oneof(c(150, '/'), c(1, '/?a=b'), c(1, '/%2e%2e/'), c(1, '//'), c(1, '/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a'), c(1, '/x')),
  }).map(({ core, ...rest }) => ({ ...core, ...rest }));
}

/** The body text (or bytes) of a plan. */
function bodyOf(p: Plan, bodyLimit: number): string | Buffer {
  const json = JSON.stringify(p.input);
  switch (p.body) {
    case 'json':
      return json;
    case 'nulls': {
      // AWS reads a null member as an absent one: so must we, wherever it is.
      let i = 0;
      return JSON.stringify(p.input, (key, v) => (key !== '' && (p.nullMask >>> (i++ % 31)) & 1 ? null : v));
    }
    case 'duplicate': {
      // The same member twice (an existing one when there is one): JSON.parse keeps the last.
      const key = Object.keys(p.input)[0] ?? p.dupKey;
      const second = `${JSON.stringify(key)}:${JSON.stringify(p.dupValue) ?? 'null'}`;
      return json === '{}' ? `{${second},${second}}` : `${json.slice(0, -1)},${second}}`;
    }
    case 'nonjson':
      return p.junk;
    case 'numbers':
      return json === '{}' ? '{"Limit":1e400}' : `${json.slice(0, -1)},"Limit":-1e400,"MaxResults":123456789012345678901234567890,"A":-0.0e-999}`;
    case 'deep':
      return `{"${Object.keys(p.input)[0] ?? 'X'}":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    case 'empty':
      return '';
    case 'bom':
      return '\ufeff' + json;
    case 'badutf8':
      return Buffer.concat([Buffer.from(json.slice(0, -1)), Buffer.from(',"Username":"\xff\xfe\xc0\x80"}', 'latin1')]);
    case 'oversized':
      return JSON.stringify({ ...p.input, Padding: 'x'.repeat(bodyLimit) });
  }
}

export interface Target {
  url: string;
  admin: Credentials;
  bodyLimit: number;
  region: string;
}

/** Turns a plan into the request to send (signing it as the plan says). */
export async function toRequest(p: Plan, services: FuzzService[], t: Target): Promise<RawRequest> {
  const s = services[p.service]!;
  const prefix = s.model.metadata.targetPrefix as string;
  const other = services[(p.service + 1) % services.length]!.model.metadata.targetPrefix as string;
  const body = bodyOf(p, t.bodyLimit);
  const headers: Record<string, string> = {};
  if (p.contentType !== null) headers['content-type'] = p.contentType;
  const target: Record<TargetKind, string | undefined> = {
    right: `${prefix}.${p.operation}`,
    otherService: `${other}.${p.operation}`,
    unknown: `${prefix}.${p.operation}X`,
    missing: undefined,
    empty: '',
    lowercase: `${prefix}.${p.operation}`.toLowerCase(),
    odd: p.oddTarget,
    huge: `${prefix}.${'A'.repeat(9000)}`,
    twice: `${prefix}.${p.operation}`,
  };
  const value = target[p.target];
  if (value !== undefined) headers['x-amz-target'] = value;
  const [path, query] = p.path.includes('?') ? [p.path.slice(0, p.path.indexOf('?')), p.path.slice(p.path.indexOf('?') + 1)] : [p.path, ''];
  const queryObj = Object.fromEntries(new URLSearchParams(query));
  const sign = (over: { creds?: Credentials; signingDate?: Date; unsignable?: string[] } = {}) =>
    signedHeaders(t.url, over.creds ?? t.admin, {
      method: p.method,
      path,
      query: queryObj,
      headers,
      body,
      service: s.name,
      region: t.region,
      ...(over.signingDate ? { signingDate: over.signingDate } : {}),
      ...(over.unsignable ? { unsignable: over.unsignable } : {}),
    });
  let sent: Record<string, string | string[]> = headers;
  let sentBody = body;
  switch (p.auth) {
    case 'none':
      break;
    case 'signed':
    case 'query':
      sent = await sign();
      break;
    case 'wrongSecret':
      sent = await sign({ creds: { accessKeyId: t.admin.accessKeyId, secretAccessKey: 'wrong' + t.admin.secretAccessKey } });
      break;
    case 'unknownKey':
      sent = await sign({ creds: { accessKeyId: 'AKIDUNKNOWN000000000', secretAccessKey: 'x' } });
      break;
    case 'targetUnsigned':
      sent = await sign({ unsignable: ['x-amz-target'] });
      break;
    case 'stale':
      sent = await sign({ signingDate: new Date(Date.now() - 3_600_000) });
      break;
    case 'tampered':
      sent = await sign();
      sentBody = Buffer.isBuffer(body) ? Buffer.concat([body, Buffer.from(' ')]) : body + ' ';
      break;
    case 'garbled':
      sent = { ...headers, authorization: p.garbledAuth, 'x-amz-date': '20260101T000000Z' };
      break;
  }
  if (p.target === 'twice') sent = { ...sent, 'x-amz-target': [`${prefix}.${p.operation}`, `${other}.AdminDeleteUser`] };
  const fullPath = p.auth === 'query' ? `${path}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(p.garbledAuth)}` : p.path;
  const { host: _host, ...rest } = sent as Record<string, string | string[]>;
  // Node computes content-length itself for what we send.
  delete rest['content-length'];
  return { method: p.method, path: fullPath, headers: rest, body: sentBody, timeoutMs: 15_000 };
}
