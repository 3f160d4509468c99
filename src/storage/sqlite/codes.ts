// SQLite one-time codes: one live code per user and purpose, with an atomic attempt count.
import type { CodeStore } from '../store.ts';
import { rows, type Row, type SqliteDb } from './db.ts';

export function sqliteCodes({ q }: SqliteDb): CodeStore {
  return {
    async put(c) {
      q(
        `INSERT INTO codes (pool_id, username, purpose, code_hash, created_at, expires_at, attempts, data)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (pool_id, username, purpose) DO UPDATE SET code_hash = excluded.code_hash, created_at = excluded.created_at,
           expires_at = excluded.expires_at, attempts = excluded.attempts, data = excluded.data`,
      ).run(c.poolId, c.username, c.purpose, c.codeHash, c.createdAt, c.expiresAt, c.attempts, JSON.stringify(c.data));
    },
    async get(poolId, username, purpose) {
      const r = q('SELECT * FROM codes WHERE pool_id = ? AND username = ? AND purpose = ?').get(poolId, username, purpose) as
        | Row
        | undefined;
      return r ? rows.code(r) : null;
    },
    async addAttempt(poolId, username, purpose) {
      // One statement, so concurrent attempts each see their own count. No code, nothing to count: 0.
      const r = q('UPDATE codes SET attempts = attempts + 1 WHERE pool_id = ? AND username = ? AND purpose = ? RETURNING attempts').get(
        poolId,
        username,
        purpose,
      ) as Row | undefined;
      return r ? r.attempts : 0;
    },
    async delete(poolId, username, purpose) {
      return q('DELETE FROM codes WHERE pool_id = ? AND username = ? AND purpose = ?').run(poolId, username, purpose).changes === 1;
    },
    async purgeExpired(now, purposePrefix) {
      // substr, not LIKE: the prefix is taken literally (no wildcards), and compared case-sensitively as PostgreSQL does.
      return q('DELETE FROM codes WHERE expires_at <= ? AND substr(purpose, 1, ?) = ?').run(now, purposePrefix.length, purposePrefix).changes;
    },
  };
}
