// SQLite rate-limit counters and lockouts: single upserts, atomic against every other connection to the file.
import type { CounterStore } from '../store.ts';
import type { Row, SqliteDb } from './db.ts';

export function sqliteCounters({ db, q }: SqliteDb): CounterStore {
  return {
    async hit(key, windowMs, now) {
      // One upsert: atomic against every other connection to the file. SET expressions read the old row.
      const r = q(
        `INSERT INTO counters (key, count, window_start, window_ms) VALUES (@key, 1, @now, @windowMs)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN counters.window_start + counters.window_ms <= @now THEN 1 ELSE counters.count + 1 END,
           window_start = CASE WHEN counters.window_start + counters.window_ms <= @now THEN @now ELSE counters.window_start END,
           window_ms = CASE WHEN counters.window_start + counters.window_ms <= @now THEN @windowMs ELSE counters.window_ms END
         RETURNING count`,
      ).get({ key, now, windowMs }) as Row;
      return r.count;
    },
    async peek(key, now) {
      const r = q('SELECT count FROM counters WHERE key = ? AND window_start + window_ms > ?').get(key, now) as Row | undefined;
      return r ? r.count : 0;
    },
    async reset(key) {
      q('DELETE FROM counters WHERE key = ?').run(key);
    },
    async getLockout(key) {
      const r = q('SELECT failures, locked_until FROM lockouts WHERE key = ?').get(key) as Row | undefined;
      return r ? { failures: r.failures, lockedUntil: r.locked_until } : null;
    },
    async setLockout(key, failures, lockedUntil) {
      q(
        `INSERT INTO lockouts (key, failures, locked_until) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
      ).run(key, failures, lockedUntil);
    },
    async clearLockout(key) {
      q('DELETE FROM lockouts WHERE key = ?').run(key);
    },
    async addFailure(key, now) {
      const r = q(
        `INSERT INTO lockouts (key, failures, locked_until, last_failure_at) VALUES (?, 1, 0, ?)
         ON CONFLICT (key) DO UPDATE SET failures = lockouts.failures + 1, last_failure_at = excluded.last_failure_at
         RETURNING failures`,
      ).get(key, now) as Row;
      return r.failures;
    },
    async extendLockout(key, lockedUntil) {
      q('UPDATE lockouts SET locked_until = max(locked_until, ?) WHERE key = ?').run(lockedUntil, key);
    },
    async purgeExpired(now, idleBefore) {
      return db.transaction(() => {
        const c = q('DELETE FROM counters WHERE window_start + window_ms <= ?').run(now).changes;
        const l = q('DELETE FROM lockouts WHERE last_failure_at < ? AND locked_until <= ?').run(idleBefore, now).changes;
        return c + l;
      }).immediate();
    },
  };
}
