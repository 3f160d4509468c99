// SQLite resource servers: counted creates, pages by identifier, scopes as one JSON list.
import { keyPage, nameCursorArg } from '../pages.ts';
import type { ResourceServerRecord, ResourceServerStore } from '../store.ts';
import { rows, type Row, type SqliteDb } from './db.ts';

export function sqliteResourceServers({ db, q }: SqliteDb): ResourceServerStore {
  // IMMEDIATE, as groups: the write lock is taken before counting.
  const create = db.transaction((r: ResourceServerRecord, max: number) => {
    if (q('SELECT 1 FROM resource_servers WHERE pool_id = ? AND identifier = ?').get(r.poolId, r.identifier)) return 'exists' as const;
    const { n } = q('SELECT count(*) AS n FROM resource_servers WHERE pool_id = ?').get(r.poolId) as Row;
    if (n >= max) return 'limit' as const;
    q('INSERT INTO resource_servers (pool_id, identifier, name, scopes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      r.poolId,
      r.identifier,
      r.name,
      JSON.stringify(r.scopes),
      r.createdAt,
      r.updatedAt,
    );
    return 'ok' as const;
  });
  return {
    async create(server, maxServers) {
      return create.immediate(server, maxServers);
    },
    async get(poolId, identifier) {
      const r = q('SELECT * FROM resource_servers WHERE pool_id = ? AND identifier = ?').get(poolId, identifier) as Row | undefined;
      return r ? rows.resourceServer(r) : null;
    },
    async list(poolId, limit, cursor) {
      const after = nameCursorArg(cursor);
      const found = q('SELECT * FROM resource_servers WHERE pool_id = ? AND identifier > ? ORDER BY identifier LIMIT ?').all(
        poolId,
        after,
        limit + 1,
      ) as Row[];
      return keyPage(found.map(rows.resourceServer), limit, (s) => s.identifier);
    },
    async all(poolId) {
      return (q('SELECT * FROM resource_servers WHERE pool_id = ? ORDER BY identifier').all(poolId) as Row[]).map(rows.resourceServer);
    },
    async update(s) {
      return (
        q('UPDATE resource_servers SET name = ?, scopes = ?, updated_at = ? WHERE pool_id = ? AND identifier = ?').run(
          s.name,
          JSON.stringify(s.scopes),
          s.updatedAt,
          s.poolId,
          s.identifier,
        ).changes === 1
      );
    },
    async delete(poolId, identifier) {
      return q('DELETE FROM resource_servers WHERE pool_id = ? AND identifier = ?').run(poolId, identifier).changes === 1;
    },
  };
}
