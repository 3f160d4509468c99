// PostgreSQL hosted-UI domains: a domain name is unique across pools.
import type { DomainStore } from '../store.ts';
import { json, rows, type PgDb } from './db.ts';

export function pgDomains({ one, all, changed }: PgDb): DomainStore {
  return {
    async create(d) {
      const ok = await changed(
        `INSERT INTO domains (domain, pool_id, custom, created_at, updated_at, settings)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (domain) DO NOTHING`,
        [d.domain, d.poolId, d.custom, d.createdAt, d.updatedAt, json(d.settings)],
      );
      return ok ? 'ok' : 'exists';
    },
    async get(domain) {
      const r = await one('SELECT * FROM domains WHERE domain = $1', [domain]);
      return r ? rows.domain(r) : null;
    },
    async listForPool(poolId) {
      return (await all('SELECT * FROM domains WHERE pool_id = $1 ORDER BY created_at, domain', [poolId])).map(rows.domain);
    },
    update(d) {
      return changed('UPDATE domains SET updated_at = $1, settings = $2::jsonb WHERE domain = $3 AND pool_id = $4', [
        d.updatedAt,
        json(d.settings),
        d.domain,
        d.poolId,
      ]);
    },
    delete(domain) {
      return changed('DELETE FROM domains WHERE domain = $1', [domain]);
    },
  };
}
