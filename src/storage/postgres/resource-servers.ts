// PostgreSQL resource servers: creates counted under the pool's advisory lock, pages by identifier, scopes as jsonb.
import { keyPage, nameCursorArg } from '../pages.ts';
import type { ResourceServerStore } from '../store.ts';
import { LOCK, num, rows, type PgDb } from './db.ts';

export function pgResourceServers({ tx, one, all, changed }: PgDb): ResourceServerStore {
  return {
    create(s, maxServers) {
      return tx(async (c) => {
        await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, [`resource-servers:${s.poolId}`]);
        const { rows: found } = await c.query('SELECT 1 FROM resource_servers WHERE pool_id = $1 AND identifier = $2', [s.poolId, s.identifier]);
        if (found.length > 0) return 'exists' as const;
        const { rows: counted } = await c.query('SELECT count(*) AS n FROM resource_servers WHERE pool_id = $1', [s.poolId]);
        if (num(counted[0].n) >= maxServers) return 'limit' as const;
        await c.query(
          'INSERT INTO resource_servers (pool_id, identifier, name, scopes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)',
          [s.poolId, s.identifier, s.name, JSON.stringify(s.scopes), s.createdAt, s.updatedAt],
        );
        return 'ok' as const;
      });
    },
    async get(poolId, identifier) {
      const r = await one('SELECT * FROM resource_servers WHERE pool_id = $1 AND identifier = $2', [poolId, identifier]);
      return r ? rows.resourceServer(r) : null;
    },
    async list(poolId, limit, cursor) {
      const after = nameCursorArg(cursor);
      const found = await all('SELECT * FROM resource_servers WHERE pool_id = $1 AND identifier > $2 ORDER BY identifier LIMIT $3', [
        poolId,
        after,
        limit + 1,
      ]);
      return keyPage(found.map(rows.resourceServer), limit, (s) => s.identifier);
    },
    async all(poolId) {
      return (await all('SELECT * FROM resource_servers WHERE pool_id = $1 ORDER BY identifier', [poolId])).map(rows.resourceServer);
    },
    update(s) {
      return changed('UPDATE resource_servers SET name = $1, scopes = $2, updated_at = $3 WHERE pool_id = $4 AND identifier = $5', [
        s.name,
        JSON.stringify(s.scopes),
        s.updatedAt,
        s.poolId,
        s.identifier,
      ]);
    },
    delete(poolId, identifier) {
      return changed('DELETE FROM resource_servers WHERE pool_id = $1 AND identifier = $2', [poolId, identifier]);
    },
  };
}
