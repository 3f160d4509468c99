// The help text and the flag checks of the `cognate` command, generated from the one settings schema
// (config/schema.ts) and the table of commands below: a setting added there appears in --help and is accepted.
import { settings } from '../config/schema.ts';

export interface CommandSpec {
  /** One line: what the command does. */
  summary: string;
  /** Its own flags (beyond the settings), each with a one-line doc. */
  flags: { flag: string; arg?: string; doc: string }[];
  /** Its arguments as shown in the usage line. */
  synopsis?: string;
}

export const COMMANDS: Record<string, CommandSpec> = {
  serve: { summary: 'serve every API and page on one port (the default command)', flags: [] },
  migrate: { summary: 'apply the database migrations and exit', flags: [] },
  'rotate-keys': {
    summary: "give a user pool new token signing keys",
    synopsis: '--pool-id POOL_ID [--revoke]',
    flags: [
      { flag: '--pool-id', arg: 'POOL_ID', doc: 'the user pool whose keys are rotated' },
      { flag: '--revoke', doc: 'retire the old keys now (gone from the JWKS, their tokens refused) instead of in 24 h' },
    ],
  },
  'identity-key': {
    summary: "give the identity pools' OpenID issuer a new signing key",
    synopsis: 'rotate [--revoke]',
    flags: [{ flag: '--revoke', doc: 'drop the old keys now (gone from the JWKS, their tokens refused) instead of in 24 h' }],
  },
  outbox: {
    summary: 'print the latest messages (and their codes) the server kept in its outbox',
    synopsis: '[--to ADDRESS] [--limit N] [--follow]',
    flags: [
      { flag: '--to', arg: 'ADDRESS', doc: 'only messages to this email address or phone number' },
      { flag: '--limit', arg: 'N', doc: 'how many messages, newest first (default 10)' },
      { flag: '--follow', doc: 'keep printing new messages as they arrive (Ctrl-C stops)' },
    ],
  },
  help: { summary: 'show this text (also --help, -h; `cognate COMMAND --help` for one command)', flags: [] },
};

/** Flags every command takes besides the settings. */
const GLOBAL_FLAGS = [
  { flag: '--config', arg: 'FILE', doc: 'a JSON file of settings by key (flags and environment variables win over it)' },
  { flag: '--help', doc: 'show help (also -h)' },
  { flag: '--version', doc: 'print the version' },
];

function column(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => '  ' + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 2))).join('').trimEnd()).join('\n');
}

function settingRows(): string[][] {
  return settings.map((s) => {
    const arg = s.type === 'boolean' ? '' : ` ${s.key === 'port' || s.key === 'workers' || s.key === 'bodyLimit' ? 'N' : 'VALUE'}`;
    const def = s.default === undefined ? '' : `(default ${s.default === false ? 'off' : String(s.default)}) `;
    return [s.flag ? `${s.flag}${arg}` : '', s.env ?? '', `${def}${s.doc}`];
  });
}

/** The whole help text: commands, their flags, every setting with its flag, environment variable and default. */
export function usage(): string {
  const commands = column(Object.entries(COMMANDS).map(([name, c]) => [name + (c.synopsis ? ` ${c.synopsis}` : ''), c.summary]));
  return [
    'usage: cognate [COMMAND] [FLAGS]     (from a checkout: npm start -- [COMMAND] [FLAGS])',
    '',
    'commands:',
    commands,
    '',
    'settings (flag, environment variable, default and meaning; a flag wins over its variable):',
    column(settingRows()),
    '',
    'other flags:',
    column(GLOBAL_FLAGS.map((f) => [f.flag + (f.arg ? ` ${f.arg}` : ''), f.doc])),
  ].join('\n');
}

/** The help of one command: its usage line, its own flags, then a pointer to the settings. */
export function commandUsage(name: string): string {
  const c = COMMANDS[name]!;
  const own = c.flags.length ? ['', 'flags:', column(c.flags.map((f) => [f.flag + (f.arg ? ` ${f.arg}` : ''), f.doc]))] : [];
  return [`usage: cognate ${name}${c.synopsis ? ` ${c.synopsis}` : ''} [SETTINGS]`, '', c.summary, ...own, '', 'settings: `cognate --help` lists them all (--data-dir, --database-url, ...)'].join('\n');
}

/** Levenshtein distance, for suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest of the candidates when it is close enough to be a slip of the fingers. */
export function suggest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = c.startsWith(word) && word.length >= 4 ? 0.5 : distance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

/** Every flag a command accepts. */
export function flagsOf(command: string): string[] {
  const own = COMMANDS[command]?.flags.map((f) => f.flag) ?? [];
  return [...settings.flatMap((s) => (s.flag ? [s.flag] : [])), ...GLOBAL_FLAGS.map((f) => f.flag), ...own];
}

/** A one-line refusal for the first flag the command does not take, or undefined when all are known. */
export function unknownFlag(command: string, given: string[]): string | undefined {
  const known = flagsOf(command);
  for (const f of given) {
    if (known.includes(f)) continue;
    const elsewhere = Object.entries(COMMANDS).find(([, c]) => c.flags.some((x) => x.flag === f));
    if (elsewhere) return `${f} belongs to \`cognate ${elsewhere[0]}\`, not \`cognate ${command}\``;
    const s = suggest(f, known);
    return `unknown flag '${f}'${s ? ` (did you mean ${s}?)` : ''}; \`cognate --help\` lists them`;
  }
  return undefined;
}

export function unknownCommand(word: string): string {
  const s = suggest(word, Object.keys(COMMANDS));
  return `unknown command '${word}'${s ? ` (did you mean ${s}?)` : ''}; \`cognate --help\` lists them`;
}
