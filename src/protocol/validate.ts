// Model-driven input validation with AWS Coral-style messages, plus an output checker for tests.
//
// Every shape of a botocore service model is compiled once into a closure (cached per model object and
// shape name), so validating a request is a single walk over the decoded JSON without re-reading the model.
//
// Behaviour mirrors what AWS's Coral front end answers:
//  - a JSON type mismatch is a SerializationException (Jackson-like text), raised at the first one met;
//  - constraint violations (required, length, range, pattern, enum) are all collected, in model member
//    order, into one InvalidParameterException:
//      "2 validation errors detected: Value 'x' at 'poolName' failed to satisfy constraint: ...; Value ..."
//  - paths are lowerCamelCase member names joined by '.', list elements as `list.N.member` (1-based);
//  - sensitive values are never echoed ("Value at 'password' failed ...");
//  - echoed values are cut to MAX_ECHO (256) characters plus '...';
//  - simple-typed list elements and map keys/values are summarised once at the collection's path:
//      "Member must satisfy constraint: [...]", "Map keys must satisfy constraint: [...]",
//      "Map value must satisfy constraint: [...]" (the bracket lists every constraint of the element shape).

import { InvalidParameterException, SerializationException } from './errors.ts';

export interface ServiceModel {
  metadata: Record<string, unknown>;
  operations: Record<string, { input?: string; output?: string; errors: string[]; auth: 'none' | 'sigv4'; http?: unknown }>;
  shapes: Record<string, any>;
}

// ---------------------------------------------------------------------------------------------------------
// Java regex → JavaScript RegExp

/** Java's `\s` is ASCII whitespace only (JS's also matches NBSP, U+2028, ...). */
const JAVA_WS = '\\t\\n\\x0B\\f\\r ';
const patternCache = new Map<string, RegExp | null>();

/** Rewrites the Java-only bits we meet in AWS models into JS syntax with Java semantics. */
function translateJavaRegex(source: string): { body: string; flags: string } {
  let flags = '';
  let p = source;
  // Leading inline flags, e.g. `(?s).*`.
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(p);
  if (inline) {
    for (const f of inline[1]) {
      if (f === 's' || f === 'i' || f === 'm') {
        if (!flags.includes(f)) flags += f;
      } else throw new Error(`unsupported inline flag ${f}`);
    }
    p = p.slice(inline[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined) {
        out += c;
        break;
      }
      if (n === 's') out += inClass ? JAVA_WS : `[${JAVA_WS}]`;
      else if (n === 'S' && !inClass) out += `[^${JAVA_WS}]`;
      else if (n === 'Q') {
        // \Q...\E literal quoting.
        const end = p.indexOf('\\E', i + 2);
        const lit = p.slice(i + 2, end < 0 ? p.length : end);
        out += lit.replace(/[\\^$.*+?()[\]{}|\/-]/g, '\\$&');
        i = end < 0 ? p.length : end + 1;
        continue;
      } else out += c + n;
      i++;
      continue;
    }
    if (!inClass && c === '[') {
      if (p.startsWith('[\\S]', i)) {
        out += `[^${JAVA_WS}]`;
        i += 3;
        continue;
      }
      inClass = true;
      out += c;
      if (p[i + 1] === '^') {
        out += '^';
        i++;
      }
      continue;
    }
    if (inClass && c === ']') inClass = false;
    out += c;
  }
  return { body: out, flags };
}

/**
 * Compiles a Java regular expression from a model so that it must match the whole string.
 * Tries Unicode mode first, then legacy mode; returns undefined when neither compiles (the caller skips
 * the pattern rather than failing requests).
 */
export function compileJavaPattern(pattern: string): RegExp | undefined {
  const hit = patternCache.get(pattern);
  if (hit !== undefined) return hit ?? undefined;
  let re: RegExp | null = null;
  let candidates: Array<{ body: string; flags: string }>;
  try {
    candidates = [translateJavaRegex(pattern), { body: pattern, flags: '' }];
  } catch {
    candidates = [{ body: pattern, flags: '' }];
  }
  outer: for (const { body, flags } of candidates) {
    for (const extra of ['u', '']) {
      try {
        re = new RegExp('^(?:' + body + ')$', flags + extra);
        break outer;
      } catch {
        // try the next form
      }
    }
  }
  patternCache.set(pattern, re);
  return re ?? undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Compiled validators

interface Ctx {
  /** Path segments of the value being checked (lowerCamelCase names, list indexes, 'member'). */
  path: string[];
  /** Constraint violation texts, in walk order. */
  out: string[];
}

interface Node {
  /** Checks a non-null value: throws SerializationException on a type mismatch, reports violations to ctx. */
  check(value: unknown, ctx: Ctx): void;
  /** Simple (scalar) shapes only: type check without reporting (throws on mismatch). */
  typeCheck?: (value: unknown) => void;
  /** Simple shapes only: whether an already type-checked value satisfies every constraint. */
  ok?: (value: unknown) => boolean;
  /** Simple shapes only: the texts of all constraints, for bracketed summaries (max, min, pattern, enum). */
  summary?: string[];
  /** Renders a value for "Value '...'" (Java-ish toString). */
  render(value: unknown): string;
  /** The value must not be echoed (the shape, or anything inside it, is sensitive). */
  sensitive: boolean;
}

type ModelCache = Map<string, Node>;
const modelCaches = new WeakMap<object, ModelCache>();

function cacheFor(model: ServiceModel): ModelCache {
  let c = modelCaches.get(model);
  if (!c) {
    c = new Map();
    modelCaches.set(model, c);
  }
  return c;
}

function lowerFirst(name: string): string {
  return name.length ? name[0].toLowerCase() + name.slice(1) : name;
}

function serialization(message: string): never {
  throw new SerializationException(message);
}

const JAVA_TYPE: Record<string, string> = {
  string: 'a String',
  integer: 'an Integer',
  long: 'a Long',
  boolean: 'a Boolean',
  float: 'a Float',
  double: 'a Double',
  timestamp: 'a Date',
  blob: 'a ByteBuffer',
  list: 'a List',
  map: 'a Map',
  structure: 'a Structure',
};

/** Throws the Jackson/Coral-like SerializationException for a value of the wrong JSON type. */
function mismatch(value: unknown, type: string): never {
  if (Array.isArray(value)) serialization('Start of list found where not expected');
  if (typeof value === 'object' && value !== null) serialization('Start of structure or map found where not expected');
  const token =
    typeof value === 'string'
      ? 'STRING_VALUE'
      : typeof value === 'number'
        ? 'NUMBER_VALUE'
        : typeof value === 'boolean'
          ? 'BOOLEAN_VALUE'
          : 'NULL_VALUE';
  serialization(`${token} can not be converted to ${JAVA_TYPE[type] ?? 'a ' + type}`);
}

function report(ctx: Ctx, node: Node | null, value: unknown, constraint: string, extraSegments?: string[]): void {
  const path = extraSegments ? ctx.path.concat(extraSegments).join('.') : ctx.path.join('.');
  let head: string;
  if (value === null || value === undefined) head = 'Value null';
  else if (node === null || node.sensitive) head = 'Value';
  else head = `Value '${echo(node.render(value))}'`;
  ctx.out.push(`${head} at '${path}' failed to satisfy constraint: ${constraint}`);
}

/** Longest echo of a caller's value in a message; longer ones are cut and marked with '...'. */
export const MAX_ECHO = 256;

/** A rendered value as echoed: at most MAX_ECHO UTF-16 units (never half a surrogate pair), then '...'. */
function echo(rendered: string): string {
  if (rendered.length <= MAX_ECHO) return rendered;
  const c = rendered.charCodeAt(MAX_ECHO - 1);
  return rendered.slice(0, c >= 0xd800 && c <= 0xdbff ? MAX_ECHO - 1 : MAX_ECHO) + '...';
}

/** Code points, not UTF-16 units. */
function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

const lengthMin = (n: number) => `Member must have length greater than or equal to ${n}`;
const lengthMax = (n: number) => `Member must have length less than or equal to ${n}`;
const valueMin = (n: number) => `Member must have value greater than or equal to ${n}`;
const valueMax = (n: number) => `Member must have value less than or equal to ${n}`;

function renderScalar(v: unknown): string {
  return String(v);
}

function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function compileShape(model: ServiceModel, name: string, cache: ModelCache): Node {
  const existing = cache.get(name);
  if (existing) return existing;
  const shape = model.shapes[name];
  if (!shape) throw new Error(`validate: unknown shape ${name}`);
  // Register a placeholder first so recursive references resolve to the same (later filled) object.
  const node: Node = { check: () => {}, render: renderScalar, sensitive: shape.sensitive === true };
  cache.set(name, node);
  switch (shape.type) {
    case 'string':
      fillString(node, shape);
      break;
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      fillNumber(node, shape);
      break;
    case 'boolean': {
      const typeCheck = (v: unknown) => {
        if (typeof v !== 'boolean') mismatch(v, 'boolean');
      };
      Object.assign(node, { typeCheck, ok: () => true, summary: [], check: typeCheck });
      break;
    }
    case 'timestamp': {
      const typeCheck = (v: unknown) => {
        if (!isNum(v)) mismatch(v, 'timestamp');
      };
      Object.assign(node, { typeCheck, ok: () => true, summary: [], check: typeCheck });
      break;
    }
    case 'blob':
      fillBlob(node, shape);
      break;
    case 'list':
      fillList(node, shape, compileShape(model, shape.member.shape, cache));
      break;
    case 'map':
      fillMap(node, shape, compileShape(model, shape.key.shape, cache), compileShape(model, shape.value.shape, cache));
      break;
    case 'structure':
      if (shape.document) {
        node.check = () => {};
        node.render = (v) => JSON.stringify(v);
      } else fillStructure(node, model, shape, cache);
      break;
    default:
      // Unknown shape types: accept anything rather than reject valid requests.
      node.check = () => {};
  }
  return node;
}

function fillString(node: Node, shape: any): void {
  const min: number | undefined = typeof shape.min === 'number' && shape.min > 0 ? shape.min : undefined;
  const max: number | undefined = typeof shape.max === 'number' ? shape.max : undefined;
  const re = typeof shape.pattern === 'string' ? compileJavaPattern(shape.pattern) : undefined;
  const values: string[] | undefined = Array.isArray(shape.enum) ? shape.enum : undefined;
  const enumSet = values ? new Set(values) : undefined;
  const enumText = values ? `Member must satisfy enum value set: [${values.join(', ')}]` : '';
  const patternText = `Member must satisfy regular expression pattern: ${shape.pattern}`;
  const summary: string[] = [];
  if (max !== undefined) summary.push(lengthMax(max));
  if (typeof shape.min === 'number') summary.push(lengthMin(shape.min));
  if (typeof shape.pattern === 'string') summary.push(patternText);
  if (values) summary.push(enumText);

  const len = (s: string): number => {
    const n = s.length;
    // Code points ≤ UTF-16 units; count exactly only when surrogate pairs could change the outcome.
    if ((max !== undefined && n > max) || (min !== undefined && n < 2 * min)) return codePointLength(s);
    return n;
  };
  const typeCheck = (v: unknown) => {
    if (typeof v !== 'string') mismatch(v, 'string');
  };
  const ok = (v: unknown): boolean => {
    const s = v as string;
    if (min !== undefined || max !== undefined) {
      const n = len(s);
      if (min !== undefined && n < min) return false;
      if (max !== undefined && n > max) return false;
    }
    if (re && !re.test(s)) return false;
    if (enumSet && !enumSet.has(s)) return false;
    return true;
  };
  node.typeCheck = typeCheck;
  node.ok = ok;
  node.summary = summary;
  node.render = (v) => v as string;
  node.check = (v, ctx) => {
    if (typeof v !== 'string') mismatch(v, 'string');
    if (min !== undefined || max !== undefined) {
      const n = len(v);
      if (min !== undefined && n < min) report(ctx, node, v, lengthMin(min));
      if (max !== undefined && n > max) report(ctx, node, v, lengthMax(max));
    }
    if (re && !re.test(v)) report(ctx, node, v, patternText);
    if (enumSet && !enumSet.has(v)) report(ctx, node, v, enumText);
  };
}

function fillNumber(node: Node, shape: any): void {
  const type: string = shape.type;
  const min: number | undefined = typeof shape.min === 'number' ? shape.min : undefined;
  const max: number | undefined = typeof shape.max === 'number' ? shape.max : undefined;
  const integral = type === 'integer' || type === 'long';
  const typeCheck = (v: unknown) => {
    if (typeof v !== 'number') mismatch(v, type);
    if (!Number.isFinite(v)) serialization(`NUMBER_VALUE can not be converted to ${JAVA_TYPE[type]}`);
    if (integral && !Number.isInteger(v)) serialization(`NUMBER_VALUE can not be converted to ${JAVA_TYPE[type]}`);
    if (type === 'integer' && (v < INT_MIN || v > INT_MAX)) serialization(`NUMBER_VALUE can not be converted to ${JAVA_TYPE[type]}`);
  };
  const summary: string[] = [];
  if (max !== undefined) summary.push(valueMax(max));
  if (min !== undefined) summary.push(valueMin(min));
  node.typeCheck = typeCheck;
  node.summary = summary;
  node.ok = (v) => !((min !== undefined && (v as number) < min) || (max !== undefined && (v as number) > max));
  node.check = (v, ctx) => {
    typeCheck(v);
    const n = v as number;
    if (min !== undefined && n < min) report(ctx, node, n, valueMin(min));
    if (max !== undefined && n > max) report(ctx, node, n, valueMax(max));
  };
}

function fillBlob(node: Node, shape: any): void {
  const min: number | undefined = typeof shape.min === 'number' && shape.min > 0 ? shape.min : undefined;
  const max: number | undefined = typeof shape.max === 'number' ? shape.max : undefined;
  const typeCheck = (v: unknown) => {
    if (typeof v !== 'string') mismatch(v, 'blob');
    if (!BASE64.test(v)) serialization('Base64 encoded value is invalid');
  };
  const size = (v: unknown) => Buffer.byteLength(v as string, 'base64');
  const summary: string[] = [];
  if (max !== undefined) summary.push(lengthMax(max));
  if (typeof shape.min === 'number') summary.push(lengthMin(shape.min));
  node.typeCheck = typeCheck;
  node.summary = summary;
  node.ok = (v) => {
    if (min === undefined && max === undefined) return true;
    const n = size(v);
    return !((min !== undefined && n < min) || (max !== undefined && n > max));
  };
  node.render = (v) => {
    const n = size(v);
    return `java.nio.HeapByteBuffer[pos=0 lim=${n} cap=${n}]`;
  };
  node.check = (v, ctx) => {
    typeCheck(v);
    if (min === undefined && max === undefined) return;
    const n = size(v);
    if (min !== undefined && n < min) report(ctx, node, v, lengthMin(min));
    if (max !== undefined && n > max) report(ctx, node, v, lengthMax(max));
  };
}

function fillList(node: Node, shape: any, el: Node): void {
  const min: number | undefined = typeof shape.min === 'number' && shape.min > 0 ? shape.min : undefined;
  const max: number | undefined = typeof shape.max === 'number' ? shape.max : undefined;
  node.sensitive = node.sensitive || el.sensitive;
  node.render = (v) => '[' + (v as unknown[]).map((x) => (x === null || x === undefined ? 'null' : el.render(x))).join(', ') + ']';
  const simple = el.typeCheck !== undefined;
  const summaryText = simple && el.summary!.length ? `Member must satisfy constraint: [${el.summary!.join(', ')}]` : '';
  node.check = (v, ctx) => {
    if (!Array.isArray(v)) mismatch(v, 'list');
    if (min !== undefined && v.length < min) report(ctx, node, v, lengthMin(min));
    if (max !== undefined && v.length > max) report(ctx, node, v, lengthMax(max));
    if (simple) {
      const typeCheck = el.typeCheck!;
      let bad = false;
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (x === null || x === undefined) {
          report(ctx, null, null, 'Member must not be null', [String(i + 1), 'member']);
          continue;
        }
        typeCheck(x);
        if (summaryText && !bad && !el.ok!(x)) bad = true;
      }
      if (bad) report(ctx, node, v, summaryText);
      return;
    }
    const path = ctx.path;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      path.push(String(i + 1), 'member');
      if (x === null || x === undefined) report(ctx, null, null, 'Member must not be null');
      else el.check(x, ctx);
      path.length -= 2;
    }
  };
}

function fillMap(node: Node, shape: any, key: Node, val: Node): void {
  const min: number | undefined = typeof shape.min === 'number' && shape.min > 0 ? shape.min : undefined;
  const max: number | undefined = typeof shape.max === 'number' ? shape.max : undefined;
  node.sensitive = node.sensitive || key.sensitive || val.sensitive;
  node.render = (v) => {
    const o = v as Record<string, unknown>;
    return '{' + Object.keys(o).map((k) => `${key.render(k)}=${o[k] === null || o[k] === undefined ? 'null' : val.render(o[k])}`).join(', ') + '}';
  };
  const keyText = key.summary && key.summary.length ? `Map keys must satisfy constraint: [${key.summary.join(', ')}]` : '';
  const valSimple = val.typeCheck !== undefined;
  const valText = valSimple && val.summary!.length ? `Map value must satisfy constraint: [${val.summary!.join(', ')}]` : '';
  const keyOk = key.ok;
  node.check = (v, ctx) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) mismatch(v, 'map');
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (min !== undefined && keys.length < min) report(ctx, node, o, lengthMin(min));
    if (max !== undefined && keys.length > max) report(ctx, node, o, lengthMax(max));
    let keyBad = false;
    let valBad = false;
    const path = ctx.path;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (keyText && !keyBad && keyOk && !keyOk(k)) keyBad = true;
      const x = o[k];
      if (x === null || x === undefined) {
        report(ctx, null, null, 'Member must not be null', [k, 'member']);
        continue;
      }
      if (valSimple) {
        val.typeCheck!(x);
        if (valText && !valBad && !val.ok!(x)) valBad = true;
      } else {
        path.push(k, 'member');
        val.check(x, ctx);
        path.length -= 2;
      }
    }
    if (keyBad) report(ctx, node, o, keyText);
    if (valBad) report(ctx, node, o, valText);
  };
}

const LOCATED = new Set(['uri', 'querystring', 'header', 'headers']);

/** rest-json members bound to the URI, query string or headers arrive as strings: parse them for checking. */
function locatedScalar(target: Node, type: string): Node {
  const parse = (v: unknown): unknown => {
    if (typeof v !== 'string') return v;
    if (type === 'boolean') {
      if (v === 'true') return true;
      if (v === 'false') return false;
      return v;
    }
    const t = v.trim();
    if (t === '' || !Number.isFinite(Number(t))) return v;
    if (type === 'timestamp') return Number(t);
    return Number(t);
  };
  return {
    ...target,
    check: (v, ctx) => target.check(parse(v), ctx),
  };
}

function fillStructure(node: Node, model: ServiceModel, shape: any, cache: ModelCache): void {
  const required = new Set<string>(Array.isArray(shape.required) ? shape.required : []);
  interface Plan {
    name: string;
    seg: string;
    node: Node;
    required: boolean;
  }
  const plans: Plan[] = [];
  const entries = Object.entries<any>(shape.members ?? {});
  for (const [name, member] of entries) {
    let target = compileShape(model, member.shape, cache);
    const t = model.shapes[member.shape]?.type;
    if (member.location && LOCATED.has(member.location) && ['integer', 'long', 'float', 'double', 'boolean', 'timestamp'].includes(t)) {
      target = locatedScalar(target, t);
    }
    plans.push({ name, seg: lowerFirst(name), node: target, required: required.has(name) });
  }
  // Nested sensitivity is resolved lazily (recursive shapes may still be placeholders here).
  let sensitiveMemo: boolean | undefined;
  Object.defineProperty(node, 'sensitive', {
    get(): boolean {
      if (sensitiveMemo === undefined) {
        sensitiveMemo = false; // guards recursion
        sensitiveMemo = shape.sensitive === true || plans.some((p) => p.node.sensitive);
      }
      return sensitiveMemo;
    },
  });
  node.render = (v) => {
    const o = v as Record<string, unknown>;
    const parts: string[] = [];
    for (const p of plans) {
      const x = o[p.name];
      if (x !== null && x !== undefined) parts.push(`${p.name}=${p.node.render(x)}`);
    }
    return '{' + parts.join(', ') + '}';
  };
  node.check = (v, ctx) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) mismatch(v, 'structure');
    const o = v as Record<string, unknown>;
    const path = ctx.path;
    for (let i = 0; i < plans.length; i++) {
      const p = plans[i];
      const x = Object.prototype.hasOwnProperty.call(o, p.name) ? o[p.name] : undefined;
      if (x === null || x === undefined) {
        if (p.required) report(ctx, null, null, 'Member must not be null', [p.seg]);
        continue;
      }
      path.push(p.seg);
      p.node.check(x, ctx);
      path.pop();
    }
  };
}

// ---------------------------------------------------------------------------------------------------------
// Public API

const TOP_LEVEL_KEY = '\u0000operation:';

function inputNode(model: ServiceModel, operation: string): Node | null | undefined {
  const cache = cacheFor(model);
  const key = TOP_LEVEL_KEY + operation;
  const hit = cache.get(key);
  if (hit) return hit;
  const op = model.operations[operation];
  if (!op) return undefined;
  if (!op.input) return null;
  const node = compileShape(model, op.input, cache);
  cache.set(key, node);
  return node;
}

/**
 * Compiles (once, cached per model object+shape) and runs validation of a decoded JSON input against the
 * operation's input shape. Throws InvalidParameterException (all constraint violations, Coral-style message)
 * or SerializationException (type mismatch). The input is not modified.
 */
export function validateInput(model: ServiceModel, operation: string, input: unknown): void {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) mismatch(input, 'structure');
  const node = inputNode(model, operation);
  if (!node) return;
  const ctx: Ctx = { path: [], out: [] };
  node.check(input, ctx);
  const n = ctx.out.length;
  if (n) {
    throw new InvalidParameterException(`${n} validation error${n === 1 ? '' : 's'} detected: ${ctx.out.join('; ')}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Output checking (tests) and stripping

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'list';
  if (v === null) return 'null';
  return typeof v;
}

function checkValue(model: ServiceModel, shapeName: string, v: unknown, path: string, problems: string[], seen: number): void {
  const shape = model.shapes[shapeName];
  if (!shape || seen > 64) return;
  const at = path || '<root>';
  switch (shape.type) {
    case 'string':
      if (typeof v !== 'string') problems.push(`${at}: expected string, got ${describe(v)}`);
      else if (Array.isArray(shape.enum) && !shape.enum.includes(v)) problems.push(`${at}: '${v}' is not one of [${shape.enum.join(', ')}]`);
      return;
    case 'integer':
    case 'long':
      if (typeof v !== 'number' || !Number.isInteger(v)) problems.push(`${at}: expected ${shape.type}, got ${describe(v)}`);
      return;
    case 'float':
    case 'double':
      if (!isNum(v)) problems.push(`${at}: expected ${shape.type}, got ${describe(v)}`);
      return;
    case 'boolean':
      if (typeof v !== 'boolean') problems.push(`${at}: expected boolean, got ${describe(v)}`);
      return;
    case 'timestamp':
      if (!isNum(v)) problems.push(`${at}: expected timestamp (epoch seconds), got ${describe(v)}`);
      return;
    case 'blob':
      if (typeof v !== 'string' || !BASE64.test(v)) problems.push(`${at}: expected base64 blob, got ${describe(v)}`);
      return;
    case 'list':
      if (!Array.isArray(v)) {
        problems.push(`${at}: expected list, got ${describe(v)}`);
        return;
      }
      v.forEach((x, i) => {
        if (x === null || x === undefined) problems.push(`${path}[${i}]: null list element`);
        else checkValue(model, shape.member.shape, x, `${path}[${i}]`, problems, seen + 1);
      });
      return;
    case 'map':
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        problems.push(`${at}: expected map, got ${describe(v)}`);
        return;
      }
      for (const [k, x] of Object.entries(v)) {
        if (x === null || x === undefined) problems.push(`${path}.${k}: null map value`);
        else checkValue(model, shape.value.shape, x, `${path}.${k}`, problems, seen + 1);
      }
      return;
    case 'structure': {
      if (shape.document) return;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        problems.push(`${at}: expected structure, got ${describe(v)}`);
        return;
      }
      const members: Record<string, any> = shape.members ?? {};
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        if (!Object.prototype.hasOwnProperty.call(members, k)) {
          if (o[k] !== undefined) problems.push(`${path ? path + '.' : ''}${k}: unknown member (not in ${shapeName})`);
        }
      }
      for (const r of (shape.required ?? []) as string[]) {
        if (o[r] === null || o[r] === undefined) problems.push(`${path ? path + '.' : ''}${r}: missing required member of ${shapeName}`);
      }
      for (const [k, m] of Object.entries(members)) {
        const x = o[k];
        if (x === null || x === undefined) continue;
        checkValue(model, m.shape, x, path ? `${path}.${k}` : k, problems, seen + 1);
      }
      return;
    }
  }
}

/**
 * Checks a response body against the operation's output shape: unknown members, wrong JSON types, missing
 * required members and out-of-enum strings. Returns the problems found (empty when the output is fine).
 */
export function checkOutput(model: ServiceModel, operation: string, output: unknown): string[] {
  const op = model.operations[operation];
  if (!op) return [`unknown operation ${operation}`];
  const problems: string[] = [];
  if (!op.output) {
    if (output !== undefined && output !== null && (typeof output !== 'object' || Object.keys(output as object).length > 0)) {
      problems.push(`${operation} has no output shape but the output is not empty`);
    }
    return problems;
  }
  if (output === undefined || output === null) output = {};
  checkValue(model, op.output, output, '', problems, 0);
  return problems;
}

function stripValue(model: ServiceModel, shapeName: string, v: unknown): unknown {
  const shape = model.shapes[shapeName];
  if (!shape) return v;
  if (shape.type === 'list' && Array.isArray(v)) {
    return v.filter((x) => x !== null && x !== undefined).map((x) => stripValue(model, shape.member.shape, x));
  }
  if (shape.type === 'map' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = stripValue(model, shape.value.shape, x);
    return out;
  }
  if (shape.type === 'structure' && !shape.document && typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const out: Record<string, unknown> = {};
    const o = v as Record<string, unknown>;
    for (const [k, m] of Object.entries<any>(shape.members ?? {})) {
      const x = Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
      if (x !== null && x !== undefined) out[k] = stripValue(model, m.shape, x);
    }
    return out;
  }
  return v;
}

/**
 * Returns a copy of `output` keeping only the members modelled in the operation's output shape
 * (recursively), with undefined/null members and list/map entries dropped.
 */
export function stripOutput(model: ServiceModel, operation: string, output: unknown): Record<string, unknown> {
  const op = model.operations[operation];
  if (!op?.output || typeof output !== 'object' || output === null) return {};
  return stripValue(model, op.output, output) as Record<string, unknown>;
}
