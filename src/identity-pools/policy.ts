// IAM policy evaluation for the roles that identity-pool credentials assume (issue 10): a pure
// function of the role's policy documents and one request's context (action, resource,
// condition keys), with IAM's rules — an explicit Deny wins, then an Allow, else the implicit
// deny. Wildcards (`*`, `?`) in actions (case-insensitive) and resources (case-sensitive),
// NotAction / NotResource, policy variables `${key}` (with IAM's `${key, 'default'}` form and the
// `${*}` `${?}` `${$}` escapes, only under Version 2012-10-17), and the condition operators with
// their `IfExists` suffix and `ForAnyValue:` / `ForAllValues:` set qualifiers.

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface RequestContext {
  action: string; // e.g. "s3:PutObject"
  resource: string; // e.g. "arn:aws:s3:::bucket/key"
  /** condition keys (matched case-insensitively), single- or multi-valued */
  keys?: Record<string, string | string[] | undefined>;
}

type OneOrMany<T> = T | T[];
interface Statement {
  Effect?: unknown;
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Condition?: Record<string, Record<string, unknown>>;
}
export interface PolicyDocument {
  Version?: string;
  Statement?: OneOrMany<Statement>;
}

/** Why a document is not a policy this evaluator accepts (IAM's MalformedPolicyDocument). */
export class MalformedPolicyError extends Error {}

const list = <T>(v: OneOrMany<T> | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Parses and checks a policy document's JSON; throws MalformedPolicyError naming the problem. */
export function parsePolicy(text: string): PolicyDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new MalformedPolicyError('Syntax errors in policy.');
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new MalformedPolicyError('Syntax errors in policy.');
  const d = doc as PolicyDocument;
  if (d.Version !== undefined && d.Version !== '2012-10-17' && d.Version !== '2008-10-17') {
    throw new MalformedPolicyError('The policy must contain a valid version string');
  }
  const stmts = list(d.Statement);
  if (!stmts.length) throw new MalformedPolicyError('Syntax errors in policy.');
  for (const s of stmts) {
    if (!s || typeof s !== 'object') throw new MalformedPolicyError('Syntax errors in policy.');
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new MalformedPolicyError('Invalid effect: ' + String(s.Effect));
    if ((s.Action === undefined) === (s.NotAction === undefined)) {
      throw new MalformedPolicyError('Policy statement must contain actions.');
    }
    for (const k of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
      if (s[k] !== undefined && !list(s[k]).every((x) => typeof x === 'string')) {
        throw new MalformedPolicyError('Syntax errors in policy.');
      }
    }
    if (s.Condition !== undefined) {
      if (typeof s.Condition !== 'object' || Array.isArray(s.Condition)) throw new MalformedPolicyError('Syntax errors in policy.');
      for (const [op, block] of Object.entries(s.Condition)) {
        if (!operatorOf(op)) throw new MalformedPolicyError(`Invalid Condition type : ${op}.`);
        if (!block || typeof block !== 'object' || Array.isArray(block)) throw new MalformedPolicyError('Syntax errors in policy.');
      }
    }
  }
  return d;
}

/** Evaluates one request against every policy of a role (identity policies of one principal). */
export function evaluate(policies: PolicyDocument[], ctx: RequestContext): Decision {
  const keys = new Map<string, string[]>();
  for (const [k, v] of Object.entries(ctx.keys ?? {})) if (v !== undefined) keys.set(k.toLowerCase(), list(v));
  let allowed = false;
  for (const p of policies) {
    const vars = p.Version === '2012-10-17';
    for (const s of list(p.Statement)) {
      if (!statementApplies(s, ctx, keys, vars)) continue;
      if (s.Effect === 'Deny') return 'ExplicitDeny';
      if (s.Effect === 'Allow') allowed = true;
    }
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

function statementApplies(s: Statement, ctx: RequestContext, keys: Map<string, string[]>, vars: boolean): boolean {
  const action = ctx.action.toLowerCase();
  const actionHit = (ps: string[]) => ps.some((p) => wildcard(p.toLowerCase(), action));
  if (s.Action !== undefined ? !actionHit(list(s.Action)) : actionHit(list(s.NotAction))) return false;
  const resHit = (ps: string[]) =>
    ps.some((p) => {
      if (!vars) return wildcard(p, ctx.resource);
      const pat = substitute(p, keys);
      return pat !== undefined && wildcard(pat.text, ctx.resource, pat.literal);
    });
  if (s.Resource !== undefined) {
    if (!resHit(list(s.Resource))) return false;
  } else if (s.NotResource !== undefined) {
    if (resHit(list(s.NotResource))) return false;
  }
  for (const [op, block] of Object.entries(s.Condition ?? {})) {
    for (const [key, want] of Object.entries(block)) {
      if (!conditionHolds(op, keys.get(key.toLowerCase()), list(want as OneOrMany<unknown>).map(String), keys, vars)) return false;
    }
  }
  return true;
}

/** `*` any run, `?` one character; everything else literal. */
export function wildcard(pattern: string, value: string, literal?: Set<number>): boolean {
  const special = (i: number, c: string) => pattern[i] === c && !literal?.has(i);
  // iterative glob match with backtracking on the last star: linear-ish, no regex built per call
  let p = 0;
  let v = 0;
  let star = -1;
  let mark = 0;
  while (v < value.length) {
    if (p < pattern.length && pattern[p] === value[v] && !special(p, '*')) {
      p++;
      v++;
    } else if (p < pattern.length && special(p, '?')) {
      p++;
      v++;
    } else if (p < pattern.length && special(p, '*')) {
      star = p++;
      mark = v;
    } else if (star >= 0) {
      p = star + 1;
      v = ++mark;
    } else return false;
  }
  while (p < pattern.length && special(p, '*')) p++;
  return p === pattern.length;
}

/**
 * Replaces `${key}` with the request's value for key. A multi-valued or missing key (without a
 * default) makes the whole string unusable (undefined): the statement does not match, as IAM does.
 */
interface Pattern {
  text: string;
  /** positions whose `*` or `?` came from a variable or an escape: literal characters */
  literal: Set<number>;
}
function substitute(text: string, keys: Map<string, string[]>): Pattern | undefined {
  let out = '';
  const literal = new Set<number>();
  const lit = (v: string) => {
    for (let k = 0; k < v.length; k++) literal.add(out.length + k);
    out += v;
  };
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    if (start < 0) {
      out += text.slice(i);
      break;
    }
    const end = text.indexOf('}', start);
    if (end < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, start);
    const inner = text.slice(start + 2, end).trim();
    if (inner === '*' || inner === '?' || inner === '$') lit(inner);
    else {
      const m = /^([^,]+?)\s*(?:,\s*'([^']*)')?$/.exec(inner);
      const got = m ? keys.get(m[1]!.trim().toLowerCase()) : undefined;
      if (got && got.length === 1) lit(got[0]!);
      else if (m && m[2] !== undefined) lit(m[2]);
      else return undefined;
    }
    i = end + 1;
  }
  return { text: out, literal };
}

type Compare = (have: string, want: string, literal?: Set<number>) => boolean;
interface Operator {
  compare: Compare;
  negated: boolean;
}

const num = (s: string) => (s.trim() === '' ? NaN : Number(s));
const date = (s: string) => (/^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s));
function cmpWith(parse: (s: string) => number, f: (a: number, b: number) => boolean): Compare {
  return (have, want) => {
    const a = parse(have);
    const b = parse(want);
    return !Number.isNaN(a) && !Number.isNaN(b) && f(a, b);
  };
}
function ipInCidr(ip: string, cidr: string): boolean {
  const toBits = (a: string): bigint | undefined => {
    const p = a.split('.');
    if (p.length !== 4 || p.some((x) => !/^\d{1,3}$/.test(x) || Number(x) > 255)) return undefined;
    return p.reduce((acc, x) => (acc << 8n) | BigInt(Number(x)), 0n);
  };
  const [net, lenText] = cidr.split('/');
  const len = lenText === undefined ? 32 : Number(lenText);
  const a = toBits(ip);
  const b = toBits(net ?? '');
  if (a === undefined || b === undefined || !(len >= 0 && len <= 32)) return false;
  const mask = len === 0 ? 0n : ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - len)) - 1n);
  return (a & mask) === (b & mask);
}
function arnLike(have: string, want: string): boolean {
  // ARNs compare per colon-separated part for the first six parts; the resource part may hold colons
  const h = have.split(':');
  const w = want.split(':');
  if (h.length < 6 || w.length < 6) return false;
  const head = (x: string[]) => [...x.slice(0, 5), x.slice(5).join(':')];
  const hh = head(h);
  const ww = head(w);
  return ww.every((p, i) => wildcard(p, hh[i]!));
}

const BASE: Record<string, Operator> = {
  stringequals: { compare: (a, b) => a === b, negated: false },
  stringnotequals: { compare: (a, b) => a === b, negated: true },
  stringequalsignorecase: { compare: (a, b) => a.toLowerCase() === b.toLowerCase(), negated: false },
  stringnotequalsignorecase: { compare: (a, b) => a.toLowerCase() === b.toLowerCase(), negated: true },
  stringlike: { compare: (a, b, lit) => wildcard(b, a, lit), negated: false },
  stringnotlike: { compare: (a, b, lit) => wildcard(b, a, lit), negated: true },
  numericequals: { compare: cmpWith(num, (a, b) => a === b), negated: false },
  numericnotequals: { compare: cmpWith(num, (a, b) => a === b), negated: true },
  numericlessthan: { compare: cmpWith(num, (a, b) => a < b), negated: false },
  numericlessthanequals: { compare: cmpWith(num, (a, b) => a <= b), negated: false },
  numericgreaterthan: { compare: cmpWith(num, (a, b) => a > b), negated: false },
  numericgreaterthanequals: { compare: cmpWith(num, (a, b) => a >= b), negated: false },
  dateequals: { compare: cmpWith(date, (a, b) => a === b), negated: false },
  datenotequals: { compare: cmpWith(date, (a, b) => a === b), negated: true },
  datelessthan: { compare: cmpWith(date, (a, b) => a < b), negated: false },
  datelessthanequals: { compare: cmpWith(date, (a, b) => a <= b), negated: false },
  dategreaterthan: { compare: cmpWith(date, (a, b) => a > b), negated: false },
  dategreaterthanequals: { compare: cmpWith(date, (a, b) => a >= b), negated: false },
  bool: { compare: (a, b) => a.toLowerCase() === b.toLowerCase(), negated: false },
  ipaddress: { compare: (a, b) => ipInCidr(a, b), negated: false },
  notipaddress: { compare: (a, b) => ipInCidr(a, b), negated: true },
  arnequals: { compare: arnLike, negated: false },
  arnlike: { compare: arnLike, negated: false },
  arnnotequals: { compare: arnLike, negated: true },
  arnnotlike: { compare: arnLike, negated: true },
};

interface ParsedOperator {
  base: Operator | 'null';
  ifExists: boolean;
  set: 'any' | 'all' | undefined;
}

function operatorOf(name: string): ParsedOperator | undefined {
  let n = name.toLowerCase();
  let set: ParsedOperator['set'];
  if (n.startsWith('foranyvalue:')) {
    set = 'any';
    n = n.slice(12);
  } else if (n.startsWith('forallvalues:')) {
    set = 'all';
    n = n.slice(13);
  }
  if (n === 'null') return set ? undefined : { base: 'null', ifExists: false, set };
  const ifExists = n.endsWith('ifexists');
  if (ifExists) n = n.slice(0, -8);
  const base = BASE[n];
  return base ? { base, ifExists, set } : undefined;
}

function conditionHolds(
  opName: string,
  have: string[] | undefined,
  wantRaw: string[],
  keys: Map<string, string[]>,
  vars: boolean,
): boolean {
  const op = operatorOf(opName);
  if (!op) return false; // unknown operators never grant (parsePolicy refuses them up front)
  if (op.base === 'null') {
    const absent = have === undefined || have.length === 0;
    return wantRaw.some((w) => (w.toLowerCase() === 'true') === absent);
  }
  const want: Pattern[] = vars
    ? wantRaw.map((w) => substitute(w, keys)).filter((w): w is Pattern => w !== undefined)
    : wantRaw.map((text) => ({ text, literal: new Set<number>() }));
  const { compare, negated } = op.base;
  const matchesOne = (v: string) => want.some((w) => compare(v, w.text, w.literal));
  if (have === undefined || have.length === 0) {
    if (op.set === 'all') return true; // ForAllValues over an empty set is vacuously true
    if (op.set === 'any') return false;
    return op.ifExists || negated;
  }
  const holdsFor = (v: string) => (negated ? !matchesOne(v) : matchesOne(v));
  if (op.set === 'all') return have.every(holdsFor);
  if (op.set === 'any') return have.some(holdsFor);
  return have.every(holdsFor);
}
