// `--log-format pretty`: a pino JSON record as one line for people — `12:00:01.234 INFO  msg key=value …`.
const LEVEL: Record<string, string> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO ', warn: 'WARN ', error: 'ERROR', fatal: 'FATAL' };
const COLOR: Record<string, string> = { debug: '\x1b[90m', info: '\x1b[32m', warn: '\x1b[33m', error: '\x1b[31m', fatal: '\x1b[31m' };
const OMIT = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

function value(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

/** One pretty line (with its newline) for a pino JSON line; a line that is not JSON passes through. */
export function prettyLine(json: string, color = process.stderr.isTTY === true): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json);
  } catch {
    return json.endsWith('\n') ? json : json + '\n';
  }
  const level = String(rec.level ?? 'info');
  const time = typeof rec.time === 'string' ? rec.time.slice(11, 23) : new Date().toISOString().slice(11, 23);
  const tag = LEVEL[level] ?? level.toUpperCase();
  const fields: string[] = [];
  for (const [k, v] of Object.entries(rec)) if (!OMIT.has(k) && v !== undefined) fields.push(`${k}=${value(v)}`);
  // Multi-line values (stacks) stay on the one line, escaped by JSON.
  const head = color ? `${COLOR[level] ?? ''}${tag}\x1b[0m` : tag;
  return `${time} ${head} ${String(rec.msg ?? '')}${fields.length ? ' ' + fields.join(' ') : ''}\n`;
}
