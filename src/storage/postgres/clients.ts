// PostgreSQL app clients: create counted under the pool's advisory lock, get by client id alone, versioned update.
import { cursorArgs, page } from '../pages.ts';
import type { ClientStore } from '../store.ts';
import { json, LOCK, num, rows, type PgDb } from './db.ts';

export function pgClients({ tx, one, all, changed }: PgDb): ClientStore {
  return {
    create(cl, maxClients) {
      return tx(async (c) => {
        await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, [`clients:${cl.poolId}`]);
        const { rows: counted } = await c.query('SELECT count(*) AS n FROM clients WHERE pool_id = $1', [cl.poolId]);
        if (num(counted[0].n) >= maxClients) return 'limit' as const;
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
      return r ? rows.client(r) : null;
    },
    async getWithPool(clientId) {
      const r = await one('SELECT c.*, to_jsonb(p) AS pool_row FROM clients c LEFT JOIN pools p ON p.id = c.pool_id WHERE c.id = $1', [clientId]);
      return r ? { client: rows.client(r), pool: r.pool_row ? rows.pool(r.pool_row) : null } : null;
    },
    async list(poolId, limit, cursor) {
      const [t, id] = cursorArgs(cursor);
      const found = await all(
        'SELECT * FROM clients WHERE pool_id = $1 AND (created_at, id) > ($2, $3) ORDER BY created_at, id LIMIT $4',
        [poolId, t, id, limit + 1],
      );
      return page(found.map(rows.client), limit, (c) => c.id);
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
  };
}
