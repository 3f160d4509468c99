// The shared store: PostgreSQL through a pg.Pool, for many Cognate servers over one database (no in-process caches).
import pg from 'pg';
import type {
  AuthSessionRecord,
  ClientRecord,
  CodeRecord,
  DomainRecord,
  OutboxMessage,
  Page,
  PoolRecord,
  RefreshTokenRecord,
  SigningKeyRecord,
  UserRecord,
  GroupRecord,
} from '../records.ts';
import { decodeCursor, encodeCursor, InvalidCursorError, prefixUpperBound, type Store, type UserStore } from '../store.ts';
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
/** A users row selected with USER_ATTRIBUTES (its attribute rows as one JSON object). */
const userFromRow = (r: Row): UserRecord => ({
  poolId: r.pool_id,
  username: r.username,
  usernameKey: r.username_key,
  sub: r.sub,
  status: r.status,
  enabled: r.enabled === true,
  attributes: r.attributes,
  credentialsSealed: r.credentials_sealed ?? null,
  mfa: r.mfa,
  passwordSetAt: numOrNull(r.password_set_at),
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
  version: num(r.version),
});
const codeFromRow = (r: Row): CodeRecord => ({
  poolId: r.pool_id,
  username: r.username,
  purpose: r.purpose,
  codeHash: r.code_hash,
  createdAt: num(r.created_at),
  expiresAt: num(r.expires_at),
  attempts: num(r.attempts),
  data: r.data,
});
const sessionFromRow = (r: Row): AuthSessionRecord => ({
  originJti: r.origin_jti,
  poolId: r.pool_id,
  clientId: r.client_id,
  username: r.username,
  authTime: num(r.auth_time),
  createdAt: num(r.created_at),
  expiresAt: num(r.expires_at),
  revokedAt: numOrNull(r.revoked_at),
  deviceKey: r.device_key ?? null,
});
const refreshFromRow = (r: Row): RefreshTokenRecord => ({
  tokenHash: r.token_hash,
  originJti: r.origin_jti,
  createdAt: num(r.created_at),
  expiresAt: num(r.expires_at),
  supersededAt: numOrNull(r.superseded_at),
});
const groupFromRow = (r: Row): GroupRecord => ({
  poolId: r.pool_id,
  name: r.name,
  description: r.description ?? null,
  roleArn: r.role_arn ?? null,
  precedence: r.precedence ?? null,
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
});
const outboxFromRow = (r: Row): OutboxMessage => ({
  id: r.id,
  poolId: r.pool_id ?? null,
  channel: r.channel,
  to: r.to_address,
  subject: r.subject ?? null,
  body: r.body,
  sentAt: num(r.sent_at),
  delivery: r.delivery,
});

// A user's attribute rows folded into the same statement as the user row, so both come from one snapshot
// (a concurrent update cannot pair one version's row with another's attributes).
const USER_ATTRIBUTES = `(SELECT coalesce(jsonb_object_agg(x.name, x.value), '{}'::jsonb) FROM user_attributes x
  WHERE x.pool_id = u.pool_id AND x.username_key = u.username_key) AS attributes`;

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

/** Pages keyed by name alone (groups): the cursor is the last name, with createdAt 0, as the SQLite store makes it. */
function namePage<T extends { name: string }>(rows: T[], limit: number): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, next: encodeCursor(0, items[items.length - 1]!.name) };
}
function nameCursorArg(cursor: string | undefined): string {
  if (cursor === undefined) return '';
  const c = decodeCursor(cursor);
  if (!c || c[0] !== 0) throw new InvalidCursorError();
  return c[1];
}

type ListUsersOptions = Parameters<UserStore['list']>[1];

/** The PostgreSQL store, with the diagnostics the storage contract suite uses to check query plans. */
export interface PostgresStore extends Store {
  /** EXPLAIN of the statement users.list(poolId, opts) runs. */
  explainListUsers(poolId: string, opts: ListUsersOptions): Promise<string>;
  /** ANALYZE of the user and group tables, so that the planner decides with statistics. */
  analyze(): Promise<void>;
}

/** The first 512 characters, as PostgreSQL's left(value, 512) counts them (code points). */
const first512 = (s: string): string => (s.length <= 512 ? s : Array.from(s).slice(0, 512).join(''));

/**
 * The one statement of a users.list page (attributes included), or null when the filter can match no one.
 * - No filter, and '=' on status, enabled, username or sub: users in (created_at, username_key) order from the cursor
 *   on, through users_pool_created, users_pool_status, users_pool_enabled, the primary key or the sub key.
 * - '^=' on those: the prefix as a byte-wise range (every column is COLLATE "C") of the same indexes.
 * - An attribute: the value index (pool_id, name, left(value, 512), user_created_at) gives the page's keys, in order
 *   for '=' (a range of the index from the cursor on) and sorted for '^='; the whole value is compared after
 *   left(value, 512) (see migration 2); then the page's users by primary key.
 */
function listUsersQuery(poolId: string, opts: ListUsersOptions): { sql: string; params: unknown[] } | null {
  const [t, k] = cursorArgs(opts.cursor);
  const params: unknown[] = [poolId, t, k, opts.limit + 1];
  const p = (v: unknown) => `$${params.push(v)}`;
  const f = opts.filter;
  const users = (where: string) => ({
    sql: `SELECT u.*, ${USER_ATTRIBUTES} FROM users u
          WHERE u.pool_id = $1${where} AND (u.created_at, u.username_key) > ($2, $3)
          ORDER BY u.created_at, u.username_key LIMIT $4`,
    params,
  });
  const range = (column: string, prefix: string) => {
    const hi = prefixUpperBound(prefix);
    return `${column} >= ${p(prefix)}${hi === undefined ? '' : ` AND ${column} < ${p(hi)}`}`;
  };
  if (!f) return users('');
  const ci = f.caseInsensitive === true;
  switch (f.field) {
    case 'enabled': {
      const want = ci ? f.value.toLowerCase() : f.value;
      const flags = (
        [
          ['Enabled', true],
          ['Disabled', false],
        ] as const
      )
        .filter(([word]) => {
          const w = ci ? word.toLowerCase() : word;
          return f.op === '=' ? w === want : w.startsWith(want);
        })
        .map(([, flag]) => flag);
      if (flags.length === 0) return null;
      return users(flags.length === 2 ? '' : ` AND u.enabled = ${p(flags[0])}`);
    }
    case 'username':
    case 'sub':
    case 'status': {
      const column = { username: 'u.username_key', sub: 'u.sub', status: 'u.status' }[f.field];
      const value = !ci ? f.value : f.field === 'status' ? f.value.toUpperCase() : f.value.toLowerCase();
      if (f.op === '=') return users(` AND ${column} = ${p(value)}`);
      return users(` AND ${range(column, value)}`);
    }
    case 'attribute': {
      if (f.name === undefined) throw new Error("users.list: an 'attribute' filter needs a name");
      const column = ci ? 'a.value_ci' : 'a.value';
      const value = ci ? f.value.toLowerCase() : f.value;
      const match =
        f.op === '='
          ? `left(${column}, 512) = left(${p(value)}, 512) AND ${column} = $${params.length}`
          : `${range(`left(${column}, 512)`, first512(value))} AND ${range(column, value)}`;
      return {
        sql: `SELECT u.*, ${USER_ATTRIBUTES} FROM (
                SELECT a.username_key, a.user_created_at FROM user_attributes a
                WHERE a.pool_id = $1 AND a.name = ${p(f.name)} AND ${match}
                  AND a.user_created_at >= $2 AND (a.user_created_at > $2 OR a.username_key > $3)
                ORDER BY a.user_created_at, a.username_key LIMIT $4
              ) m JOIN users u ON u.pool_id = $1 AND u.username_key = m.username_key
              ORDER BY m.user_created_at, m.username_key`,
        params,
      };
    }
  }
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
 * Writes the user's attribute rows in one statement; value_ci folds as the SQLite store does (JavaScript's
 * toLowerCase). Each row carries the user's created_at, so value filters read pages in ListUsers order.
 */
/** Inserts a user and their attribute rows on `c`; false when the usernameKey or sub exists (nothing written). */
async function insertUser(c: Queryable, u: UserRecord): Promise<boolean> {
  // No conflict target: a clash on either (pool_id, username_key) or (pool_id, sub) means 'exists'.
  const r = await c.query(
    `INSERT INTO users (pool_id, username, username_key, sub, status, enabled, credentials_sealed, mfa, password_set_at,
                        created_at, updated_at, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
    [
      u.poolId,
      u.username,
      u.usernameKey,
      u.sub,
      u.status,
      u.enabled,
      u.credentialsSealed,
      json(u.mfa),
      u.passwordSetAt,
      u.createdAt,
      u.updatedAt,
      u.version,
    ],
  );
  if (r.rowCount !== 1) return false;
  await insertAttributes(c, u, u.createdAt);
  return true;
}

const IMPORT_BATCH = 1000;

/**
 * Inserts a batch of users with two statements (users, then the attributes of those inserted): rows whose
 * usernameKey or sub exists, in the table or earlier in the batch, are skipped. Returns how many were inserted.
 */
async function importBatch(c: Queryable, users: UserRecord[]): Promise<number> {
  if (users.length === 0) return 0;
  const col = <T>(f: (u: UserRecord) => T) => users.map(f);
  const r = await c.query(
    `INSERT INTO users (pool_id, username, username_key, sub, status, enabled, credentials_sealed, mfa, password_set_at,
                        created_at, updated_at, version)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::jsonb[],
                          $9::bigint[], $10::bigint[], $11::bigint[], $12::int[])
     ON CONFLICT DO NOTHING
     RETURNING pool_id, username_key, sub`,
    [
      col((u) => u.poolId),
      col((u) => u.username),
      col((u) => u.usernameKey),
      col((u) => u.sub),
      col((u) => u.status),
      col((u) => u.enabled),
      col((u) => u.credentialsSealed),
      col((u) => json(u.mfa)),
      col((u) => u.passwordSetAt),
      col((u) => u.createdAt),
      col((u) => u.updatedAt),
      col((u) => u.version),
    ],
  );
  // A row is identified by its key and its sub: of several batch rows sharing a key, only the inserted one matches.
  const inserted = new Set(r.rows.map((x: Row) => `${x.pool_id}\u0000${x.username_key}\u0000${x.sub}`));
  const seen = new Set<string>();
  const attrs: [string, string, string, string, string, number][] = [];
  for (const u of users) {
    const k = `${u.poolId}\u0000${u.usernameKey}\u0000${u.sub}`;
    if (!inserted.has(k) || seen.has(k)) continue;
    seen.add(k);
    for (const [name, value] of Object.entries(u.attributes)) attrs.push([u.poolId, u.usernameKey, name, value, value.toLowerCase(), u.createdAt]);
  }
  if (attrs.length)
    await c.query(
      `INSERT INTO user_attributes (pool_id, username_key, name, value, value_ci, user_created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])`,
      [0, 1, 2, 3, 4, 5].map((i) => attrs.map((a) => a[i])),
    );
  return r.rowCount ?? 0;
}

async function insertAttributes(db: Queryable, u: UserRecord, userCreatedAt: number): Promise<void> {
  const entries = Object.entries(u.attributes);
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO user_attributes (pool_id, username_key, name, value, value_ci, user_created_at)
     SELECT $1, $2, t.name, t.value, t.value_ci, $6 FROM unnest($3::text[], $4::text[], $5::text[]) AS t (name, value, value_ci)`,
    [u.poolId, u.usernameKey, entries.map(([n]) => n), entries.map(([, v]) => v), entries.map(([, v]) => v.toLowerCase()), userCreatedAt],
  );
}

async function insertRefresh(db: Queryable, t: RefreshTokenRecord): Promise<void> {
  await db.query('INSERT INTO refresh_tokens (token_hash, origin_jti, created_at, expires_at, superseded_at) VALUES ($1, $2, $3, $4, $5)', [
    t.tokenHash,
    t.originJti,
    t.createdAt,
    t.expiresAt,
    t.supersededAt,
  ]);
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

  const store: PostgresStore = {
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
    users: {
      create(u) {
        return tx(async (c) => ((await insertUser(c, u)) ? 'ok' : 'exists'));
      },
      importMany(users) {
        return tx(async (c) => {
          let n = 0;
          for (let i = 0; i < users.length; i += IMPORT_BATCH) n += await importBatch(c, users.slice(i, i + IMPORT_BATCH));
          return n;
        });
      },
      async get(poolId, usernameKey) {
        const r = await one(`SELECT u.*, ${USER_ATTRIBUTES} FROM users u WHERE u.pool_id = $1 AND u.username_key = $2`, [poolId, usernameKey]);
        return r ? userFromRow(r) : null;
      },
      async getBySub(poolId, sub) {
        const r = await one(`SELECT u.*, ${USER_ATTRIBUTES} FROM users u WHERE u.pool_id = $1 AND u.sub = $2`, [poolId, sub]);
        return r ? userFromRow(r) : null;
      },
      async findByAttribute(poolId, name, value, caseInsensitive) {
        // Each form reads its own index, on (pool_id, name, left(value|value_ci, 512)) (see migration 2 for why a
        // prefix), then compares the whole value; then users by key.
        const column = caseInsensitive ? 'value_ci' : 'value';
        const rows = await all(
          `SELECT u.*, ${USER_ATTRIBUTES} FROM user_attributes a
           JOIN users u ON u.pool_id = a.pool_id AND u.username_key = a.username_key
           WHERE a.pool_id = $1 AND a.name = $2 AND left(a.${column}, 512) = left($3, 512) AND a.${column} = $3
           ORDER BY u.created_at, u.username_key`,
          [poolId, name, caseInsensitive ? value.toLowerCase() : value],
        );
        return rows.map(userFromRow);
      },
      update(u) {
        return tx(async (c) => {
          // The username, its key, sub and createdAt identify the user and never change.
          const r = await c.query(
            `UPDATE users SET status = $1, enabled = $2, credentials_sealed = $3, mfa = $4::jsonb, password_set_at = $5,
                              updated_at = $6, version = $7
             WHERE pool_id = $8 AND username_key = $9 AND version = $10 RETURNING created_at`,
            [
              u.status,
              u.enabled,
              u.credentialsSealed,
              json(u.mfa),
              u.passwordSetAt,
              u.updatedAt,
              u.version,
              u.poolId,
              u.usernameKey,
              u.version - 1,
            ],
          );
          if (r.rowCount !== 1) return false;
          await c.query('DELETE FROM user_attributes WHERE pool_id = $1 AND username_key = $2', [u.poolId, u.usernameKey]);
          await insertAttributes(c, u, num(r.rows[0].created_at));
          return true;
        });
      },
      delete(poolId, key) {
        return tx(async (c) => {
          const { rows } = await c.query('DELETE FROM users WHERE pool_id = $1 AND username_key = $2 RETURNING username', [poolId, key]);
          if (rows.length === 0) return false;
          // Codes and sessions may name the user by username or by key (they differ only in case-insensitive pools,
          // where no other user can hold either), so both go. Refresh tokens follow their sessions; attributes their user.
          const names = [rows[0].username, key];
          await c.query('DELETE FROM codes WHERE pool_id = $1 AND username = ANY($2::text[])', [poolId, names]);
          await c.query('DELETE FROM auth_sessions WHERE pool_id = $1 AND username = ANY($2::text[])', [poolId, names]);
          return true;
        });
      },
      async count(poolId) {
        return num((await one('SELECT count(*) AS n FROM users WHERE pool_id = $1', [poolId]))!.n);
      },
      async list(poolId, opts) {
        const query = listUsersQuery(poolId, opts);
        if (!query) return { items: [] };
        return page((await all(query.sql, query.params)).map(userFromRow), opts.limit, (u) => u.usernameKey);
      },
    },
    groups: {
      create(g, maxGroups) {
        // Under the pool's groups lock, as clients.create: count-then-insert cannot overshoot across processes.
        return tx(async (c) => {
          await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, [`groups:${g.poolId}`]);
          const { rows: found } = await c.query('SELECT 1 FROM groups WHERE pool_id = $1 AND name = $2', [g.poolId, g.name]);
          if (found.length > 0) return 'exists' as const;
          const { rows } = await c.query('SELECT count(*) AS n FROM groups WHERE pool_id = $1', [g.poolId]);
          if (num(rows[0].n) >= maxGroups) return 'limit' as const;
          await c.query(
            `INSERT INTO groups (pool_id, name, description, role_arn, precedence, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            [g.poolId, g.name, g.description, g.roleArn, g.precedence, g.createdAt, g.updatedAt],
          );
          return 'ok' as const;
        });
      },
      async get(poolId, name) {
        const r = await one('SELECT * FROM groups WHERE pool_id = $1 AND name = $2', [poolId, name]);
        return r ? groupFromRow(r) : null;
      },
      async list(poolId, limit, cursor) {
        const after = nameCursorArg(cursor);
        const rows = await all('SELECT * FROM groups WHERE pool_id = $1 AND name > $2 ORDER BY name LIMIT $3', [poolId, after, limit + 1]);
        return namePage(rows.map(groupFromRow), limit);
      },
      update(g) {
        return changed('UPDATE groups SET description = $1, role_arn = $2, precedence = $3, updated_at = $4 WHERE pool_id = $5 AND name = $6', [
          g.description,
          g.roleArn,
          g.precedence,
          g.updatedAt,
          g.poolId,
          g.name,
        ]);
      },
      delete(poolId, name) {
        // Memberships follow by their foreign key.
        return changed('DELETE FROM groups WHERE pool_id = $1 AND name = $2', [poolId, name]);
      },
      addMember(poolId, name, usernameKey, maxGroupsPerUser) {
        // Under the user's membership lock: two additions of one user cannot both pass the count.
        return tx(async (c) => {
          await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, [`group-members:${poolId}:${usernameKey}`]);
          const { rows: found } = await c.query(
            'SELECT 1 FROM group_members WHERE pool_id = $1 AND group_name = $2 AND username_key = $3',
            [poolId, name, usernameKey],
          );
          if (found.length > 0) return 'ok' as const;
          const { rows } = await c.query('SELECT count(*) AS n FROM group_members WHERE pool_id = $1 AND username_key = $2', [
            poolId,
            usernameKey,
          ]);
          if (num(rows[0].n) >= maxGroupsPerUser) return 'limit' as const;
          // The member row carries the user's created_at, which orders ListUsersInGroup. A missing user leaves it NULL
          // and a missing group fails its foreign key: either way the insert throws and nothing is stored.
          await c.query(
            `INSERT INTO group_members (pool_id, group_name, username_key, user_created_at)
             VALUES ($1, $2, $3, (SELECT created_at FROM users WHERE pool_id = $1 AND username_key = $3))`,
            [poolId, name, usernameKey],
          );
          return 'ok' as const;
        });
      },
      removeMember(poolId, name, usernameKey) {
        return changed('DELETE FROM group_members WHERE pool_id = $1 AND group_name = $2 AND username_key = $3', [poolId, name, usernameKey]);
      },
      async listForUser(poolId, usernameKey, limit, cursor) {
        const after = nameCursorArg(cursor);
        const rows = await all(
          `SELECT g.* FROM group_members m JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name
           WHERE m.pool_id = $1 AND m.username_key = $2 AND m.group_name > $3 ORDER BY m.group_name LIMIT $4`,
          [poolId, usernameKey, after, limit + 1],
        );
        return namePage(rows.map(groupFromRow), limit);
      },
      async allForUser(poolId, usernameKey) {
        const rows = await all(
          `SELECT g.* FROM group_members m JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name
           WHERE m.pool_id = $1 AND m.username_key = $2 ORDER BY m.group_name`,
          [poolId, usernameKey],
        );
        return rows.map(groupFromRow);
      },
      async listMembers(poolId, name, limit, cursor) {
        const [t, k] = cursorArgs(cursor);
        const rows = await all(
          `SELECT u.*, ${USER_ATTRIBUTES} FROM group_members m
           JOIN users u ON u.pool_id = m.pool_id AND u.username_key = m.username_key
           WHERE m.pool_id = $1 AND m.group_name = $2 AND (m.user_created_at, m.username_key) > ($3, $4)
           ORDER BY m.user_created_at, m.username_key LIMIT $5`,
          [poolId, name, t, k, limit + 1],
        );
        return page(rows.map(userFromRow), limit, (u) => u.usernameKey);
      },
    },
    codes: {
      async put(cd) {
        await pool.query(
          `INSERT INTO codes (pool_id, username, purpose, code_hash, created_at, expires_at, attempts, data)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
           ON CONFLICT (pool_id, username, purpose) DO UPDATE SET code_hash = excluded.code_hash, created_at = excluded.created_at,
             expires_at = excluded.expires_at, attempts = excluded.attempts, data = excluded.data`,
          [cd.poolId, cd.username, cd.purpose, cd.codeHash, cd.createdAt, cd.expiresAt, cd.attempts, json(cd.data)],
        );
      },
      async get(poolId, username, purpose) {
        const r = await one('SELECT * FROM codes WHERE pool_id = $1 AND username = $2 AND purpose = $3', [poolId, username, purpose]);
        return r ? codeFromRow(r) : null;
      },
      async addAttempt(poolId, username, purpose) {
        // One statement: the row lock orders concurrent attempts, each sees its own count. No code, nothing to count: 0.
        const r = await one(
          'UPDATE codes SET attempts = attempts + 1 WHERE pool_id = $1 AND username = $2 AND purpose = $3 RETURNING attempts',
          [poolId, username, purpose],
        );
        return r ? num(r.attempts) : 0;
      },
      delete(poolId, username, purpose) {
        return changed('DELETE FROM codes WHERE pool_id = $1 AND username = $2 AND purpose = $3', [poolId, username, purpose]);
      },
    },
    sessions: {
      async create(se, refresh) {
        await tx(async (c) => {
          await c.query(
            `INSERT INTO auth_sessions (origin_jti, pool_id, client_id, username, auth_time, created_at, expires_at, revoked_at, device_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            [se.originJti, se.poolId, se.clientId, se.username, se.authTime, se.createdAt, se.expiresAt, se.revokedAt, se.deviceKey],
          );
          await insertRefresh(c, refresh);
        });
      },
      async get(originJti) {
        const r = await one('SELECT * FROM auth_sessions WHERE origin_jti = $1', [originJti]);
        return r ? sessionFromRow(r) : null;
      },
      async getRefreshToken(tokenHash) {
        const r = await one('SELECT * FROM refresh_tokens WHERE token_hash = $1', [tokenHash]);
        return r ? refreshFromRow(r) : null;
      },
      rotateRefreshToken(oldHash, next, now) {
        return tx(async (c) => {
          // Conditional on not yet superseded. A racing rotation waits on the row lock, then re-reads the row and
          // finds it superseded: of two rotations of one token, only the first adds a successor.
          const r = await c.query('UPDATE refresh_tokens SET superseded_at = $1 WHERE token_hash = $2 AND superseded_at IS NULL', [
            now,
            oldHash,
          ]);
          if (r.rowCount !== 1) return false;
          await insertRefresh(c, next);
          return true;
        });
      },
      revoke(originJti, now) {
        // A session revoked twice keeps the first time.
        return changed('UPDATE auth_sessions SET revoked_at = coalesce(revoked_at, $1) WHERE origin_jti = $2', [now, originJti]);
      },
      async revokeAllForUser(poolId, username, now) {
        const r = await pool.query(
          'UPDATE auth_sessions SET revoked_at = $1 WHERE pool_id = $2 AND username = $3 AND revoked_at IS NULL AND expires_at > $1',
          [now, poolId, username],
        );
        return r.rowCount ?? 0;
      },
      purgeExpired(before) {
        return tx(async (c) => {
          // Tokens first and counted explicitly, those of expiring sessions included, as the SQLite store counts them.
          const tokens = await c.query(
            `DELETE FROM refresh_tokens
             WHERE expires_at < $1 OR origin_jti IN (SELECT origin_jti FROM auth_sessions WHERE expires_at < $1)`,
            [before],
          );
          const sessions = await c.query('DELETE FROM auth_sessions WHERE expires_at < $1', [before]);
          return (tokens.rowCount ?? 0) + (sessions.rowCount ?? 0);
        });
      },
    },
    counters: {
      async hit(key, windowMs, now) {
        // One upsert: atomic across every server (ON CONFLICT takes the row lock). SET expressions read the old row.
        const r = await one(
          `INSERT INTO counters (key, count, window_start, window_ms) VALUES ($1, 1, $2::bigint, $3::bigint)
           ON CONFLICT (key) DO UPDATE SET
             count = CASE WHEN counters.window_start + counters.window_ms <= $2::bigint THEN 1 ELSE counters.count + 1 END,
             window_start = CASE WHEN counters.window_start + counters.window_ms <= $2::bigint THEN $2::bigint ELSE counters.window_start END,
             window_ms = CASE WHEN counters.window_start + counters.window_ms <= $2::bigint THEN $3::bigint ELSE counters.window_ms END
           RETURNING count`,
          [key, now, windowMs],
        );
        return num(r!.count);
      },
      async peek(key, now) {
        const r = await one('SELECT count FROM counters WHERE key = $1 AND window_start + window_ms > $2', [key, now]);
        return r ? num(r.count) : 0;
      },
      async reset(key) {
        await pool.query('DELETE FROM counters WHERE key = $1', [key]);
      },
      async getLockout(key) {
        const r = await one('SELECT failures, locked_until FROM lockouts WHERE key = $1', [key]);
        return r ? { failures: num(r.failures), lockedUntil: num(r.locked_until) } : null;
      },
      async setLockout(key, failures, lockedUntil) {
        await pool.query(
          `INSERT INTO lockouts (key, failures, locked_until) VALUES ($1, $2, $3)
           ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
          [key, failures, lockedUntil],
        );
      },
      async clearLockout(key) {
        await pool.query('DELETE FROM lockouts WHERE key = $1', [key]);
      },
      async addFailure(key, now) {
        const r = await one(
          `INSERT INTO lockouts (key, failures, locked_until, last_failure_at) VALUES ($1, 1, 0, $2)
           ON CONFLICT (key) DO UPDATE SET failures = lockouts.failures + 1, last_failure_at = excluded.last_failure_at
           RETURNING failures`,
          [key, now],
        );
        return num(r!.failures);
      },
      async extendLockout(key, lockedUntil) {
        await pool.query('UPDATE lockouts SET locked_until = GREATEST(locked_until, $1) WHERE key = $2', [lockedUntil, key]);
      },
      async purgeExpired(now, idleBefore) {
        const c = await pool.query('DELETE FROM counters WHERE window_start + window_ms <= $1', [now]);
        const l = await pool.query('DELETE FROM lockouts WHERE last_failure_at < $1 AND locked_until <= $2', [idleBefore, now]);
        return (c.rowCount ?? 0) + (l.rowCount ?? 0);
      },
    },
    outbox: {
      async add(m) {
        await pool.query(
          `INSERT INTO outbox (id, pool_id, channel, to_address, subject, body, sent_at, delivery) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [m.id, m.poolId, m.channel, m.to, m.subject, m.body, m.sentAt, m.delivery],
        );
      },
      async list(to, limit) {
        const rows =
          to === undefined
            ? await all('SELECT * FROM outbox ORDER BY sent_at DESC, seq DESC LIMIT $1', [limit])
            : await all('SELECT * FROM outbox WHERE to_address = $1 ORDER BY sent_at DESC, seq DESC LIMIT $2', [to, limit]);
        return rows.map(outboxFromRow);
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
    async explainListUsers(poolId, opts) {
      const query = listUsersQuery(poolId, opts);
      if (!query) return 'no statement: the filter matches no one';
      return (await all(`EXPLAIN ${query.sql}`, query.params)).map((r) => r['QUERY PLAN'] as string).join('\n');
    },
    async analyze() {
      await pool.query('ANALYZE users, user_attributes, groups, group_members');
    },
  };
  return store;
}
