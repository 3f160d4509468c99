// SQLite user pools: counted create (with the first signing keys), versioned update, keyset-paged list.
import type { PoolRecord, SigningKeyRecord } from '../records.ts';
import { cursorArgs, page } from '../pages.ts';
import type { PoolStore } from '../store.ts';
import { rows, type Row, type SqliteDb } from './db.ts';
import { insertKeys } from './keys.ts';

export function sqlitePools(s: SqliteDb): PoolStore {
  const { db, q } = s;
  const create = db.transaction((p: PoolRecord, keys: SigningKeyRecord[], max: number) => {
    const { n } = q('SELECT count(*) AS n FROM pools').get() as Row;
    if (n >= max) return 'limit' as const;
    q(
      `INSERT INTO pools (id, name, arn, created_at, updated_at, version, settings, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(p.id, p.name, p.arn, p.createdAt, p.updatedAt, p.version, JSON.stringify(p.settings), JSON.stringify(p.tags));
    insertKeys(s, keys);
    return 'ok' as const;
  });
  return {
    async create(pool, keys, maxPools) {
      return create.immediate(pool, keys, maxPools);
    },
    async get(id) {
      const r = q('SELECT * FROM pools WHERE id = ?').get(id) as Row | undefined;
      return r ? rows.pool(r) : null;
    },
    async list(limit, cursor) {
      const [t, id] = cursorArgs(cursor);
      const found = q(
        'SELECT * FROM pools WHERE (created_at > ? OR (created_at = ? AND id > ?)) ORDER BY created_at, id LIMIT ?',
      ).all(t, t, id, limit + 1) as Row[];
      return page(found.map(rows.pool), limit, (p) => p.id);
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
  };
}
