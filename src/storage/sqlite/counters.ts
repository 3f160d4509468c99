// SQLite rate-limit counters and lockouts: single upserts, atomic against every other connection to the file.
// They are written through the store's counters connection (synchronous=NORMAL, see index.ts): durable through
// SIGKILL, not through power loss until the next synchronous commit, such as the session of a sign-in.
import type { CounterStore } from '../store.ts';
import type { Row, SqliteDb } from './db.ts';

export function sqliteCounters({ db, q }: SqliteDb): CounterStore {
  const lockedAt = (key: string, now: number) =>
    (q('SELECT 1 FROM lockouts WHERE key = ? AND locked_until > ?').get(key, now) as Row | undefined) !== undefined;
  const takeAttempt = db.transaction((key: string, now: number, lockMs: readonly number[], use?: { key: string; windowMs: number }) => {
    const uses = use ? hit(use.key, use.windowMs, now) : 1;
    if (uses > 1 || lockedAt(key, now)) return { uses, failures: 0 };
    const failures = addFailure(key, now);
    const lock = lockMs[Math.min(failures, lockMs.length) - 1] ?? 0;
    if (lock > 0) q('UPDATE lockouts SET locked_until = max(locked_until, ?) WHERE key = ?').run(now + lock, key);
    return { uses, failures };
  });
  const hit = (key: string, windowMs: number, now: number): number => {
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
  };
  const addFailure = (key: string, now: number): number => {
    const r = q(
      `INSERT INTO lockouts (key, failures, locked_until, last_failure_at) VALUES (?, 1, 0, ?)
       ON CONFLICT (key) DO UPDATE SET failures = lockouts.failures + 1, last_failure_at = excluded.last_failure_at
       RETURNING failures`,
    ).get(key, now) as Row;
    return r.failures;
  };
  return {
    async hit(key, windowMs, now) {
      return hit(key, windowMs, now);
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
      return addFailure(key, now);
    },
    async takeAttempt(key, now, lockMs, use) {
      return takeAttempt.immediate(key, now, lockMs, use);
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
