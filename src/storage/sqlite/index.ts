// The embedded store: better-sqlite3 in WAL mode with synchronous=FULL, so an acknowledged write survives SIGKILL.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ClientRecord, DomainRecord, Page, PoolRecord, SigningKeyRecord } from '../records.ts';
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

  const ready = () => {
    /* statements are prepared lazily so that migrate() runs first */
  };
  ready();
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
