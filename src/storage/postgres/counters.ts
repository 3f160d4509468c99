// PostgreSQL rate-limit counters and lockouts: single upserts, atomic across every server on the database.
import type { CounterStore } from '../store.ts';
import { num, type PgDb } from './db.ts';

/** The counters upsert of `hit`, its key, now and window at $k, $n, $w. */
const hitSql = (k: string, n: string, w: string) =>
  `INSERT INTO counters (key, count, window_start, window_ms) VALUES (${k}, 1, ${n}::bigint, ${w}::bigint)
   ON CONFLICT (key) DO UPDATE SET
     count = CASE WHEN counters.window_start + counters.window_ms <= ${n}::bigint THEN 1 ELSE counters.count + 1 END,
     window_start = CASE WHEN counters.window_start + counters.window_ms <= ${n}::bigint THEN ${n}::bigint ELSE counters.window_start END,
     window_ms = CASE WHEN counters.window_start + counters.window_ms <= ${n}::bigint THEN ${w}::bigint ELSE counters.window_ms END
   RETURNING count`;

/**
 * takeAttempt in one statement (one round trip, one commit): the single-use hit, then the failure counted unless the
 * use was a reuse or the key is locked — checked in DO UPDATE's WHERE, on the row as it is once its lock is held, so
 * parallel attempts on other servers cannot slip past a lock one of them just set. The commit does not wait for the
 * WAL flush (synchronous_commit off for this transaction only): acknowledged once the server has it, it survives
 * SIGKILL of any Cognate process; only a crash of the database server can lose the last ~0.6 s of them, unless a
 * synchronous commit (a sign-in's session) flushed the WAL past them since.
 */
const takeAttemptSql = (withUse: boolean) =>
  `WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true) AS v),
   used AS (${withUse ? hitSql('$4', '$2', '$5') : 'SELECT 1 AS count'}),
   att AS (
     INSERT INTO lockouts AS l (key, failures, locked_until, last_failure_at)
     SELECT $1, 1, CASE WHEN ($3::bigint[])[1] > 0 THEN $2::bigint + ($3::bigint[])[1] ELSE 0 END, $2::bigint FROM used WHERE used.count = 1
     ON CONFLICT (key) DO UPDATE SET
       failures = l.failures + 1,
       last_failure_at = excluded.last_failure_at,
       locked_until = CASE WHEN ($3::bigint[])[LEAST(l.failures + 1, cardinality($3::bigint[]))] > 0
         THEN GREATEST(l.locked_until, $2::bigint + ($3::bigint[])[LEAST(l.failures + 1, cardinality($3::bigint[]))])
         ELSE l.locked_until END
     WHERE l.locked_until <= $2::bigint
     RETURNING failures
   )
   SELECT (SELECT count FROM used) AS uses, COALESCE((SELECT failures FROM att), 0) AS failures, (SELECT v FROM relaxed) AS relaxed`;

export function pgCounters({ pool, one }: PgDb): CounterStore {
  return {
    async hit(key, windowMs, now) {
      // One upsert: atomic across every server (ON CONFLICT takes the row lock). SET expressions read the old row.
      const r = await one(hitSql('$1', '$2', '$3'), [key, now, windowMs]);
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
    async takeAttempt(key, now, lockMs, use) {
      const params = use ? [key, now, [...lockMs], use.key, use.windowMs] : [key, now, [...lockMs]];
      const r = await one(takeAttemptSql(!!use), params);
      return { uses: num(r!.uses), failures: num(r!.failures) };
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
