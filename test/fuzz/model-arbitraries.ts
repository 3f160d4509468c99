// fast-check arbitraries generated from a botocore service model: for every operation's input shape, values that
// mostly fit the model (so requests reach the operations) mixed with hostile ones (wrong JSON types, nulls, missing
// and extra members, huge and odd Unicode strings, extreme numbers), at every depth.
import fc, { type Arbitrary } from 'fast-check';
import { compileJavaPattern, type ServiceModel } from '../../src/protocol/validate.ts';

/** Real identifiers of the fuzz fixture, used for members of these names so requests get past "not found". */
export type KnownValues = Record<string, string[]>;

const MAX_DEPTH = 5;

/** Strings no model expects: odd Unicode, control characters, JSON/JS keywords, very long ones. */
export const oddString: Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\r\n',
    'x\r\nSet-Cookie: a=b',
    '\ud800',
    'a\udc00b',
    '\ufeff',
    '\u202e\u2066abc',
    'e\u0301',
    '\u00e9',
    'A\u030a',
    '\u{1f600}\u{1f469}\u200d\u{1f469}\u200d\u{1f467}',
    '__proto__',
    'constructor',
    'toString',
    'null',
    'undefined',
    'NaN',
    '-0',
    '1e400',
    '%00%0d%0a',
    "'; DROP TABLE users; --",
    '${jndi:ldap://x}',
    '../../etc/passwd',
    '*)(uid=*))(|(uid=*',
    'username = "a" or 1=1',
    'a'.repeat(129),
    'é'.repeat(2049),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\u0001', '\u001f', '\u007f', '\u0085', '\u2028', '\u2029', '\ud83d', '\ude00', '"', '\\', '\n'), maxLength: 10 }),
  fc.integer({ min: 1_000, max: 40_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 100, max: 8_000 }).map((n) => '\u{1f600}'.repeat(n)),
);

const oddNumber: Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -1, -0, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE, 1.5, -1e300),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Any JSON value (including null), some nested. */
const anyJson: Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  oddNumber,
  oddString,
  fc.constant([]),
  fc.constant({}),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A value of another JSON type than the shape's (or null). */
function wrongType(type: string): Arbitrary<unknown> {
  const all: Array<[string, Arbitrary<unknown>]> = [
    ['string', fc.string({ maxLength: 8 })],
    ['number', oddNumber],
    ['boolean', fc.boolean()],
    ['list', fc.array(anyJson, { maxLength: 3 })],
    ['object', fc.dictionary(fc.string({ maxLength: 6 }), anyJson, { maxKeys: 3 })],
    ['null', fc.constant(null)],
  ];
  const jsonType =
    type === 'string' || type === 'blob'
      ? 'string'
      : ['integer', 'long', 'float', 'double', 'timestamp'].includes(type)
        ? 'number'
        : type === 'boolean'
          ? 'boolean'
          : type === 'list'
            ? 'list'
            : 'object';
  return fc.oneof(...all.filter(([t]) => t !== jsonType).map(([, a]) => a));
}

const SAFE_CHARS = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');

const stringCache = new Map<object, Arbitrary<string>>();

function fittingString(shape: any): Arbitrary<string> {
  let hit = stringCache.get(shape);
  if (!hit) stringCache.set(shape, (hit = buildFittingString(shape)));
  return hit;
}

function buildFittingString(shape: any): Arbitrary<string> {
  if (Array.isArray(shape.enum)) return fc.constantFrom(...(shape.enum as string[]));
  const min = typeof shape.min === 'number' ? Math.min(shape.min, 64) : 0;
  const max = Math.max(min, Math.min(typeof shape.max === 'number' ? shape.max : 64, 64));
  const plain = fc.string({ unit: SAFE_CHARS, minLength: min, maxLength: max });
  if (typeof shape.pattern !== 'string') return plain;
  const re = compileJavaPattern(shape.pattern);
  if (!re) return plain;
  try {
    const matching = fc.stringMatching(re).map((s) => (s.length > max ? s.slice(0, max) : s));
    fc.sample(matching, 1); // throws now if fast-check cannot generate from this pattern
    return matching;
  } catch {
    return plain;
  }
}

function fitting(model: ServiceModel, name: string, known: KnownValues, depth: number, hostile: boolean, memberName?: string): Arbitrary<unknown> {
  const shape = model.shapes[name];
  if (memberName && known[memberName]?.length) {
    return fc.oneof({ arbitrary: fc.constantFrom(...known[memberName]!), weight: 4 }, { arbitrary: valueOf(model, name, known, depth, hostile), weight: 1 });
  }
  switch (shape.type) {
    case 'string':
      return fittingString(shape);
    case 'integer':
    case 'long':
      return fc.integer({ min: typeof shape.min === 'number' ? shape.min : 0, max: typeof shape.max === 'number' ? Math.min(shape.max, 2 ** 31 - 1) : 1000 });
    case 'float':
    case 'double':
      return fc.double({ min: 0, max: 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'timestamp':
      return fc.integer({ min: 0, max: 2_000_000_000 });
    case 'blob':
      return fc.uint8Array({ maxLength: 32 }).map((b) => Buffer.from(b).toString('base64'));
    case 'list':
      if (depth >= MAX_DEPTH) return fc.constant([]);
      {
        const minLength = Math.min(typeof shape.min === 'number' ? shape.min : 0, 3);
        const maxLength = Math.max(minLength, Math.min(typeof shape.max === 'number' ? shape.max : 3, 3));
        return fc.array(valueOf(model, shape.member.shape, known, depth + 1, hostile), { minLength, maxLength });
      }
    case 'map':
      if (depth >= MAX_DEPTH) return fc.constant({});
      if (AUTH_MAPS.has(name)) return authMap(known);
      return fc.dictionary(fittingString(model.shapes[shape.key.shape]), valueOf(model, shape.value.shape, known, depth + 1, hostile), { maxKeys: 3 });
    case 'structure':
      if (shape.document) return fc.jsonValue({ maxDepth: 2 });
      if (depth >= MAX_DEPTH) return fc.constant({});
      return structureOf(model, shape, known, depth + 1, hostile);
    default:
      return anyJson;
  }
}

/** Maps whose keys name the auth flows' parameters: generated with those keys, so requests reach the flows. */
const AUTH_MAPS = new Set(['AuthParametersType', 'ChallengeResponsesType']);
const AUTH_KEYS = [
  'USERNAME', 'PASSWORD', 'NEW_PASSWORD', 'SRP_A', 'SECRET_HASH', 'REFRESH_TOKEN', 'DEVICE_KEY', 'SMS_MFA_CODE',
  'SOFTWARE_TOKEN_MFA_CODE', 'EMAIL_OTP_CODE', 'PASSWORD_CLAIM_SIGNATURE', 'PASSWORD_CLAIM_SECRET_BLOCK', 'TIMESTAMP',
  'ANSWER', 'PREFERRED_CHALLENGE', 'USER_ID_FOR_SRP', 'CHALLENGE_NAME', 'MFAS_CAN_SETUP', 'userAttributes.email',
];
const KNOWN_FOR_KEY: Record<string, string> = { USERNAME: 'Username', USER_ID_FOR_SRP: 'Username', PASSWORD: 'Password', NEW_PASSWORD: 'ProposedPassword', REFRESH_TOKEN: 'RefreshToken' };

function authMap(known: KnownValues): Arbitrary<Record<string, string>> {
  const value = (key: string) => {
    const k = known[KNOWN_FOR_KEY[key] ?? ''];
    const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 300 });
    const b64 = fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64'));
    const options = [hex, b64, fc.constantFrom('SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP', 'Thu Dec 3 08:00:00 UTC 2026'), oddString];
    return k?.length ? fc.oneof(fc.constantFrom(...k), ...options) : fc.oneof(...options);
  };
  return fc
    .subarray(AUTH_KEYS, { maxLength: 5 })
    .chain((keys) => fc.tuple(...keys.map(value)).map((vals) => Object.fromEntries(keys.map((k, i) => [k, vals[i]!]))));
}

const valueCache = new WeakMap<object, Map<string, Arbitrary<unknown>>>();

/**
 * A value for a shape. Hostile: mostly fitting, sometimes (at every depth) a wrong JSON type, null, an odd string
 * or an odd number. Otherwise only fitting values, so that requests get past validation into the operations.
 */
export function valueOf(model: ServiceModel, name: string, known: KnownValues, depth: number, hostile: boolean, memberName?: string): Arbitrary<unknown> {
  let cache = valueCache.get(known);
  if (!cache) valueCache.set(known, (cache = new Map()));
  const key = `${name}|${depth}|${hostile}|${memberName && known[memberName] ? memberName : ''}`;
  let hit = cache.get(key);
  if (!hit) cache.set(key, (hit = buildValue(model, name, known, depth, hostile, memberName)));
  return hit;
}

function buildValue(model: ServiceModel, name: string, known: KnownValues, depth: number, hostile: boolean, memberName?: string): Arbitrary<unknown> {
  const type: string = model.shapes[name].type;
  const fits = fitting(model, name, known, depth, hostile, memberName);
  if (!hostile) return fits;
  return fc.oneof(
    { arbitrary: fits, weight: 12 },
    { arbitrary: wrongType(type), weight: 1 },
    { arbitrary: fc.constant(null), weight: 1 },
    { arbitrary: type === 'string' ? oddString : type === 'integer' || type === 'long' || type === 'double' ? oddNumber : anyJson, weight: 1 },
  );
}

/** A structure: required members mostly present, optional ones sometimes, now and then an extra member. */
function structureOf(model: ServiceModel, shape: any, known: KnownValues, depth: number, hostile: boolean): Arbitrary<Record<string, unknown>> {
  const required = new Set<string>(shape.required ?? []);
  const members = Object.entries<any>(shape.members ?? {});
  const parts: Record<string, Arbitrary<unknown>> = {};
  const requiredKeys: string[] = [];
  for (const [m, spec] of members) {
    parts[m] = valueOf(model, spec.shape, known, depth, hostile, m);
    if (required.has(m)) requiredKeys.push(m);
  }
  // Mostly every required member; now and then one is left out. Optional members: any subset.
  const dropOne = hostile && requiredKeys.length ? fc.option(fc.constantFrom(...requiredKeys), { freq: 6 }) : fc.constant(null);
  const record = fc
    .tuple(fc.record(parts, { requiredKeys }), dropOne, fc.subarray(members.map(([m]) => m).filter((m) => !required.has(m))))
    .map(([values, dropped, optional]) => {
      const out: Record<string, unknown> = {};
      for (const [m] of members) {
        if (!(m in values) || m === dropped) continue;
        if (required.has(m) || optional.includes(m)) out[m] = values[m];
      }
      return out;
    });
  const extra = fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty')), anyJson, { maxKeys: 2 });
  if (!hostile) return record;
  return fc.tuple(record, fc.option(extra, { freq: 8 })).map(([r, x]) => {
    if (!x) return r;
    // Own properties even for '__proto__' (as JSON.parse makes them).
    const out = { ...r };
    for (const [k, v] of Object.entries(x)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  });
}

/** The input of `operation`: a JSON object for its input shape (an empty object when it has none). */
export function inputOf(model: ServiceModel, operation: string, known: KnownValues, hostile: boolean): Arbitrary<Record<string, unknown>> {
  const input = model.operations[operation]!.input;
  if (!input) return hostile ? fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 2 }) : fc.constant({});
  return structureOf(model, model.shapes[input], known, 0, hostile);
}

export { anyJson };
