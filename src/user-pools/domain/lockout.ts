// Sign-in lockout: consecutive failed password checks per user, locked out for a doubling time, shared by every process.
//
// Cognito (COGNITO-API.md §5.3, §9.3; "Password attempts exceeded" observed): after five failed sign-in attempts
// the user is locked out for 1 second, doubling with each further failure up to about 15 minutes; while locked,
// sign-in answers NotAuthorizedException "Password attempts exceeded" without looking at the password (those
// attempts are not counted); a successful sign-in clears the count. The state lives in deps.store.counters
// (takeAttempt, getLockout, clearLockout; a sign-in's session clears it in its own commit), keyed per pool and
// internal username, so every server sharing a PostgreSQL database sees the same lockout. With users hidden
// (PreventUserExistenceErrors ENABLED) a name nobody has is locked out alike, keyed per name as the sign-in lookup
// folds it: otherwise the lockout alone would tell which names are users'.
import type { Deps } from '../../deps.ts';
import { NotAuthorizedException } from '../errors.ts';

/** Failures that cost nothing; the failure that reaches this count locks for 1 s, each next one twice as long. */
export const FREE_FAILURES = 5;
/** The longest lockout. */
export const MAX_LOCKOUT_MS = 15 * 60 * 1000;

export const PASSWORD_ATTEMPTS_EXCEEDED = 'Password attempts exceeded';

type LockoutDeps = Pick<Deps, 'store' | 'clock'> & Partial<Pick<Deps, 'metrics'>>;

/** The counter key of a user's sign-in lockout. */
export function lockoutKey(poolId: string, username: string): string {
  return `signin-lockout:${poolId}:${username}`;
}

/**
 * The counter key of the lockout of a name nobody has, `folded` as the sign-in lookup folds names (signInNameKey):
 * its own namespace, so that it never adds to the count of a user created with that name later.
 */
export function unknownNameLockoutKey(poolId: string, folded: string): string {
  return `signin-lockout-unknown:${poolId}:${folded}`;
}

/** How long the `failures`-th consecutive failure locks the user out, in ms: 0 below five, then 2^(n−5) s, capped. */
export function lockoutMs(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  const exp = failures - FREE_FAILURES;
  // 2^10 s already exceeds 15 minutes; don't compute huge powers.
  return exp >= 10 ? MAX_LOCKOUT_MS : Math.min(MAX_LOCKOUT_MS, 1000 * 2 ** exp);
}

/** Throws NotAuthorizedException "Password attempts exceeded" while the user is locked out. */
export async function assertNotLockedOut(deps: LockoutDeps, poolId: string, username: string): Promise<void> {
  const state = await deps.store.counters.getLockout(lockoutKey(poolId, username));
  if (state && state.lockedUntil > deps.clock.now()) throw new NotAuthorizedException(PASSWORD_ATTEMPTS_EXCEEDED);
}

/**
 * Counts one failed password check and returns the consecutive failures so far. The count is one atomic
 * increment in the store, so parallel guesses each count (they cannot slip through as one failure).
 */
export async function recordFailedSignIn(deps: LockoutDeps, poolId: string, username: string): Promise<number> {
  const key = lockoutKey(poolId, username);
  const now = deps.clock.now();
  const failures = await deps.store.counters.addFailure(key, now);
  const lock = lockoutMs(failures);
  if (lock) await deps.store.counters.extendLockout(key, now + lock);
  return failures;
}

/** How long the 1st, 2nd, … consecutive failure locks (lockoutMs), for the store; its last entry holds for every later one. */
const LOCK_MS: readonly number[] = Array.from({ length: FREE_FAILURES + 10 }, (_, i) => lockoutMs(i + 1));

/** A single-use key the attempt marks used in the same write (a challenge state's nonce); `reused` is the refusal's message. */
export interface SingleUse {
  key: string;
  windowMs: number;
  reused: string;
}

/** An attempt taken: `succeeded()` after a correct password starts the count again (or pass `key` to a store write that does). */
export interface PasswordAttempt {
  key: string;
  succeeded(): Promise<void>;
}

/**
 * Takes one password attempt before the password is checked, so that parallel guesses cannot all slip past the
 * lockout while the slow checks run: throws "Password attempts exceeded" while the user is locked; otherwise
 * counts the attempt as a failure in advance and, from the fifth on, locks the user for as long as that failure
 * would — one atomic write in the store (counters.takeAttempt), which with `use` also marks a single-use key used
 * (refused with `use.reused` if it was). Attempts past the fifth must wait out the lock the previous one set, so a
 * burst of requests gets five checks, then one per lock. After a correct password the count starts again:
 * `succeeded()`, or the session's own commit clears `key` (sessions.create's clearLockout); after a wrong one
 * nothing more is needed.
 */
export async function beginPasswordAttempt(
  deps: LockoutDeps,
  poolId: string,
  username: string,
  use?: SingleUse,
): Promise<PasswordAttempt> {
  return beginAttempt(deps, lockoutKey(poolId, username), use);
}

/**
 * beginPasswordAttempt for a name nobody has (users hidden): the same reads, writes and locks, under the name's key
 * (unknownNameLockoutKey), so that it reaches "Password attempts exceeded" after as many failures, for as long.
 */
export async function beginUnknownNameAttempt(deps: LockoutDeps, poolId: string, folded: string, use?: SingleUse): Promise<void> {
  await beginAttempt(deps, unknownNameLockoutKey(poolId, folded), use);
}

async function beginAttempt(deps: LockoutDeps, key: string, use?: SingleUse): Promise<PasswordAttempt> {
  const now = deps.clock.now();
  const { uses, failures } = await deps.store.counters.takeAttempt(key, now, LOCK_MS, use && { key: use.key, windowMs: use.windowMs });
  if (use && uses > 1) throw new NotAuthorizedException(use.reused);
  if (!failures) throw new NotAuthorizedException(PASSWORD_ATTEMPTS_EXCEEDED);
  if (lockoutMs(failures)) deps.metrics?.lockout();
  return { key, succeeded: () => deps.store.counters.clearLockout(key) };
}

/** A successful password check: the count starts again. */
export async function clearFailedSignIns(deps: Pick<Deps, 'store'>, poolId: string, username: string): Promise<void> {
  await deps.store.counters.clearLockout(lockoutKey(poolId, username));
}
