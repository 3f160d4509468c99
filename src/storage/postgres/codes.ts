// PostgreSQL one-time codes: one live code per user and purpose, with an atomic attempt count.
import type { CodeStore } from '../store.ts';
import { json, num, rows, type PgDb } from './db.ts';

export function pgCodes({ pool, one, changed }: PgDb): CodeStore {
  return {
    async put(cd) {
      await pool.query(
        `INSERT INTO codes (pool_id, username, purpose, code_hash, created_at, expires_at, attempts, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
         ON CONFLICT (pool_id, username, purpose) DO UPDATE SET code_hash = excluded.code_hash, created_at = excluded.created_at,
           expires_at = excluded.expires_at, attempts = excluded.attempts, data = excluded.data`,
        [cd.poolId, cd.username, cd.purpose, cd.codeHash, cd.createdAt, cd.expiresAt, cd.attempts, json(cd.data)],
      );
    },
    async get(poolId, username, purpose) {
      const r = await one('SELECT * FROM codes WHERE pool_id = $1 AND username = $2 AND purpose = $3', [poolId, username, purpose]);
      return r ? rows.code(r) : null;
    },
    async addAttempt(poolId, username, purpose) {
      // One statement: the row lock orders concurrent attempts, each sees its own count. No code, nothing to count: 0.
      const r = await one(
        'UPDATE codes SET attempts = attempts + 1 WHERE pool_id = $1 AND username = $2 AND purpose = $3 RETURNING attempts',
        [poolId, username, purpose],
      );
      return r ? num(r.attempts) : 0;
    },
    delete(poolId, username, purpose) {
      return changed('DELETE FROM codes WHERE pool_id = $1 AND username = $2 AND purpose = $3', [poolId, username, purpose]);
    },
    async purgeExpired(now, purposePrefix) {
      const r = await pool.query('DELETE FROM codes WHERE expires_at <= $1 AND left(purpose, $2) = $3', [now, purposePrefix.length, purposePrefix]);
      return r.rowCount ?? 0;
    },
  };
}
