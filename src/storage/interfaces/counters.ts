// The storage interface of rate-limit counters and sign-in lockouts shared by every process.

/** Sliding counters and lockouts, shared by every process (rate limits on codes, sign-in lockout). */
export interface CounterStore {
  /**
   * Adds one to the counter `key` in its current window and returns the count: a window starts at the first hit
   * and lasts `windowMs`; a hit after it starts a new window at 1.
   */
  hit(key: string, windowMs: number, now: number): Promise<number>;
  /** The count of the live window (0 when none or expired). */
  peek(key: string, now: number): Promise<number>;
  reset(key: string): Promise<void>;
  /** Lockout state of a key: consecutive failures and until when it is locked. */
  getLockout(key: string): Promise<{ failures: number; lockedUntil: number } | null>;
  setLockout(key: string, failures: number, lockedUntil: number): Promise<void>;
  clearLockout(key: string): Promise<void>;
  /** Counts one more consecutive failure for `key` at `now`, atomically across processes; returns the new count. */
  addFailure(key: string, now: number): Promise<number>;
  /**
   * One password attempt, in one atomic write (one commit): when `use` is given, first marks that single-use key
   * used (a hit in a window of `use.windowMs`); if it had been used before, nothing else changes. Otherwise, unless
   * `key` is locked at `now` (then nothing changes), counts one more consecutive failure for `key` in advance and
   * locks it until `now + lockMs[n − 1]` for the n-th (`lockMs`' last entry for every failure past its end), never
   * shortening a longer lock. Returns the uses of `use.key` (1 without `use`), and the failures counted, 0 when
   * the attempt was refused (a reused `use`, or `key` locked).
   */
  takeAttempt(
    key: string,
    now: number,
    lockMs: readonly number[],
    use?: { key: string; windowMs: number },
  ): Promise<{ uses: number; failures: number }>;
  /** Locks `key` until `lockedUntil`, never shortening a longer lock already set. */
  extendLockout(key: string, lockedUntil: number): Promise<void>;
  /**
   * Housekeeping: drops counters whose window ended by `now`, and failure streaks whose last failure was before
   * `idleBefore` and that are not locked at `now`. Returns the rows removed.
   */
  purgeExpired(now: number, idleBefore: number): Promise<number>;
}
