// The embedded store: better-sqlite3 in WAL mode, where an acknowledged write survives SIGKILL of the process.
// This module opens the file and composes one module per aggregate; the SQL lives in those.
import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { createPrivateFile, makePrivateDir, tightenToOwner } from '../../lib/private-files.ts';
import type { Store } from '../store.ts';
import { sqliteDevices } from './devices.ts';
import { sqliteClients } from './clients.ts';
import { sqliteCodes } from './codes.ts';
import { sqliteCounters } from './counters.ts';
import { sqliteDb, type Row } from './db.ts';
import { sqliteDomains } from './domains.ts';
import { sqliteGroups } from './groups.ts';
import { sqliteResourceServers } from './resource-servers.ts';
import { sqliteRoles } from './roles.ts';
import { sqliteOidcProviders } from './oidc-providers.ts';
import { sqliteSamlProviders } from './saml-providers.ts';
import { sqliteIdentities } from './identities.ts';
import { sqliteDatasets } from './datasets.ts';
import { sqliteSyncConfig } from './sync-config.ts';
import { localSignals, sqliteSyncDevices } from './sync-devices.ts';
import { sqliteIdentityPools } from './identity-pools.ts';
import { sqliteKeys } from './keys.ts';
import { sqliteMeta } from './meta.ts';
import { migrations } from './migrations.ts';
import { sqliteOutbox } from './outbox.ts';
import { sqlitePools } from './pools.ts';
import { sqliteSessions } from './sessions.ts';
import { explainListUsers, type ListUsersOptions } from './user-list.ts';
import { sqliteUsers } from './users.ts';

export type { ListUsersOptions };

/** The SQLite store, with the diagnostics the storage contract suite uses to check query plans. */
export interface SqliteStore extends Store {
  /** EXPLAIN QUERY PLAN of the statements users.list(poolId, opts) runs, one plan line per row. */
  explainListUsers(poolId: string, opts: ListUsersOptions): Promise<string>;
  /** Runs ANALYZE, so that the planner decides with statistics as a long-lived database would. */
  analyze(): Promise<void>;
  /**
   * Per connection — `synced` (synchronous=FULL: everything but counters) and `counters` — its synchronous level
   * (2 FULL, 1 NORMAL) and the rows it changed since it opened (total_changes()): with the WAL's commit count, what
   * tells a test which commits were synced.
   */
  connections(): { synced: { synchronous: number; changes: number }; counters: { synchronous: number; changes: number } };
}

/** The migration that sealed the outbox (and dropped its plaintext rows). */
const OUTBOX_SEALED_VERSION = 6;

/** Opens (creating if needed) the SQLite store at `path` (':memory:' for tests). Run migrate() before use. */
export function openSqliteStore(path: string): SqliteStore {
  // The database holds every user's attributes and password hashes: the owner's alone. SQLite creates the -wal and
  // -shm files with the database file's mode, so a database created 0600 keeps them 0600; files an earlier version
  // created readable by others are tightened here.
  if (path !== ':memory:') {
    makePrivateDir(dirname(path));
    createPrivateFile(path);
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  if (path !== ':memory:') tightenToOwner(path, `${path}-wal`, `${path}-shm`);
  // FULL: every commit is synced before it is acknowledged, so it survives SIGKILL and power loss alike. Bulk
  // writes go through importMany (one transaction, one sync) rather than a loop of single commits.
  db.pragma('synchronous = FULL');
  // A checkpoint (which syncs) every ~40 MB of WAL rather than every 4 MB: one user write touches some twenty pages.
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma('foreign_keys = ON');
  // Deleted rows (expired outbox messages, used codes, ended sessions) are overwritten with zeros, not left readable
  // in free pages of the file.
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  // Counters (rate limits, sign-in lockouts, single-use challenge states) commit through a second connection with
  // synchronous=NORMAL: in WAL mode its commit is written to the WAL before it returns, so it survives SIGKILL of the
  // process, but is synced only by the next synchronous commit (or checkpoint) of any connection — the WAL is one
  // file, synced whole. So a sign-in costs one synced commit, its session's, which also makes its attempt's counter
  // writes durable; a power loss or OS crash can lose only the failure counts and used states of attempts since the
  // last synced commit (an attacker gains at most a few guesses, and cannot cause one). ':memory:' has one connection.
  const relaxed = path === ':memory:' ? db : new Database(path);
  if (relaxed !== db) {
    relaxed.pragma('synchronous = NORMAL');
    relaxed.pragma('wal_autocheckpoint = 10000');
    relaxed.pragma('foreign_keys = ON');
    relaxed.pragma('secure_delete = ON');
    relaxed.pragma('busy_timeout = 5000');
  }

  const s = sqliteDb(db);
  const counters = relaxed === db ? s : sqliteDb(relaxed);
  return {
    kind: 'sqlite',
    pools: sqlitePools(s),
    clients: sqliteClients(s),
    domains: sqliteDomains(s),
    keys: sqliteKeys(s),
    meta: sqliteMeta(s),
    users: sqliteUsers(s),
    groups: sqliteGroups(s),
    resourceServers: sqliteResourceServers(s),
    devices: sqliteDevices(s),
    roles: sqliteRoles(s),
    oidcProviders: sqliteOidcProviders(s),
    samlProviders: sqliteSamlProviders(s),
    identityPools: sqliteIdentityPools(s),
    identities: sqliteIdentities(s),
    datasets: sqliteDatasets(s),
    syncConfig: sqliteSyncConfig(s),
    syncDevices: sqliteSyncDevices(s),
    signals: localSignals(),
    codes: sqliteCodes(s),
    sessions: sqliteSessions(s),
    counters: sqliteCounters(counters),
    outbox: sqliteOutbox(s),
    async migrate() {
      db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
      const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => r.version));
      const applied: number[] = [];
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        db.transaction(() => {
          db.exec(m.sql);
          db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
        })();
        applied.push(m.version);
      }
      s.clearStatements();
      counters.clearStatements();
      // Migration 6 dropped plaintext outbox messages: rebuild the file so no copy of them stays in free pages a
      // database without secure_delete left behind, and empty the WAL, which still holds the old page images.
      // Once per database; a database shared with a running server (busy) keeps them until its next VACUUM.
      if (applied.includes(OUTBOX_SEALED_VERSION) && path !== ':memory:') {
        try {
          db.exec('VACUUM');
          db.pragma('wal_checkpoint(TRUNCATE)');
        } catch {
          /* SQLITE_BUSY: another connection is reading; the rows are deleted either way */
        }
      }
      return applied;
    },
    async close() {
      if (relaxed !== db) relaxed.close();
      db.close();
    },
    async explainListUsers(poolId, opts) {
      return explainListUsers(s, poolId, opts);
    },
    async analyze() {
      db.exec('ANALYZE');
    },
    connections() {
      const of = (c: Database.Database) => ({
        synchronous: c.pragma('synchronous', { simple: true }) as number,
        changes: (c.prepare('SELECT total_changes() AS n').get() as Row).n as number,
      });
      return { synced: of(db), counters: of(relaxed) };
    },
  };
}
