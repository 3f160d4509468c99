// Summarises the V8 CPU profiles (.cpuprofile, from node --cpu-prof) of one server run: the functions with the most
// self time, summed over the primary and its workers, each placed in src/ through dist/'s source maps (or in
// node_modules, node's internals, native code), and the busy time by where it went. Only samples inside an optional
// window (CLOCK_MONOTONIC µs, as process.hrtime gives) count, so start-up and set-up stay out of a flow's profile.
//   node --import tsx bench/profile-summary.ts DIR [--top 15]
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface Profile {
  nodes: { id: number; callFrame: CallFrame }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  name: string;
  where: string;
  category: string;
  selfMs: number;
}
export interface Summary {
  profiles: number;
  busyMs: number;
  idleMs: number;
  functions: FunctionTime[];
  categories: { category: string; ms: number }[];
}

const maps = new Map<string, SourceMap | null>();
function sourceMapOf(file: string): SourceMap | null {
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    maps.set(file, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : null);
  }
  return maps.get(file)!;
}

/** Where a function is, as a reader looks for it: src/…:line through the source map, node_modules/…, node:…. */
function place(cf: CallFrame): { where: string; category: string } {
  const { url } = cf;
  if (!url) return { where: '(native)', category: 'native / V8' };
  if (url.startsWith('node:')) return { where: `${url}:${cf.lineNumber + 1}`, category: "node's internals" };
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const path = file.slice(nm + 'node_modules/'.length);
    const pkg = path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : path.split('/')[0]!;
    return { where: `${path}:${cf.lineNumber + 1}`, category: `node_modules/${pkg}` };
  }
  const map = sourceMapOf(file);
  const entry = map?.findEntry(cf.lineNumber, cf.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
  if (entry?.originalSource !== undefined && entry.originalLine !== undefined) {
    const src = relative(root, resolve(dirname(file), entry.originalSource));
    return { where: `${src}:${entry.originalLine + 1}`, category: src.startsWith('src/') ? `src/${src.split('/')[1]}` : 'other' };
  }
  const rel = relative(root, file);
  return { where: `${rel}:${cf.lineNumber + 1}`, category: rel.startsWith('src/') ? `src/${rel.split('/')[1]}` : rel.split('/')[0]! };
}

/** Self time per function over every .cpuprofile in `dir`, counting samples in [fromUs, toUs] when given. */
export function summarise(dir: string, window?: { fromUs: number; toUs: number }): Summary {
  const byKey = new Map<string, FunctionTime>();
  let idleUs = 0;
  let busyUs = 0;
  let profiles = 0;
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Profile;
    profiles++;
    const nodes = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
    let t = p.startTime;
    for (let i = 0; i < p.samples.length; i++) {
      t += p.timeDeltas[i]!;
      const self = p.timeDeltas[i + 1] ?? 0; // the interval until the next sample
      if (window && (t < window.fromUs || t > window.toUs)) continue;
      const cf = nodes.get(p.samples[i]!)!;
      if (cf.functionName === '(idle)') {
        idleUs += self;
        continue;
      }
      busyUs += self;
      const key = `${cf.functionName}|${cf.url}|${cf.lineNumber}|${cf.columnNumber}`;
      let ft = byKey.get(key);
      if (!ft) {
        ft = { name: cf.functionName || '(anonymous)', ...place(cf), selfMs: 0 };
        byKey.set(key, ft);
      }
      ft.selfMs += self / 1000;
    }
  }
  // One line per function and place: the same source function in several workers is one.
  const merged = new Map<string, FunctionTime>();
  for (const ft of byKey.values()) {
    const k = `${ft.name}|${ft.where}`;
    const m = merged.get(k);
    if (m) m.selfMs += ft.selfMs;
    else merged.set(k, { ...ft });
  }
  const functions = [...merged.values()].sort((a, b) => b.selfMs - a.selfMs);
  const cats = new Map<string, number>();
  for (const ft of functions) cats.set(ft.category, (cats.get(ft.category) ?? 0) + ft.selfMs);
  const categories = [...cats].map(([category, ms]) => ({ category, ms })).sort((a, b) => b.ms - a.ms);
  return { profiles, busyMs: busyUs / 1000, idleMs: idleUs / 1000, functions, categories };
}

/** The printed summary: totals, the busy time by place, the top `top` functions by self time. */
export function formatSummary(s: Summary, top = 15, perOp?: number): string {
  const pct = (ms: number) => `${((100 * ms) / (s.busyMs || 1)).toFixed(1).padStart(5)}%`;
  const lines = [
    `    ${s.profiles} profile(s): busy ${s.busyMs.toFixed(0)} ms, idle ${s.idleMs.toFixed(0)} ms` +
      (perOp ? ` · ${perOp} ops, busy ${(s.busyMs / perOp).toFixed(3)} ms/op on the main threads` : ''),
    `    by place: ${s.categories.slice(0, 8).map((c) => `${c.category} ${pct(c.ms).trim()}`).join(', ')}`,
    `    ${'self ms'.padStart(9)} ${'busy'.padStart(6)}  function  (where)`,
  ];
  for (const f of s.functions.slice(0, top)) lines.push(`    ${f.selfMs.toFixed(0).padStart(9)} ${pct(f.selfMs)}  ${f.name}  (${f.where})`);
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node --import tsx bench/profile-summary.ts DIR [--top 15]');
    process.exit(2);
  }
  const i = process.argv.indexOf('--top');
  console.log(formatSummary(summarise(dir), i > 0 ? Number(process.argv[i + 1]) : 15));
}
