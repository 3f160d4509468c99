// The SQL user pools and identity pools share: each is a table of (id, name, arn, times, version, settings, tags), read
// by id, listed in (created_at, id) order and updated conditionally on the version.
import { cursorArgs, page } from '../pages.ts';
import type { Page, PoolRecord } from '../records.ts';
import type { Row, SqliteDb } from './db.ts';

type PoolLike = Omit<PoolRecord, 'settings'> & { settings: unknown };

export interface PoolTable<T extends PoolLike> {
  count(): number;
  insert(p: T): void;
  get(id: string): T | null;
  list(limit: number, cursor?: string): Page<T>;
  update(p: T): boolean;
  delete(id: string): boolean;
}

export function sqlitePoolTable<T extends PoolLike>({ q }: SqliteDb, table: 'pools' | 'identity_pools', map: (r: Row) => T): PoolTable<T> {
  return {
    count: () => (q(`SELECT count(*) AS n FROM ${table}`).get() as Row).n,
    insert(p) {
      q(`INSERT INTO ${table} (id, name, arn, created_at, updated_at, version, settings, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(
        p.id,
        p.name,
        p.arn,
        p.createdAt,
        p.updatedAt,
        p.version,
        JSON.stringify(p.settings),
        JSON.stringify(p.tags),
      );
    },
    get(id) {
      const r = q(`SELECT * FROM ${table} WHERE id = ?`).get(id) as Row | undefined;
      return r ? map(r) : null;
    },
    list(limit, cursor) {
      const [t, id] = cursorArgs(cursor);
      const found = q(
        `SELECT * FROM ${table} WHERE (created_at > ? OR (created_at = ? AND id > ?)) ORDER BY created_at, id LIMIT ?`,
      ).all(t, t, id, limit + 1) as Row[];
      return page(found.map(map), limit, (p) => p.id);
    },
    update(p) {
      const r = q(`UPDATE ${table} SET name = ?, updated_at = ?, version = ?, settings = ?, tags = ? WHERE id = ? AND version = ?`).run(
        p.name,
        p.updatedAt,
        p.version,
        JSON.stringify(p.settings),
        JSON.stringify(p.tags),
        p.id,
        p.version - 1,
      );
      return r.changes === 1;
    },
    delete: (id) => q(`DELETE FROM ${table} WHERE id = ?`).run(id).changes === 1,
  };
}
