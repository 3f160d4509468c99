// The embedded store: better-sqlite3 in WAL mode with synchronous=FULL, so an acknowledged write survives SIGKILL.
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
} from '../records.ts';
import { decodeCursor, encodeCursor, InvalidCursorError, type Store } from '../store.ts';
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

/** Opens (creating if needed) the SQLite store at `path` (':memory:' for tests). Run migrate() before use. */
export function openSqliteStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
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
  const insertAttributes = (u: UserRecord) => {
    for (const [name, value] of Object.entries(u.attributes))
      q('INSERT INTO user_attributes (pool_id, username_key, name, value, value_ci) VALUES (?, ?, ?, ?, ?)').run(
        u.poolId,
        u.usernameKey,
        name,
        value,
        value.toLowerCase(),
      );
  };
  /** Whole records for user rows of one pool, with their attributes in one indexed query. */
  const withAttributes = (poolId: string, rows: Row[]): UserRecord[] => {
    if (rows.length === 0) return [];
    const attrs = q(
      `SELECT username_key, name, value FROM user_attributes
       WHERE pool_id = ? AND username_key IN (SELECT value FROM json_each(?)) ORDER BY username_key, name`,
    ).all(poolId, JSON.stringify(rows.map((r) => r.username_key))) as Row[];
    const byKey = new Map<string, [string, string][]>();
    for (const a of attrs) {
      let list = byKey.get(a.username_key);
      if (!list) byKey.set(a.username_key, (list = []));
      list.push([a.name, a.value]);
    }
    // fromEntries defines own properties, so no attribute name can reach the prototype.
    return rows.map((r) => userFromRow(r, Object.fromEntries(byKey.get(r.username_key) ?? [])));
  };

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
    insertAttributes(u);
    return 'ok' as const;
  });

  const updateUser = db.transaction((u: UserRecord) => {
    // The username, its key, sub and createdAt identify the user and never change.
    const r = q(
      `UPDATE users SET status = ?, enabled = ?, credentials_sealed = ?, mfa = ?, password_set_at = ?, updated_at = ?, version = ?
       WHERE pool_id = ? AND username_key = ? AND version = ?`,
    ).run(
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
    );
    if (r.changes !== 1) return false;
    q('DELETE FROM user_attributes WHERE pool_id = ? AND username_key = ?').run(u.poolId, u.usernameKey);
    insertAttributes(u);
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

  const store: Store = {
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
            ? q('SELECT * FROM outbox ORDER BY sent_at DESC, id DESC LIMIT ?').all(limit)
            : q('SELECT * FROM outbox WHERE to_address = ? ORDER BY sent_at DESC, id DESC LIMIT ?').all(to, limit)
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
  };
  return store;
}
