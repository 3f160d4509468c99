// The embedded store: better-sqlite3 in WAL mode, where an acknowledged write survives SIGKILL of the process.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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
import { decodeCursor, encodeCursor, InvalidCursorError, prefixUpperBound, type Store, type UserFilter } from '../store.ts';
import { migrations } from './migrations.ts';

type Row = Record<string, any>;

const poolFromRow = (r: Row): PoolRecord => ({
  id: r.id,
  name: r.name,
  arn: r.arn,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
  settings: JSON.parse(r.settings),
  tags: JSON.parse(r.tags),
});
const clientFromRow = (r: Row): ClientRecord => ({
  id: r.id,
  poolId: r.pool_id,
  name: r.name,
  secrets: JSON.parse(r.secrets),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
  settings: JSON.parse(r.settings),
});
const domainFromRow = (r: Row): DomainRecord => ({
  domain: r.domain,
  poolId: r.pool_id,
  custom: !!r.custom,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  settings: JSON.parse(r.settings),
});
const keyFromRow = (r: Row): SigningKeyRecord => ({
  kid: r.kid,
  poolId: r.pool_id,
  use: r.use,
  alg: r.alg,
  publicJwk: JSON.parse(r.public_jwk),
  privateSealed: r.private_sealed,
  certificate: r.certificate ?? null,
  createdAt: r.created_at,
  retiresAt: r.retires_at ?? null,
});
const userFromRow = (r: Row, attributes: Record<string, string>): UserRecord => ({
  poolId: r.pool_id,
  username: r.username,
  usernameKey: r.username_key,
  sub: r.sub,
  status: r.status,
  enabled: !!r.enabled,
  attributes,
  credentialsSealed: r.credentials_sealed ?? null,
  mfa: JSON.parse(r.mfa),
  passwordSetAt: r.password_set_at ?? null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});
const codeFromRow = (r: Row): CodeRecord => ({
  poolId: r.pool_id,
  username: r.username,
  purpose: r.purpose,
  codeHash: r.code_hash,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  attempts: r.attempts,
  data: JSON.parse(r.data),
});
const sessionFromRow = (r: Row): AuthSessionRecord => ({
  originJti: r.origin_jti,
  poolId: r.pool_id,
  clientId: r.client_id,
  username: r.username,
  authTime: r.auth_time,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at ?? null,
  deviceKey: r.device_key ?? null,
});
const refreshFromRow = (r: Row): RefreshTokenRecord => ({
  tokenHash: r.token_hash,
  originJti: r.origin_jti,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  supersededAt: r.superseded_at ?? null,
});
const groupFromRow = (r: Row): GroupRecord => ({
  poolId: r.pool_id,
  name: r.name,
  description: r.description ?? null,
  roleArn: r.role_arn ?? null,
  precedence: r.precedence ?? null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
const outboxFromRow = (r: Row): OutboxMessage => ({
  id: r.id,
  poolId: r.pool_id ?? null,
  channel: r.channel,
  to: r.to_address,
  subject: r.subject ?? null,
  body: r.body,
  sentAt: r.sent_at,
  delivery: r.delivery,
});

function page<T extends { createdAt: number }>(rows: T[], limit: number, idOf: (t: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1]!;
  return { items, next: encodeCursor(last.createdAt, idOf(last)) };
}

function cursorArgs(cursor: string | undefined): [number, string] {
  if (cursor === undefined) return [-1, ''];
  const c = decodeCursor(cursor);
  if (!c) throw new InvalidCursorError();
  return c;
}

/** Pages keyed by name alone (groups): the cursor is the last name, with createdAt 0. */
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

export interface ListUsersOptions {
  filter?: UserFilter;
  limit: number;
  cursor?: string;
}

/** The SQLite store, with the diagnostics the storage contract suite uses to check query plans. */
export interface SqliteStore extends Store {
  /** EXPLAIN QUERY PLAN of the statements users.list(poolId, opts) runs, one plan line per row. */
  explainListUsers(poolId: string, opts: ListUsersOptions): Promise<string>;
  /** Runs ANALYZE, so that the planner decides with statistics as a long-lived database would. */
  analyze(): Promise<void>;
}

/** `lo <= column < hi` for a prefix (no upper bound when the prefix has no successor). */
function prefixRange(column: string, prefix: string): { sql: string; params: string[] } {
  const hi = prefixUpperBound(prefix);
  return hi === undefined ? { sql: `${column} >= ?`, params: [prefix] } : { sql: `${column} >= ? AND ${column} < ?`, params: [prefix, hi] };
}

/**
 * The one statement of a users.list page, or null when the filter can match no one. Every form reads an index range
 * named by INDEXED BY, so that statistics (ANALYZE) cannot turn it into a walk of the whole pool:
 * - no filter, and '=' on status, enabled, username or sub: an index ending in (created_at, username_key), read from
 *   the cursor on for limit + 1 rows;
 * - '=' on an attribute: likewise (the value index ends in the user's created_at and key);
 * - '^=': the index range of the prefix, whose keys are sorted and cut to the page, then the page's users by primary
 *   key.
 */
function listUsersQuery(poolId: string, opts: ListUsersOptions): { sql: string; params: unknown[] } | null {
  const [t, k] = cursorArgs(opts.cursor);
  const n = opts.limit + 1;
  const f = opts.filter;
  const ordered = (index: string, where: string, params: unknown[]) => ({
    sql: `SELECT * FROM users INDEXED BY ${index} WHERE pool_id = ?${where} AND (created_at, username_key) > (?, ?)
          ORDER BY created_at, username_key LIMIT ?`,
    params: [poolId, ...params, t, k, n],
  });
  const keyed = (inner: string, params: unknown[]) => ({
    sql: `SELECT users.* FROM (${inner}) AS page CROSS JOIN users ON users.pool_id = ? AND users.username_key = page.username_key
          ORDER BY page.created_at, page.username_key`,
    params: [...params, poolId],
  });
  if (!f) return ordered('users_pool_created', '', []);
  const ci = f.caseInsensitive === true;
  switch (f.field) {
    case 'enabled': {
      const want = ci ? f.value.toLowerCase() : f.value;
      const flags = (
        [
          ['Enabled', 1],
          ['Disabled', 0],
        ] as const
      )
        .filter(([word]) => {
          const w = ci ? word.toLowerCase() : word;
          return f.op === '=' ? w === want : w.startsWith(want);
        })
        .map(([, flag]) => flag);
      if (flags.length === 0) return null;
      if (flags.length === 2) return ordered('users_pool_created', '', []);
      return ordered('users_pool_enabled', ' AND enabled = ?', [flags[0]]);
    }
    case 'username':
    case 'sub':
    case 'status': {
      // The primary key and UNIQUE (pool_id, sub) of migration 2 are SQLite's automatic indexes _1 and _2 of users.
      const [column, index] = (
        {
          username: ['username_key', 'sqlite_autoindex_users_1'],
          sub: ['sub', 'sqlite_autoindex_users_2'],
          status: ['status', 'users_pool_status'],
        } as const
      )[f.field];
      const value = !ci ? f.value : f.field === 'status' ? f.value.toUpperCase() : f.value.toLowerCase();
      if (f.op === '=') return ordered(index, ` AND ${column} = ?`, [value]);
      // Every user has a username, a sub and a status: the empty prefix is no filter.
      if (value === '') return ordered('users_pool_created', '', []);
      const range = prefixRange(column, value);
      return keyed(
        `SELECT username_key, created_at FROM users INDEXED BY ${index}
         WHERE pool_id = ? AND ${range.sql} AND (created_at, username_key) > (?, ?) ORDER BY created_at, username_key LIMIT ?`,
        [poolId, ...range.params, t, k, n],
      );
    }
    case 'attribute': {
      if (f.name === undefined) throw new Error("users.list: an 'attribute' filter needs a name");
      const [column, index] = ci ? ['value_ci', 'user_attributes_value_ci'] : ['value', 'user_attributes_value'];
      const value = ci ? f.value.toLowerCase() : f.value;
      const range = f.op === '=' ? { sql: `${column} = ?`, params: [value] } : prefixRange(column, value);
      return keyed(
        `SELECT username_key, user_created_at AS created_at FROM user_attributes INDEXED BY ${index}
         WHERE pool_id = ? AND name = ? AND ${range.sql} AND (user_created_at, username_key) > (?, ?)
         ORDER BY user_created_at, username_key LIMIT ?`,
        [poolId, f.name, ...range.params, t, k, n],
      );
    }
  }
}

/** The attribute rows of a page of users (their keys as a JSON array): one statement per page, by primary key. */
const ATTRIBUTES_OF_PAGE = `SELECT username_key, name, value FROM user_attributes
  WHERE pool_id = ? AND username_key IN (SELECT value FROM json_each(?)) ORDER BY username_key, name`;

/** Opens (creating if needed) the SQLite store at `path` (':memory:' for tests). Run migrate() before use. */
export function openSqliteStore(path: string): SqliteStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: every commit is synced before it is acknowledged, so it survives SIGKILL and power loss alike. Bulk
  // writes go through importMany (one transaction, one sync) rather than a loop of single commits.
  db.pragma('synchronous = FULL');
  // A checkpoint (which syncs) every ~40 MB of WAL rather than every 4 MB: one user write touches some twenty pages.
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');

  // Statements are prepared on first use, so that migrate() has created the tables by then.
  const stmts = new Map<string, Database.Statement>();
  const q = (sql: string) => {
    let s = stmts.get(sql);
    if (!s) {
      s = db.prepare(sql);
      stmts.set(sql, s);
    }
    return s;
  };

  const insertKeys = (keys: SigningKeyRecord[]) => {
    for (const k of keys)
      q(
        `INSERT INTO signing_keys (kid, pool_id, use, alg, public_jwk, private_sealed, certificate, created_at, retires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(k.kid, k.poolId, k.use, k.alg, JSON.stringify(k.publicJwk), k.privateSealed, k.certificate, k.createdAt, k.retiresAt);
  };

  const createPool = db.transaction((p: PoolRecord, keys: SigningKeyRecord[], max: number) => {
    const { n } = q('SELECT count(*) AS n FROM pools').get() as Row;
    if (n >= max) return 'limit' as const;
    q(
      `INSERT INTO pools (id, name, arn, created_at, updated_at, version, settings, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(p.id, p.name, p.arn, p.createdAt, p.updatedAt, p.version, JSON.stringify(p.settings), JSON.stringify(p.tags));
    insertKeys(keys);
    return 'ok' as const;
  });

  const createClient = db.transaction((c: ClientRecord, max: number) => {
    const { n } = q('SELECT count(*) AS n FROM clients WHERE pool_id = ?').get(c.poolId) as Row;
    if (n >= max) return 'limit' as const;
    q(
      `INSERT INTO clients (id, pool_id, name, secrets, created_at, updated_at, version, settings) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(c.id, c.poolId, c.name, JSON.stringify(c.secrets), c.createdAt, c.updatedAt, c.version, JSON.stringify(c.settings));
    return 'ok' as const;
  });

  const rotate = db.transaction((poolId: string, added: SigningKeyRecord[], retiresAt: number) => {
    const uses = [...new Set(added.map((k) => k.use))];
    for (const use of uses)
      q('UPDATE signing_keys SET retires_at = ? WHERE pool_id = ? AND use = ? AND retires_at IS NULL').run(retiresAt, poolId, use);
    insertKeys(added);
  });

  // Users: one row in users plus one row per attribute, read back together.
  // Each row carries the user's created_at (which never changes), so value filters read pages in ListUsers order.
  const insertAttributes = (u: UserRecord, userCreatedAt: number) => {
    const insert = q('INSERT INTO user_attributes (pool_id, username_key, name, value, value_ci, user_created_at) VALUES (?, ?, ?, ?, ?, ?)');
    for (const [name, value] of Object.entries(u.attributes)) insert.run(u.poolId, u.usernameKey, name, value, value.toLowerCase(), userCreatedAt);
  };
  /** Whole records for user rows of one pool, with their attributes in one indexed query. */
  const withAttributes = (poolId: string, rows: Row[]): UserRecord[] => {
    if (rows.length === 0) return [];
    const attrs = q(ATTRIBUTES_OF_PAGE).all(poolId, JSON.stringify(rows.map((r) => r.username_key))) as Row[];
    const byKey = new Map<string, [string, string][]>();
    for (const a of attrs) {
      let list = byKey.get(a.username_key);
      if (!list) byKey.set(a.username_key, (list = []));
      list.push([a.name, a.value]);
    }
    // fromEntries defines own properties, so no attribute name can reach the prototype.
    return rows.map((r) => userFromRow(r, Object.fromEntries(byKey.get(r.username_key) ?? [])));
  };

  const importUsers = db.transaction((users: UserRecord[]) => {
    let n = 0;
    for (const u of users) if (createUser(u) === 'ok') n++;
    return n;
  });

  const createUser = db.transaction((u: UserRecord) => {
    // No conflict target: a clash on either (pool_id, username_key) or (pool_id, sub) means 'exists'.
    const r = q(
      `INSERT INTO users (pool_id, username, username_key, sub, status, enabled, credentials_sealed, mfa, password_set_at,
                          created_at, updated_at, version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ).run(
      u.poolId,
      u.username,
      u.usernameKey,
      u.sub,
      u.status,
      u.enabled ? 1 : 0,
      u.credentialsSealed,
      JSON.stringify(u.mfa),
      u.passwordSetAt,
      u.createdAt,
      u.updatedAt,
      u.version,
    );
    if (r.changes !== 1) return 'exists' as const;
    insertAttributes(u, u.createdAt);
    return 'ok' as const;
  });

  const updateUser = db.transaction((u: UserRecord) => {
    // The username, its key, sub and createdAt identify the user and never change.
    const r = q(
      `UPDATE users SET status = ?, enabled = ?, credentials_sealed = ?, mfa = ?, password_set_at = ?, updated_at = ?, version = ?
       WHERE pool_id = ? AND username_key = ? AND version = ? RETURNING created_at`,
    ).get(
      u.status,
      u.enabled ? 1 : 0,
      u.credentialsSealed,
      JSON.stringify(u.mfa),
      u.passwordSetAt,
      u.updatedAt,
      u.version,
      u.poolId,
      u.usernameKey,
      u.version - 1,
    ) as Row | undefined;
    if (!r) return false;
    q('DELETE FROM user_attributes WHERE pool_id = ? AND username_key = ?').run(u.poolId, u.usernameKey);
    insertAttributes(u, r.created_at);
    return true;
  });

  const deleteUser = db.transaction((poolId: string, key: string) => {
    const u = q('SELECT username FROM users WHERE pool_id = ? AND username_key = ?').get(poolId, key) as Row | undefined;
    if (!u) return false;
    // Codes and sessions may name the user by username or by key (they differ only in case-insensitive pools, where
    // no other user can hold either), so both go. Refresh tokens follow their sessions; attributes their user.
    q('DELETE FROM codes WHERE pool_id = ? AND username IN (?, ?)').run(poolId, u.username, key);
    q('DELETE FROM auth_sessions WHERE pool_id = ? AND username IN (?, ?)').run(poolId, u.username, key);
    q('DELETE FROM users WHERE pool_id = ? AND username_key = ?').run(poolId, key);
    return true;
  });

  // Groups. The counted creates run as IMMEDIATE transactions: the write lock is taken before counting, so another
  // process on the file waits for it (busy_timeout) rather than counting the same rows; a DEFERRED transaction would
  // count first and then fail with SQLITE_BUSY_SNAPSHOT when it tried to write.
  const createGroup = db.transaction((g: GroupRecord, max: number) => {
    if (q('SELECT 1 FROM groups WHERE pool_id = ? AND name = ?').get(g.poolId, g.name)) return 'exists' as const;
    const { n } = q('SELECT count(*) AS n FROM groups WHERE pool_id = ?').get(g.poolId) as Row;
    if (n >= max) return 'limit' as const;
    q(
      'INSERT INTO groups (pool_id, name, description, role_arn, precedence, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(g.poolId, g.name, g.description, g.roleArn, g.precedence, g.createdAt, g.updatedAt);
    return 'ok' as const;
  });
  const addMember = db.transaction((poolId: string, name: string, key: string, max: number) => {
    if (q('SELECT 1 FROM group_members WHERE pool_id = ? AND group_name = ? AND username_key = ?').get(poolId, name, key)) return 'ok' as const;
    const { n } = q('SELECT count(*) AS n FROM group_members WHERE pool_id = ? AND username_key = ?').get(poolId, key) as Row;
    if (n >= max) return 'limit' as const;
    // The member row carries the user's created_at, which orders ListUsersInGroup. A missing user leaves it NULL and a
    // missing group fails its foreign key: either way the insert throws and nothing is stored.
    q(
      `INSERT INTO group_members (pool_id, group_name, username_key, user_created_at)
       VALUES (?, ?, ?, (SELECT created_at FROM users WHERE pool_id = ? AND username_key = ?))`,
    ).run(poolId, name, key, poolId, key);
    return 'ok' as const;
  });

  const insertRefresh = (t: RefreshTokenRecord) => {
    q('INSERT INTO refresh_tokens (token_hash, origin_jti, created_at, expires_at, superseded_at) VALUES (?, ?, ?, ?, ?)').run(
      t.tokenHash,
      t.originJti,
      t.createdAt,
      t.expiresAt,
      t.supersededAt,
    );
  };
  const createSession = db.transaction((s: AuthSessionRecord, t: RefreshTokenRecord) => {
    q(
      `INSERT INTO auth_sessions (origin_jti, pool_id, client_id, username, auth_time, created_at, expires_at, revoked_at, device_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(s.originJti, s.poolId, s.clientId, s.username, s.authTime, s.createdAt, s.expiresAt, s.revokedAt, s.deviceKey);
    insertRefresh(t);
  });
  const rotateRefresh = db.transaction((oldHash: string, next: RefreshTokenRecord, now: number) => {
    // Conditional on not yet superseded: of two rotations of one token, only the first adds a successor.
    const r = q('UPDATE refresh_tokens SET superseded_at = ? WHERE token_hash = ? AND superseded_at IS NULL').run(now, oldHash);
    if (r.changes !== 1) return false;
    insertRefresh(next);
    return true;
  });
  const purgeExpired = db.transaction((before: number) => {
    // Counted explicitly, tokens of expiring sessions included: SQLite's changes() leaves out cascaded rows.
    const tokens = q(
      `DELETE FROM refresh_tokens
       WHERE expires_at < ? OR origin_jti IN (SELECT origin_jti FROM auth_sessions WHERE expires_at < ?)`,
    ).run(before, before).changes;
    const sessions = q('DELETE FROM auth_sessions WHERE expires_at < ?').run(before).changes;
    return tokens + sessions;
  });

  const store: SqliteStore = {
    kind: 'sqlite',
    pools: {
      async create(pool, keys, maxPools) {
        return createPool(pool, keys, maxPools);
      },
      async get(id) {
        const r = q('SELECT * FROM pools WHERE id = ?').get(id) as Row | undefined;
        return r ? poolFromRow(r) : null;
      },
      async list(limit, cursor) {
        const [t, id] = cursorArgs(cursor);
        const rows = q(
          'SELECT * FROM pools WHERE (created_at > ? OR (created_at = ? AND id > ?)) ORDER BY created_at, id LIMIT ?',
        ).all(t, t, id, limit + 1) as Row[];
        return page(rows.map(poolFromRow), limit, (p) => p.id);
      },
      async update(p) {
        const r = q(
          'UPDATE pools SET name = ?, updated_at = ?, version = ?, settings = ?, tags = ? WHERE id = ? AND version = ?',
        ).run(p.name, p.updatedAt, p.version, JSON.stringify(p.settings), JSON.stringify(p.tags), p.id, p.version - 1);
        return r.changes === 1;
      },
      async delete(id) {
        return q('DELETE FROM pools WHERE id = ?').run(id).changes === 1;
      },
      async count() {
        return (q('SELECT count(*) AS n FROM pools').get() as Row).n;
      },
    },
    clients: {
      async create(client, maxClients) {
        return createClient(client, maxClients);
      },
      async get(clientId) {
        const r = q('SELECT * FROM clients WHERE id = ?').get(clientId) as Row | undefined;
        return r ? clientFromRow(r) : null;
      },
      async list(poolId, limit, cursor) {
        const [t, id] = cursorArgs(cursor);
        const rows = q(
          'SELECT * FROM clients WHERE pool_id = ? AND (created_at > ? OR (created_at = ? AND id > ?)) ORDER BY created_at, id LIMIT ?',
        ).all(poolId, t, t, id, limit + 1) as Row[];
        return page(rows.map(clientFromRow), limit, (c) => c.id);
      },
      async update(c) {
        const r = q(
          'UPDATE clients SET name = ?, secrets = ?, updated_at = ?, version = ?, settings = ? WHERE id = ? AND pool_id = ? AND version = ?',
        ).run(c.name, JSON.stringify(c.secrets), c.updatedAt, c.version, JSON.stringify(c.settings), c.id, c.poolId, c.version - 1);
        return r.changes === 1;
      },
      async delete(poolId, clientId) {
        return q('DELETE FROM clients WHERE id = ? AND pool_id = ?').run(clientId, poolId).changes === 1;
      },
    },
    domains: {
      async create(d) {
        const r = q(
          'INSERT INTO domains (domain, pool_id, custom, created_at, updated_at, settings) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (domain) DO NOTHING',
        ).run(d.domain, d.poolId, d.custom ? 1 : 0, d.createdAt, d.updatedAt, JSON.stringify(d.settings));
        return r.changes === 1 ? 'ok' : 'exists';
      },
      async get(domain) {
        const r = q('SELECT * FROM domains WHERE domain = ?').get(domain) as Row | undefined;
        return r ? domainFromRow(r) : null;
      },
      async listForPool(poolId) {
        return (q('SELECT * FROM domains WHERE pool_id = ? ORDER BY created_at, domain').all(poolId) as Row[]).map(domainFromRow);
      },
      async update(d) {
        return (
          q('UPDATE domains SET updated_at = ?, settings = ? WHERE domain = ? AND pool_id = ?').run(
            d.updatedAt,
            JSON.stringify(d.settings),
            d.domain,
            d.poolId,
          ).changes === 1
        );
      },
      async delete(domain) {
        return q('DELETE FROM domains WHERE domain = ?').run(domain).changes === 1;
      },
    },
    keys: {
      async listForPool(poolId) {
        return (q('SELECT * FROM signing_keys WHERE pool_id = ? ORDER BY created_at DESC, kid').all(poolId) as Row[]).map(keyFromRow);
      },
      async rotate(poolId, added, retiresAt) {
        rotate(poolId, added, retiresAt);
      },
      async add(keys) {
        db.transaction(() => insertKeys(keys))();
      },
    },
    meta: {
      async get(key) {
        const r = q('SELECT value FROM meta WHERE key = ?').get(key) as Row | undefined;
        return r ? r.value : null;
      },
      async setIfAbsent(key, value) {
        q('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, value);
        return (q('SELECT value FROM meta WHERE key = ?').get(key) as Row).value;
      },
    },
    users: {
      async create(user) {
        return createUser(user);
      },
      async importMany(users) {
        return importUsers(users);
      },
      async get(poolId, usernameKey) {
        const r = q('SELECT * FROM users WHERE pool_id = ? AND username_key = ?').get(poolId, usernameKey) as Row | undefined;
        return r ? withAttributes(poolId, [r])[0]! : null;
      },
      async getBySub(poolId, sub) {
        const r = q('SELECT * FROM users WHERE pool_id = ? AND sub = ?').get(poolId, sub) as Row | undefined;
        return r ? withAttributes(poolId, [r])[0]! : null;
      },
      async findByAttribute(poolId, name, value, caseInsensitive) {
        // Each form reads its own index, (pool_id, name, value) or (pool_id, name, value_ci), then users by key.
        // CROSS JOIN pins that order: left to itself, SQLite walks the pool's users in created_at order instead.
        const rows = (
          caseInsensitive
            ? q(
                `SELECT u.* FROM user_attributes a CROSS JOIN users u ON u.pool_id = a.pool_id AND u.username_key = a.username_key
                 WHERE a.pool_id = ? AND a.name = ? AND a.value_ci = ? ORDER BY u.created_at, u.username_key`,
              ).all(poolId, name, value.toLowerCase())
            : q(
                `SELECT u.* FROM user_attributes a CROSS JOIN users u ON u.pool_id = a.pool_id AND u.username_key = a.username_key
                 WHERE a.pool_id = ? AND a.name = ? AND a.value = ? ORDER BY u.created_at, u.username_key`,
              ).all(poolId, name, value)
        ) as Row[];
        return withAttributes(poolId, rows);
      },
      async update(user) {
        return updateUser(user);
      },
      async delete(poolId, usernameKey) {
        return deleteUser(poolId, usernameKey);
      },
      async count(poolId) {
        return (q('SELECT count(*) AS n FROM users WHERE pool_id = ?').get(poolId) as Row).n;
      },
      async list(poolId, opts) {
        const query = listUsersQuery(poolId, opts);
        if (!query) return { items: [] };
        const rows = q(query.sql).all(...query.params) as Row[];
        return page(withAttributes(poolId, rows), opts.limit, (u) => u.usernameKey);
      },
    },
    groups: {
      async create(group, maxGroups) {
        return createGroup.immediate(group, maxGroups);
      },
      async get(poolId, name) {
        const r = q('SELECT * FROM groups WHERE pool_id = ? AND name = ?').get(poolId, name) as Row | undefined;
        return r ? groupFromRow(r) : null;
      },
      async list(poolId, limit, cursor) {
        const after = nameCursorArg(cursor);
        const rows = q('SELECT * FROM groups WHERE pool_id = ? AND name > ? ORDER BY name LIMIT ?').all(poolId, after, limit + 1) as Row[];
        return namePage(rows.map(groupFromRow), limit);
      },
      async update(g) {
        return (
          q('UPDATE groups SET description = ?, role_arn = ?, precedence = ?, updated_at = ? WHERE pool_id = ? AND name = ?').run(
            g.description,
            g.roleArn,
            g.precedence,
            g.updatedAt,
            g.poolId,
            g.name,
          ).changes === 1
        );
      },
      async delete(poolId, name) {
        // Memberships follow by their foreign key.
        return q('DELETE FROM groups WHERE pool_id = ? AND name = ?').run(poolId, name).changes === 1;
      },
      async addMember(poolId, name, usernameKey, maxGroupsPerUser) {
        return addMember.immediate(poolId, name, usernameKey, maxGroupsPerUser);
      },
      async removeMember(poolId, name, usernameKey) {
        return (
          q('DELETE FROM group_members WHERE pool_id = ? AND group_name = ? AND username_key = ?').run(poolId, name, usernameKey).changes === 1
        );
      },
      async listForUser(poolId, usernameKey, limit, cursor) {
        const after = nameCursorArg(cursor);
        const rows = q(
          `SELECT groups.* FROM group_members CROSS JOIN groups ON groups.pool_id = group_members.pool_id AND groups.name = group_members.group_name
           WHERE group_members.pool_id = ? AND group_members.username_key = ? AND group_members.group_name > ?
           ORDER BY group_members.group_name LIMIT ?`,
        ).all(poolId, usernameKey, after, limit + 1) as Row[];
        return namePage(rows.map(groupFromRow), limit);
      },
      async allForUser(poolId, usernameKey) {
        const rows = q(
          `SELECT groups.* FROM group_members CROSS JOIN groups ON groups.pool_id = group_members.pool_id AND groups.name = group_members.group_name
           WHERE group_members.pool_id = ? AND group_members.username_key = ? ORDER BY group_members.group_name`,
        ).all(poolId, usernameKey) as Row[];
        return rows.map(groupFromRow);
      },
      async listMembers(poolId, name, limit, cursor) {
        const [t, k] = cursorArgs(cursor);
        const rows = q(
          `SELECT users.* FROM group_members CROSS JOIN users ON users.pool_id = group_members.pool_id AND users.username_key = group_members.username_key
           WHERE group_members.pool_id = ? AND group_members.group_name = ?
             AND (group_members.user_created_at, group_members.username_key) > (?, ?)
           ORDER BY group_members.user_created_at, group_members.username_key LIMIT ?`,
        ).all(poolId, name, t, k, limit + 1) as Row[];
        return page(withAttributes(poolId, rows), limit, (u) => u.usernameKey);
      },
    },
    codes: {
      async put(c) {
        q(
          `INSERT INTO codes (pool_id, username, purpose, code_hash, created_at, expires_at, attempts, data)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (pool_id, username, purpose) DO UPDATE SET code_hash = excluded.code_hash, created_at = excluded.created_at,
             expires_at = excluded.expires_at, attempts = excluded.attempts, data = excluded.data`,
        ).run(c.poolId, c.username, c.purpose, c.codeHash, c.createdAt, c.expiresAt, c.attempts, JSON.stringify(c.data));
      },
      async get(poolId, username, purpose) {
        const r = q('SELECT * FROM codes WHERE pool_id = ? AND username = ? AND purpose = ?').get(poolId, username, purpose) as
          | Row
          | undefined;
        return r ? codeFromRow(r) : null;
      },
      async addAttempt(poolId, username, purpose) {
        // One statement, so concurrent attempts each see their own count. No code, nothing to count: 0.
        const r = q('UPDATE codes SET attempts = attempts + 1 WHERE pool_id = ? AND username = ? AND purpose = ? RETURNING attempts').get(
          poolId,
          username,
          purpose,
        ) as Row | undefined;
        return r ? r.attempts : 0;
      },
      async delete(poolId, username, purpose) {
        return q('DELETE FROM codes WHERE pool_id = ? AND username = ? AND purpose = ?').run(poolId, username, purpose).changes === 1;
      },
    },
    sessions: {
      async create(session, refresh) {
        createSession(session, refresh);
      },
      async get(originJti) {
        const r = q('SELECT * FROM auth_sessions WHERE origin_jti = ?').get(originJti) as Row | undefined;
        return r ? sessionFromRow(r) : null;
      },
      async getRefreshToken(tokenHash) {
        const r = q('SELECT * FROM refresh_tokens WHERE token_hash = ?').get(tokenHash) as Row | undefined;
        return r ? refreshFromRow(r) : null;
      },
      async rotateRefreshToken(oldHash, next, now) {
        return rotateRefresh(oldHash, next, now);
      },
      async revoke(originJti, now) {
        // A session revoked twice keeps the first time.
        return q('UPDATE auth_sessions SET revoked_at = coalesce(revoked_at, ?) WHERE origin_jti = ?').run(now, originJti).changes === 1;
      },
      async revokeAllForUser(poolId, username, now) {
        return q(
          'UPDATE auth_sessions SET revoked_at = ? WHERE pool_id = ? AND username = ? AND revoked_at IS NULL AND expires_at > ?',
        ).run(now, poolId, username, now).changes;
      },
      async purgeExpired(before) {
        return purgeExpired(before);
      },
    },
    counters: {
      async hit(key, windowMs, now) {
        // One upsert: atomic against every other connection to the file. SET expressions read the old row.
        const r = q(
          `INSERT INTO counters (key, count, window_start, window_ms) VALUES (@key, 1, @now, @windowMs)
           ON CONFLICT (key) DO UPDATE SET
             count = CASE WHEN counters.window_start + counters.window_ms <= @now THEN 1 ELSE counters.count + 1 END,
             window_start = CASE WHEN counters.window_start + counters.window_ms <= @now THEN @now ELSE counters.window_start END,
             window_ms = CASE WHEN counters.window_start + counters.window_ms <= @now THEN @windowMs ELSE counters.window_ms END
           RETURNING count`,
        ).get({ key, now, windowMs }) as Row;
        return r.count;
      },
      async peek(key, now) {
        const r = q('SELECT count FROM counters WHERE key = ? AND window_start + window_ms > ?').get(key, now) as Row | undefined;
        return r ? r.count : 0;
      },
      async reset(key) {
        q('DELETE FROM counters WHERE key = ?').run(key);
      },
      async getLockout(key) {
        const r = q('SELECT failures, locked_until FROM lockouts WHERE key = ?').get(key) as Row | undefined;
        return r ? { failures: r.failures, lockedUntil: r.locked_until } : null;
      },
      async setLockout(key, failures, lockedUntil) {
        q(
          `INSERT INTO lockouts (key, failures, locked_until) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
        ).run(key, failures, lockedUntil);
      },
      async clearLockout(key) {
        q('DELETE FROM lockouts WHERE key = ?').run(key);
      },
      async addFailure(key, now) {
        const r = q(
          `INSERT INTO lockouts (key, failures, locked_until, last_failure_at) VALUES (?, 1, 0, ?)
           ON CONFLICT (key) DO UPDATE SET failures = lockouts.failures + 1, last_failure_at = excluded.last_failure_at
           RETURNING failures`,
        ).get(key, now) as Row;
        return r.failures;
      },
      async extendLockout(key, lockedUntil) {
        q('UPDATE lockouts SET locked_until = max(locked_until, ?) WHERE key = ?').run(lockedUntil, key);
      },
      async purgeExpired(now, idleBefore) {
        return db.transaction(() => {
          const c = q('DELETE FROM counters WHERE window_start + window_ms <= ?').run(now).changes;
          const l = q('DELETE FROM lockouts WHERE last_failure_at < ? AND locked_until <= ?').run(idleBefore, now).changes;
          return c + l;
        })();
      },
    },
    outbox: {
      async add(m) {
        q(
          `INSERT INTO outbox (id, pool_id, channel, to_address, subject, body, sent_at, delivery) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(m.id, m.poolId, m.channel, m.to, m.subject, m.body, m.sentAt, m.delivery);
      },
      async list(to, limit) {
        const rows = (
          to === undefined
            ? q('SELECT * FROM outbox ORDER BY sent_at DESC, rowid DESC LIMIT ?').all(limit)
            : q('SELECT * FROM outbox WHERE to_address = ? ORDER BY sent_at DESC, rowid DESC LIMIT ?').all(to, limit)
        ) as Row[];
        return rows.map(outboxFromRow);
      },
    },
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
      stmts.clear();
      return applied;
    },
    async close() {
      db.close();
    },
    async explainListUsers(poolId, opts) {
      const query = listUsersQuery(poolId, opts);
      if (!query) return 'no statement: the filter matches no one';
      const plan = (sql: string, params: unknown[]) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Row[]).map((r) => r.detail as string);
      // The page's statement, then the one that reads the page's attributes.
      return [...plan(query.sql, query.params), ...plan(ATTRIBUTES_OF_PAGE, [poolId, '[]'])].join('\n');
    },
    async analyze() {
      db.exec('ANALYZE');
    },
  };
  return store;
}
