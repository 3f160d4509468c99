// PostgreSQL rate-limit counters and lockouts: single upserts, atomic across every server on the database.
import type { CounterStore } from '../store.ts';
import { num, type PgDb } from './db.ts';

export function pgCounters({ pool, one }: PgDb): CounterStore {
  return {
    async hit(key, windowMs, now) {
      // One upsert: atomic across every server (ON CONFLICT takes the row lock). SET expressions read the old row.
      const r = await one(
        `INSERT INTO counters (key, count, window_start, window_ms) VALUES ($1, 1, $2::bigint, $3::bigint)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN counters.window_start + counters.window_ms <= $2::bigint THEN 1 ELSE counters.count + 1 END,
           window_start = CASE WHEN counters.window_start + counters.window_ms <= $2::bigint THEN $2::bigint ELSE counters.window_start END,
           window_ms = CASE WHEN counters.window_start + counters.window_ms <= $2::bigint THEN $3::bigint ELSE counters.window_ms END
         RETURNING count`,
        [key, now, windowMs],
      );
      return num(r!.count);
    },
    async peek(key, now) {
      const r = await one('SELECT count FROM counters WHERE key = $1 AND window_start + window_ms > $2', [key, now]);
      return r ? num(r.count) : 0;
    },
    async reset(key) {
      await pool.query('DELETE FROM counters WHERE key = $1', [key]);
    },
    async getLockout(key) {
      const r = await one('SELECT failures, locked_until FROM lockouts WHERE key = $1', [key]);
      return r ? { failures: num(r.failures), lockedUntil: num(r.locked_until) } : null;
    },
    async setLockout(key, failures, lockedUntil) {
      await pool.query(
        `INSERT INTO lockouts (key, failures, locked_until) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
        [key, failures, lockedUntil],
      );
    },
    async clearLockout(key) {
      await pool.query('DELETE FROM lockouts WHERE key = $1', [key]);
    },
    async addFailure(key, now) {
      const r = await one(
        `INSERT INTO lockouts (key, failures, locked_until, last_failure_at) VALUES ($1, 1, 0, $2)
         ON CONFLICT (key) DO UPDATE SET failures = lockouts.failures + 1, last_failure_at = excluded.last_failure_at
         RETURNING failures`,
        [key, now],
      );
      return num(r!.failures);
    },
    async extendLockout(key, lockedUntil) {
      await pool.query('UPDATE lockouts SET locked_until = GREATEST(locked_until, $1) WHERE key = $2', [lockedUntil, key]);
    },
    async purgeExpired(now, idleBefore) {
      const c = await pool.query('DELETE FROM counters WHERE window_start + window_ms <= $1', [now]);
      const l = await pool.query('DELETE FROM lockouts WHERE last_failure_at < $1 AND locked_until <= $2', [idleBefore, now]);
      return (c.rowCount ?? 0) + (l.rowCount ?? 0);
    },
  };
}
