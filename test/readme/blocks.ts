// The README's executable blocks: a fenced block preceded by `<!-- readme-test: KIND [ARG] -->` on the line
// before its fence. Kinds: `sh` (a shell step, run in one bash session with the steps before it), `file NAME`
// (saved as NAME in the session's directory, as the reader is told to), `output` (lines the shell step before it
// must print).

export type Step =
  | { kind: 'sh'; code: string; line: number }
  | { kind: 'file'; name: string; code: string; line: number }
  | { kind: 'output'; code: string; line: number };

export class ReadmeFormatError extends Error {}

const MARKER = /^<!--\s*readme-test:\s*(\S+)(?:\s+(\S+))?\s*-->\s*$/;

export function extractSteps(markdown: string): Step[] {
  const lines = markdown.split('\n');
  const steps: Step[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = MARKER.exec(lines[i]!);
    if (!m) continue;
    const [, kind, arg] = m;
    const at = i + 1; // 1-based line of the marker
    const fence = /^(```+|~~~+)/.exec(lines[i + 1] ?? '');
    if (!fence) throw new ReadmeFormatError(`README line ${at}: a readme-test marker must be followed directly by a fenced block`);
    const end = lines.findIndex((l, j) => j > i + 1 && l.startsWith(fence[1]!) && l.trim() === fence[1]);
    if (end < 0) throw new ReadmeFormatError(`README line ${at}: the fenced block is not closed`);
    const code = lines.slice(i + 2, end).join('\n') + '\n';
    if (kind === 'sh') steps.push({ kind, code, line: at });
    else if (kind === 'output') {
      if (steps.at(-1)?.kind !== 'sh') throw new ReadmeFormatError(`README line ${at}: an output block must follow a shell step`);
      steps.push({ kind, code, line: at });
    } else if (kind === 'file') {
      if (!arg || !/^[\w.-]+$/.test(arg)) throw new ReadmeFormatError(`README line ${at}: 'file' needs a plain file name`);
      steps.push({ kind, name: arg, code, line: at });
    } else throw new ReadmeFormatError(`README line ${at}: unknown readme-test kind '${kind}'`);
    i = end;
  }
  return steps;
}

/** Replaces each key of `values` by its value, everywhere, in every step's text. */
export function substitute(steps: Step[], values: Record<string, string>): Step[] {
  return steps.map((s) => ({ ...s, code: Object.entries(values).reduce((c, [from, to]) => c.split(from).join(to), s.code) }));
}

/** One bash script running the shell steps in order, each announced on stdout by a line the runner splits on. */
export function sessionScript(steps: Step[]): string {
  const parts = ['set -euo pipefail'];
  steps.forEach((s, i) => {
    if (s.kind === 'sh') parts.push(`echo '${stepMark(i)}'`, s.code);
  });
  return parts.join('\n') + '\n';
}

export const stepMark = (i: number) => `@@readme-test step ${i}@@`;

/** What each shell step printed, by step index, from the session's stdout. */
export function outputsByStep(stdout: string): Map<number, string> {
  const out = new Map<number, string>();
  const re = /^@@readme-test step (\d+)@@$/gm;
  const marks = [...stdout.matchAll(re)];
  marks.forEach((m, k) => {
    const from = m.index! + m[0].length + 1;
    const to = k + 1 < marks.length ? marks[k + 1]!.index! : stdout.length;
    out.set(Number(m[1]), stdout.slice(from, to));
  });
  return out;
}
