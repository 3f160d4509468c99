// SQLite app clients: counted create per pool, get by client id alone, versioned update, keyset-paged list.
import type { ClientRecord } from '../records.ts';
import { cursorArgs, page } from '../pages.ts';
import type { ClientStore } from '../store.ts';
import { rows, type Row, type SqliteDb } from './db.ts';

export function sqliteClients({ db, q }: SqliteDb): ClientStore {
  const read = db.transaction((clientId: string) => {
    const c = q('SELECT * FROM clients WHERE id = ?').get(clientId) as Row | undefined;
    if (!c) return null;
    const p = q('SELECT * FROM pools WHERE id = ?').get(c.pool_id) as Row | undefined;
    return { client: rows.client(c), pool: p ? rows.pool(p) : null };
  });
  const create = db.transaction((c: ClientRecord, max: number) => {
    const { n } = q('SELECT count(*) AS n FROM clients WHERE pool_id = ?').get(c.poolId) as Row;
    if (n >= max) return 'limit' as const;
    q(
      `INSERT INTO clients (id, pool_id, name, secrets, created_at, updated_at, version, settings) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(c.id, c.poolId, c.name, JSON.stringify(c.secrets), c.createdAt, c.updatedAt, c.version, JSON.stringify(c.settings));
    return 'ok' as const;
  });
  return {
    async create(client, maxClients) {
      return create.immediate(client, maxClients);
    },
    async get(clientId) {
      const r = q('SELECT * FROM clients WHERE id = ?').get(clientId) as Row | undefined;
      return r ? rows.client(r) : null;
    },
    async getWithPool(clientId) {
      // Two statements in one read transaction: in process, SQLite has no round trips to save.
      return read(clientId);
    },
    async list(poolId, limit, cursor) {
      const [t, id] = cursorArgs(cursor);
      const found = q(
        'SELECT * FROM clients WHERE pool_id = ? AND (created_at > ? OR (created_at = ? AND id > ?)) ORDER BY created_at, id LIMIT ?',
      ).all(poolId, t, t, id, limit + 1) as Row[];
      return page(found.map(rows.client), limit, (c) => c.id);
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
  };
}
