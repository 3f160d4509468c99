// The shared store: PostgreSQL through a pg.Pool, for many Cognate servers over one database (no in-process caches).
// This module opens the pool (in its schema), migrates and composes one module per aggregate; the SQL lives in those.
import pg from 'pg';
import type { Store } from '../store.ts';
import { pgDevices } from './devices.ts';
import { pgClients } from './clients.ts';
import { pgCodes } from './codes.ts';
import { pgCounters } from './counters.ts';
import { LOCK, num, pgDb } from './db.ts';
import { pgDomains } from './domains.ts';
import { pgGroups } from './groups.ts';
import { pgResourceServers } from './resource-servers.ts';
import { pgRoles } from './roles.ts';
import { pgOidcProviders } from './oidc-providers.ts';
import { pgSamlProviders } from './saml-providers.ts';
import { pgIdentities } from './identities.ts';
import { pgDatasets } from './datasets.ts';
import { pgSyncConfig } from './sync-config.ts';
import { pgSignals, pgSyncDevices } from './sync-devices.ts';
import { pgIdentityPools } from './identity-pools.ts';
import { pgKeys } from './keys.ts';
import { pgMeta } from './meta.ts';
import { migrations } from './migrations.ts';
import { pgOutbox } from './outbox.ts';
import { pgPools } from './pools.ts';
import { pgSessions } from './sessions.ts';
import { explainListUsers, type ListUsersOptions } from './user-list.ts';
import { pgUsers } from './users.ts';

/** The PostgreSQL store, with the diagnostics the storage contract suite uses to check query plans. */
export interface PostgresStore extends Store {
  /** EXPLAIN of the statement users.list(poolId, opts) runs. */
  explainListUsers(poolId: string, opts: ListUsersOptions): Promise<string>;
  /** ANALYZE of the user and group tables, so that the planner decides with statistics. */
  analyze(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Connections to PostgreSQL for all the worker processes of one server together, shared out among them. */
export const SERVER_CONNECTIONS = 10;

/**
 * The pool of one of `workers` processes: a share of SERVER_CONNECTIONS, at least 2 (so that a transaction held
 * open does not stall the reads). Each worker has its own pool, so a fixed pool each would multiply the backends
 * (and PostgreSQL's context switches and memory) by the worker count. Measured on 2 cores with one worker, 4 and 10
 * connections serve GetUser and refresh alike (bench/README.md); a request is one to five round trips.
 */
export function poolSizeFor(workers: number): number {
  return Math.max(2, Math.ceil(SERVER_CONNECTIONS / Math.max(1, workers)));
}

/**
 * Opens the PostgreSQL store at `url`. With `schema`, creates that schema if missing and keeps every
 * table in it (search_path is set on each pooled connection). Run migrate() before use.
 */
export async function openPostgresStore(url: string, opts: { schema?: string; poolSize?: number } = {}): Promise<PostgresStore> {
  const { schema } = opts;
  if (schema !== undefined && !SCHEMA_NAME.test(schema))
    throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(schema)}: expected lower-case letters, digits and _`);

  if (schema !== undefined) {
    // Created over a connection of its own, before any pooled connection relies on it being in the search_path.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } catch (e) {
      // Two processes starting together can both pass IF NOT EXISTS; the loser sees a unique violation.
      const code = (e as { code?: string }).code;
      if (code !== '23505' && code !== '42P06') throw e;
    } finally {
      await admin.end();
    }
  }

  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle connection the server drops emits 'error' on the pool; unhandled it would kill the process.
  // The pool discards that connection by itself and the next query opens a new one.
  pool.on('error', () => {});

  const db = pgDb(pool);
  const signals = pgSignals(pool, url);
  return {
    kind: 'postgres',
    pools: pgPools(db),
    clients: pgClients(db),
    domains: pgDomains(db),
    keys: pgKeys(db),
    meta: pgMeta(db),
    users: pgUsers(db),
    groups: pgGroups(db),
    resourceServers: pgResourceServers(db),
    devices: pgDevices(db),
    roles: pgRoles(db),
    oidcProviders: pgOidcProviders(db),
    samlProviders: pgSamlProviders(db),
    identityPools: pgIdentityPools(db),
    identities: pgIdentities(db),
    datasets: pgDatasets(db),
    syncConfig: pgSyncConfig(db),
    syncDevices: pgSyncDevices(db),
    signals,
    codes: pgCodes(db),
    sessions: pgSessions(db),
    counters: pgCounters(db),
    outbox: pgOutbox(db),
    async migrate() {
      // A session advisory lock on one connection: servers starting together apply each migration exactly once.
      const c = await pool.connect();
      let broken: Error | undefined;
      try {
        await c.query(`SELECT pg_advisory_lock(${LOCK})`, ['migrate']);
        try {
          await c.query(
            'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
          );
          const done = new Set((await c.query('SELECT version FROM schema_migrations')).rows.map((r) => num(r.version)));
          const applied: number[] = [];
          for (const m of migrations) {
            if (done.has(m.version)) continue;
            await c.query('BEGIN');
            try {
              await c.query(m.sql);
              await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
                m.version,
                m.name,
                Date.now(),
              ]);
              await c.query('COMMIT');
            } catch (e) {
              await c.query('ROLLBACK');
              throw e;
            }
            applied.push(m.version);
          }
          return applied;
        } finally {
          await c.query(`SELECT pg_advisory_unlock(${LOCK})`, ['migrate']);
        }
      } catch (e) {
        broken = e as Error;
        throw e;
      } finally {
        // A connection that failed mid-way may still hold the lock or a transaction: destroy it rather than reuse it.
        c.release(broken);
      }
    },
    async close() {
      await signals.close();
      await pool.end();
    },
    explainListUsers(poolId, opts) {
      return explainListUsers(db, poolId, opts);
    },
    async analyze() {
      await pool.query('ANALYZE users, user_attributes, groups, group_members');
    },
  };
}
