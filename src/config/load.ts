// Reads flags, environment and an optional JSON config file into one Config (the only place that reads them).
import { readFileSync } from 'node:fs';
import { settings, type Config } from './schema.ts';

export class ConfigError extends Error {}

export interface LoadResult {
  config: Config;
  /** Positional arguments (the command and its arguments). */
  args: string[];
  /** Flags that are not settings (e.g. --pool-id for a CLI command). */
  extra: Record<string, string | true>;
}

/** A JSON object of strings (an object given in the config file, or JSON text), its URLs without a trailing slash. */
function jsonMap(raw: unknown, name: string, values: 'url' | 'text' = 'url'): Record<string, string> {
  let v = raw;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      throw new ConfigError(`${name}: expected a JSON object, got '${raw}'`);
    }
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(`${name}: expected a JSON object`);
  const out: Record<string, string> = {};
  for (const [k, u] of Object.entries(v)) {
    if (values === 'text') {
      if (typeof u !== 'string') throw new ConfigError(`${name}: '${k}' must map to a string`);
      out[k] = u;
      continue;
    }
    if (typeof u !== 'string' || !/^https?:\/\/[^/]/.test(u)) throw new ConfigError(`${name}: '${k}' must map to an http(s) URL`);
    out[k] = u.replace(/\/+$/, '');
  }
  return out;
}

function coerce(type: 'string' | 'number' | 'boolean', raw: string | boolean, name: string): string | number | boolean {
  if (type === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off|)$/i.test(raw)) return false;
    throw new ConfigError(`${name}: expected a boolean, got '${raw}'`);
  }
  if (type === 'number') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name}: expected a whole number, got '${raw}'`);
    return n;
  }
  if (typeof raw !== 'string') throw new ConfigError(`${name}: expected a value`);
  return raw;
}

/** Flags of the commands (not settings) that take no value, so a word after them stays a word. */
const SWITCHES = new Set(['--help', '--version', '--revoke', '--follow']);

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): LoadResult {
  const flags: Record<string, string | true> = {};
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    if (a === '-h') a = '--help';
    if (a === '-v' || a === '-V') a = '--version';
    if (/^-[^-]/.test(a)) {
      // Other single-dash flags are not ours; filed as given so the command refuses them by name.
      flags[a] = true;
    } else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags[a.slice(0, eq)] = a.slice(eq + 1);
      else {
        const s = settings.find((x) => x.flag === a);
        const isBool = s?.type === 'boolean' || SWITCHES.has(a);
        const next = argv[i + 1];
        if (!isBool && next !== undefined && !next.startsWith('--')) {
          flags[a] = next;
          i++;
        } else flags[a] = true;
      }
    } else args.push(a);
  }

  let file: Record<string, unknown> = {};
  const configPath = flags['--config'] ?? env.COGNATE_CONFIG;
  if (typeof configPath === 'string') {
    try {
      file = JSON.parse(readFileSync(configPath, 'utf8'));
    } catch (e) {
      throw new ConfigError(`--config ${configPath}: ${(e as Error).message}`);
    }
  }
  delete flags['--config'];

  const out: Record<string, unknown> = {};
  for (const s of settings) {
    let raw: string | boolean | number | object | undefined;
    if (s.flag && flags[s.flag] !== undefined) {
      raw = flags[s.flag];
      delete flags[s.flag];
    } else if (s.env && env[s.env] !== undefined && env[s.env] !== '') raw = env[s.env];
    else if (file[s.key] !== undefined) raw = file[s.key] as string | number | boolean | object;
    if (s.type === 'json') out[s.key] = raw === undefined ? {} : jsonMap(raw, s.flag ?? s.env ?? s.key, s.values);
    else if (raw === undefined) out[s.key] = s.default;
    else if (typeof raw === 'object') throw new ConfigError(`${s.key}: expected a ${s.type}, got an object`);
    else out[s.key] = typeof raw === 'number' && s.type === 'number' ? raw : coerce(s.type, typeof raw === 'number' ? String(raw) : raw, s.flag ?? s.env ?? s.key);
  }
  const config = out as unknown as Config;
  if (!['debug', 'info', 'warn', 'error'].includes(config.logLevel)) throw new ConfigError(`--log-level: unknown level '${config.logLevel}'`);
  if (!['json', 'pretty'].includes(config.logFormat)) throw new ConfigError(`--log-format: expected json or pretty, got '${config.logFormat}'`);
  if (config.workers !== undefined && (config.workers < 1 || config.workers > 256)) throw new ConfigError(`--workers: expected 1 to 256, got ${config.workers}`);
  if (config.port > 65535) throw new ConfigError(`--port: ${config.port} is not a port`);
  if (config.databaseUrl && !/^postgres(ql)?:\/\//.test(config.databaseUrl)) throw new ConfigError('--database-url: expected postgres://…');
  if (config.lambdaEndpoint && !/^https?:\/\//.test(config.lambdaEndpoint)) throw new ConfigError('COGNATE_LAMBDA_ENDPOINT: expected http://host:port');
  if (config.kmsEndpoint && !/^https?:\/\//.test(config.kmsEndpoint)) throw new ConfigError('COGNATE_KMS_ENDPOINT: expected http://host:port');
  if (!config.publicUrl) {
    const h = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    config.publicUrl = `http://${h.includes(':') ? `[${h}]` : h}:${config.port}`;
  }
  config.publicUrl = config.publicUrl.replace(/\/+$/, '');
  return { config, args, extra: flags };
}
