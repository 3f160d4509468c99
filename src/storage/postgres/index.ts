// The shared store: PostgreSQL through a pg.Pool, for many Cognate servers over one database (no in-process caches).
import pg from 'pg';
import type { ClientRecord, DomainRecord, Page, PoolRecord, SigningKeyRecord } from '../records.ts';
import { decodeCursor, encodeCursor, InvalidCursorError, type Store } from '../store.ts';
import { migrations } from './migrations.ts';

type Row = Record<string, any>;
type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

// pg hands BIGINT (int8) back as a string; times are epoch ms, well inside 2^53, so Number is exact.
// Converted here rather than by a global type parser, which would change every other pg user in the process.
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const poolFromRow = (r: Row): PoolRecord => ({
  id: r.id,
  name: r.name,
  arn: r.arn,
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
  version: num(r.version),
  settings: r.settings,
  tags: r.tags,
});
const clientFromRow = (r: Row): ClientRecord => ({
  id: r.id,
  poolId: r.pool_id,
  name: r.name,
  secrets: r.secrets,
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
  version: num(r.version),
  settings: r.settings,
});
const domainFromRow = (r: Row): DomainRecord => ({
  domain: r.domain,
  poolId: r.pool_id,
  custom: r.custom === true,
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
  settings: r.settings,
});
const keyFromRow = (r: Row): SigningKeyRecord => ({
  kid: r.kid,
  poolId: r.pool_id,
  use: r.use,
  alg: r.alg,
  publicJwk: r.public_jwk,
  privateSealed: r.private_sealed,
  certificate: r.certificate ?? null,
  createdAt: num(r.created_at),
  retiresAt: numOrNull(r.retires_at),
});

// JSONB parameters are always sent as JSON text: pg would turn a JS array (client secrets) into a PostgreSQL array.
const json = (v: unknown): string => JSON.stringify(v);

function page<T extends { createdAt: number }>(rows: T[], limit: number, idOf: (t: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1]!;
  return { items, next: encodeCursor(last.createdAt, idOf(last)) };
}

/** The same cursor as the SQLite store: [-1, ''] starts before every (createdAt, id). */
function cursorArgs(cursor: string | undefined): [number, string] {
  if (cursor === undefined) return [-1, ''];
  const c = decodeCursor(cursor);
  if (!c) throw new InvalidCursorError();
  return c;
}

// Advisory locks are database-wide, so the key includes the schema: stores in other schemas never wait on ours.
const LOCK = `hashtextextended(current_schema() || ':cognate:' || $1::text, 0)`;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

async function insertKeys(db: Queryable, keys: SigningKeyRecord[]): Promise<void> {
  for (const k of keys)
    await db.query(
      `INSERT INTO signing_keys (kid, pool_id, use, alg, public_jwk, private_sealed, certificate, created_at, retires_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9)`,
      [k.kid, k.poolId, k.use, k.alg, json(k.publicJwk), k.privateSealed, k.certificate, k.createdAt, k.retiresAt],
    );
}

/**
 * Opens the PostgreSQL store at `url`. With `schema`, creates that schema if missing and keeps every
 * table in it (search_path is set on each pooled connection). Run migrate() before use.
 */
export async function openPostgresStore(url: string, opts: { schema?: string; poolSize?: number } = {}): Promise<Store> {
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

  const tx = async <T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      c.release();
      return out;
    } catch (e) {
      try {
        await c.query('ROLLBACK');
        c.release();
      } catch (rollbackError) {
        c.release(rollbackError as Error);
      }
      throw e;
    }
  };
  const one = async (sql: string, params: unknown[]): Promise<Row | undefined> => (await pool.query(sql, params)).rows[0];
  const all = async (sql: string, params: unknown[]): Promise<Row[]> => (await pool.query(sql, params)).rows;
  const changed = async (sql: string, params: unknown[]): Promise<boolean> => (await pool.query(sql, params)).rowCount === 1;

  const store: Store = {
    kind: 'postgres',
    pools: {
      create(p, keys, maxPools) {
        // The advisory lock serialises creators across every process, so count-then-insert cannot overshoot.
        return tx(async (c) => {
          await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, ['pools']);
          const { rows } = await c.query('SELECT count(*) AS n FROM pools');
          if (num(rows[0].n) >= maxPools) return 'limit' as const;
          await c.query(
            `INSERT INTO pools (id, name, arn, created_at, updated_at, version, settings, tags)
             VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb)`,
            [p.id, p.name, p.arn, p.createdAt, p.updatedAt, p.version, json(p.settings), json(p.tags)],
          );
          await insertKeys(c, keys);
          return 'ok' as const;
        });
      },
      async get(id) {
        const r = await one('SELECT * FROM pools WHERE id = $1', [id]);
        return r ? poolFromRow(r) : null;
      },
      async list(limit, cursor) {
        const [t, id] = cursorArgs(cursor);
        const rows = await all('SELECT * FROM pools WHERE (created_at, id) > ($1, $2) ORDER BY created_at, id LIMIT $3', [
          t,
          id,
          limit + 1,
        ]);
        return page(rows.map(poolFromRow), limit, (p) => p.id);
      },
      update(p) {
        return changed(
          `UPDATE pools SET name = $1, updated_at = $2, version = $3, settings = $4::jsonb, tags = $5::jsonb
           WHERE id = $6 AND version = $7`,
          [p.name, p.updatedAt, p.version, json(p.settings), json(p.tags), p.id, p.version - 1],
        );
      },
      delete(id) {
        return changed('DELETE FROM pools WHERE id = $1', [id]);
      },
      async count() {
        return num((await one('SELECT count(*) AS n FROM pools', []))!.n);
      },
    },
    clients: {
      create(cl, maxClients) {
        return tx(async (c) => {
          await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, [`clients:${cl.poolId}`]);
          const { rows } = await c.query('SELECT count(*) AS n FROM clients WHERE pool_id = $1', [cl.poolId]);
          if (num(rows[0].n) >= maxClients) return 'limit' as const;
          await c.query(
            `INSERT INTO clients (id, pool_id, name, secrets, created_at, updated_at, version, settings)
             VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8::jsonb)`,
            [cl.id, cl.poolId, cl.name, json(cl.secrets), cl.createdAt, cl.updatedAt, cl.version, json(cl.settings)],
          );
          return 'ok' as const;
        });
      },
      async get(clientId) {
        const r = await one('SELECT * FROM clients WHERE id = $1', [clientId]);
        return r ? clientFromRow(r) : null;
      },
      async list(poolId, limit, cursor) {
        const [t, id] = cursorArgs(cursor);
        const rows = await all(
          'SELECT * FROM clients WHERE pool_id = $1 AND (created_at, id) > ($2, $3) ORDER BY created_at, id LIMIT $4',
          [poolId, t, id, limit + 1],
        );
        return page(rows.map(clientFromRow), limit, (c) => c.id);
      },
      update(c) {
        return changed(
          `UPDATE clients SET name = $1, secrets = $2::jsonb, updated_at = $3, version = $4, settings = $5::jsonb
           WHERE id = $6 AND pool_id = $7 AND version = $8`,
          [c.name, json(c.secrets), c.updatedAt, c.version, json(c.settings), c.id, c.poolId, c.version - 1],
        );
      },
      delete(poolId, clientId) {
        return changed('DELETE FROM clients WHERE id = $1 AND pool_id = $2', [clientId, poolId]);
      },
    },
    domains: {
      async create(d) {
        const ok = await changed(
          `INSERT INTO domains (domain, pool_id, custom, created_at, updated_at, settings)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (domain) DO NOTHING`,
          [d.domain, d.poolId, d.custom, d.createdAt, d.updatedAt, json(d.settings)],
        );
        return ok ? 'ok' : 'exists';
      },
      async get(domain) {
        const r = await one('SELECT * FROM domains WHERE domain = $1', [domain]);
        return r ? domainFromRow(r) : null;
      },
      async listForPool(poolId) {
        return (await all('SELECT * FROM domains WHERE pool_id = $1 ORDER BY created_at, domain', [poolId])).map(domainFromRow);
      },
      update(d) {
        return changed('UPDATE domains SET updated_at = $1, settings = $2::jsonb WHERE domain = $3 AND pool_id = $4', [
          d.updatedAt,
          json(d.settings),
          d.domain,
          d.poolId,
        ]);
      },
      delete(domain) {
        return changed('DELETE FROM domains WHERE domain = $1', [domain]);
      },
    },
    keys: {
      async listForPool(poolId) {
        return (await all('SELECT * FROM signing_keys WHERE pool_id = $1 ORDER BY created_at DESC, kid', [poolId])).map(keyFromRow);
      },
      async rotate(poolId, added, retiresAt) {
        const uses = [...new Set(added.map((k) => k.use))];
        await tx(async (c) => {
          await c.query('UPDATE signing_keys SET retires_at = $1 WHERE pool_id = $2 AND use = ANY($3::text[]) AND retires_at IS NULL', [
            retiresAt,
            poolId,
            uses,
          ]);
          await insertKeys(c, added);
        });
      },
      async add(keys) {
        await tx((c) => insertKeys(c, keys));
      },
    },
    meta: {
      async get(key) {
        const r = await one('SELECT value FROM meta WHERE key = $1', [key]);
        return r ? r.value : null;
      },
      async setIfAbsent(key, value) {
        // Two statements on purpose: after losing an insert race, only a new statement's snapshot sees the winner's row.
        const ins = await one('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING value', [key, value]);
        if (ins) return ins.value;
        return (await one('SELECT value FROM meta WHERE key = $1', [key]))!.value;
      },
    },
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
      await pool.end();
    },
  };
  return store;
}
