// SQLite hosted-UI domains: a domain name is unique across pools.
import type { DomainStore } from '../store.ts';
import { rows, type Row, type SqliteDb } from './db.ts';

export function sqliteDomains({ q }: SqliteDb): DomainStore {
  return {
    async create(d) {
      const r = q(
        'INSERT INTO domains (domain, pool_id, custom, created_at, updated_at, settings) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (domain) DO NOTHING',
      ).run(d.domain, d.poolId, d.custom ? 1 : 0, d.createdAt, d.updatedAt, JSON.stringify(d.settings));
      return r.changes === 1 ? 'ok' : 'exists';
    },
    async get(domain) {
      const r = q('SELECT * FROM domains WHERE domain = ?').get(domain) as Row | undefined;
      return r ? rows.domain(r) : null;
    },
    async listForPool(poolId) {
      return (q('SELECT * FROM domains WHERE pool_id = ? ORDER BY created_at, domain').all(poolId) as Row[]).map(rows.domain);
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
  };
}
