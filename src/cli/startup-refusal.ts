// What the machine refuses at start (a busy port, an unusable data directory, a database that cannot be reached),
// said in one line; apart from serve.ts so that main.ts can name it without loading the server.
import { join } from 'node:path';
import type { Config } from '../config/schema.ts';

/** A start the configuration or the machine refuses (a busy port, an unusable data directory): one line, exit 1. */
export class StartupError extends Error {}

/** Where the store lives, without a password. */
export function storeLabel(config: Config): string {
  if (!config.databaseUrl) return `SQLite ${join(config.dataDir, 'cognate.db')}`;
  try {
    const u = new URL(config.databaseUrl);
    return `PostgreSQL ${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname || '/'}`;
  } catch {
    return 'PostgreSQL';
  }
}

const DB_UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);
/** PostgreSQL's SQLSTATEs for a bad password or role, a missing database, and a server starting or shutting down. */
const DB_REFUSALS = new Set(['28P01', '28000', '3D000', '57P03', '57P01']);

/** Turns what the machine refuses at start into a StartupError saying what to do. */
export function startRefusal(e: unknown, config: Config): unknown {
  const code = (e as NodeJS.ErrnoException)?.code;
  // PostgreSQL that cannot be reached or refuses us (connection refused, unknown host, wrong password, no such
  // database, starting up): one line naming the store (without its password) and the setting to check.
  if (config.databaseUrl && code && (DB_UNREACHABLE.has(code) || DB_REFUSALS.has(code)))
    return new StartupError(`cannot use ${storeLabel(config)}: ${(e as Error).message}; check --database-url (COGNATE_DATABASE_URL) and that PostgreSQL runs`);
  if (code === 'EADDRINUSE')
    return new StartupError(`port ${config.port} on ${config.host} is already in use (another Cognate?): stop that, or choose another with --port N`);
  if (code === 'EADDRNOTAVAIL')
    return new StartupError(`cannot listen on ${config.host}: no such address on this machine; choose another with --host`);
  if (code === 'EACCES' || code === 'EPERM') {
    const path = (e as NodeJS.ErrnoException).path;
    return new StartupError(
      path
        ? `cannot use ${path}: permission denied; give a data directory this user owns with --data-dir`
        : `not allowed to listen on port ${config.port}: choose one above 1023 with --port N`,
    );
  }
  if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EROFS')
    return new StartupError(`cannot use the data directory ${config.dataDir} (${code} at ${(e as NodeJS.ErrnoException).path ?? config.dataDir}): give a writable directory with --data-dir`);
  return e;
}
