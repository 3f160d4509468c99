// Test support: a strict parser of the Prometheus text exposition format (version 0.0.4), for scraping /metrics.
// No parser of the format is installed (parse-prometheus-text-format is on the npm registry, not in this tree), so
// this one follows the format's rules and throws on any breach: metric and label names, label value escapes, sample
// values, one HELP and one TYPE per family before its samples, a family's samples together, and a histogram's
// buckets cumulative with `le` rising to a +Inf bucket equal to its _count.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help?: string;
  samples: Sample[];
}

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function fail(n: number, line: string, why: string): never {
  throw new Error(`line ${n + 1}: ${why}: ${JSON.stringify(line)}`);
}

function parseValue(s: string, n: number, line: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) fail(n, line, `bad value '${s}'`);
  return Number(s);
}

/** Labels from just after `{`; returns them and the index after `}`. */
function parseLabels(line: string, i: number, n: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  for (;;) {
    if (line[i] === '}') return [labels, i + 1];
    const eq = line.indexOf('=', i);
    if (eq < 0) fail(n, line, 'label without =');
    const name = line.slice(i, eq).trim();
    if (!LABEL.test(name)) fail(n, line, `bad label name '${name}'`);
    if (Object.hasOwn(labels, name)) fail(n, line, `label '${name}' repeated`);
    if (line[eq + 1] !== '"') fail(n, line, 'label value not quoted');
    let v = '';
    let j = eq + 2;
    for (; j < line.length && line[j] !== '"'; j++) {
      if (line[j] === '\\') {
        const e = line[++j];
        if (e === 'n') v += '\n';
        else if (e === '\\' || e === '"') v += e;
        else fail(n, line, `bad escape \\${e}`);
      } else v += line[j];
    }
    if (j >= line.length) fail(n, line, 'unterminated label value');
    labels[name] = v;
    i = j + 1;
    if (line[i] === ',') i++;
    else if (line[i] !== '}') fail(n, line, 'expected , or } after a label');
  }
}

/** The family a sample name belongs to (histogram/summary samples carry suffixes). */
function familyOf(name: string, families: Map<string, Family>): Family | undefined {
  if (families.has(name)) return families.get(name);
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const f = families.get(name.slice(0, -suffix.length));
    if (f && (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket'))) return f;
  }
  return undefined;
}

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const closed = new Set<string>();
  let current: Family | undefined;
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw new Error('the exposition must end with a newline');
  lines.pop();
  lines.forEach((line, n) => {
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest = ''] = m;
      if (!METRIC.test(name!)) fail(n, line, `bad metric name '${name}'`);
      let f = families.get(name!);
      if (f && f !== current) fail(n, line, `family ${name} appears twice`);
      if (!f) {
        if (current) closed.add(current.name);
        f = { name: name!, type: 'untyped', samples: [] };
        families.set(name!, f);
        current = f;
      }
      if (kind === 'HELP') {
        if (f.help !== undefined) fail(n, line, 'second HELP');
        f.help = rest;
      } else {
        if (!TYPES.has(rest)) fail(n, line, `unknown type '${rest}'`);
        if (f.samples.length) fail(n, line, 'TYPE after samples');
        f.type = rest as Family['type'];
      }
      return;
    }
    const nameEnd = line.search(/[{ ]/);
    if (nameEnd <= 0) fail(n, line, 'no sample name');
    const name = line.slice(0, nameEnd);
    if (!METRIC.test(name)) fail(n, line, `bad metric name '${name}'`);
    let labels: Record<string, string> = {};
    let i = nameEnd;
    if (line[i] === '{') [labels, i] = parseLabels(line, i + 1, n);
    const parts = line.slice(i).trim().split(/ +/);
    if (parts.length < 1 || parts.length > 2 || parts[0] === '') fail(n, line, 'expected a value and an optional timestamp');
    const value = parseValue(parts[0]!, n, line);
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) fail(n, line, 'bad timestamp');
    let f = familyOf(name, families);
    if (!f) {
      if (current) closed.add(current.name);
      f = { name, type: 'untyped', samples: [] };
      families.set(name, f);
      current = f;
    }
    if (f !== current || closed.has(f.name)) fail(n, line, `samples of ${f.name} are not together`);
    if (f.type === 'histogram' && name.endsWith('_bucket') && labels.le === undefined) fail(n, line, 'bucket without le');
    if (f.type === 'counter' && value < 0) fail(n, line, 'negative counter');
    f.samples.push({ name, labels, value });
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function checkHistogram(f: Family): void {
  const series = new Map<string, { le: number; v: number }[]>();
  const counts = new Map<string, number>();
  const key = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).filter(([k]) => k !== 'le').sort());
  for (const s of f.samples) {
    if (s.name === `${f.name}_bucket`) {
      const k = key(s.labels);
      const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      if (Number.isNaN(le)) throw new Error(`${f.name}: bad le '${s.labels.le}'`);
      series.set(k, [...(series.get(k) ?? []), { le, v: s.value }]);
    } else if (s.name === `${f.name}_count`) counts.set(key(s.labels), s.value);
  }
  for (const [k, buckets] of series) {
    for (let i = 1; i < buckets.length; i++) {
      if (!(buckets[i]!.le > buckets[i - 1]!.le)) throw new Error(`${f.name}${k}: le not rising`);
      if (buckets[i]!.v < buckets[i - 1]!.v) throw new Error(`${f.name}${k}: buckets not cumulative`);
    }
    const last = buckets.at(-1)!;
    if (last.le !== Infinity) throw new Error(`${f.name}${k}: no +Inf bucket`);
    if (counts.get(k) !== last.v) throw new Error(`${f.name}${k}: +Inf bucket ${last.v} differs from _count ${counts.get(k)}`);
  }
}

/** The value of the one sample named `name` whose labels include `labels` (undefined when none). */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const f of families.values())
    for (const s of f.samples)
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
  return undefined;
}
