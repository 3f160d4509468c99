// Sign-in lockout: consecutive failed password checks per user, locked out for a doubling time, shared by every process.
//
// Cognito (COGNITO-API.md §5.3, §9.3; "Password attempts exceeded" observed): after five failed sign-in attempts
// the user is locked out for 1 second, doubling with each further failure up to about 15 minutes; while locked,
// sign-in answers NotAuthorizedException "Password attempts exceeded" without looking at the password (those
// attempts are not counted); a successful sign-in clears the count. The state lives in deps.store.counters
// (getLockout/setLockout/clearLockout), keyed per pool and internal username, so every server sharing a
// PostgreSQL database sees the same lockout. With users hidden (PreventUserExistenceErrors ENABLED) a name nobody
// has is locked out alike, keyed per name as the sign-in lookup folds it: otherwise the lockout alone would tell
// which names are users'.
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

/**
 * Takes one password attempt before the password is checked, so that parallel guesses cannot all slip past the
 * lockout while the slow checks run: throws "Password attempts exceeded" while the user is locked; otherwise
 * counts the attempt as a failure in advance (one atomic increment) and, from the fifth on, locks the user for
 * as long as that failure would. Attempts past the fifth must wait out the lock the previous one set, so a burst
 * of requests gets five checks, then one per lock. Call `succeeded()` after a correct password (the count
 * starts again); after a wrong one nothing more is needed. Unlike Cognito, attempts refused during a lockout
 * also count, so hammering a locked user lengthens the lock.
 */
export async function beginPasswordAttempt(
  deps: LockoutDeps,
  poolId: string,
  username: string,
): Promise<{ succeeded(): Promise<void> }> {
  return beginAttempt(deps, lockoutKey(poolId, username));
}

/**
 * beginPasswordAttempt for a name nobody has (users hidden): the same reads, writes and locks, under the name's key
 * (unknownNameLockoutKey), so that it reaches "Password attempts exceeded" after as many failures, for as long.
 */
export async function beginUnknownNameAttempt(deps: LockoutDeps, poolId: string, folded: string): Promise<void> {
  await beginAttempt(deps, unknownNameLockoutKey(poolId, folded));
}

async function beginAttempt(deps: LockoutDeps, key: string): Promise<{ succeeded(): Promise<void> }> {
  const now = deps.clock.now();
  const locked = async () => {
    const state = await deps.store.counters.getLockout(key);
    return !!state && state.lockedUntil > now;
  };
  if (await locked()) throw new NotAuthorizedException(PASSWORD_ATTEMPTS_EXCEEDED);
  const n = await deps.store.counters.addFailure(key, now);
  if (n > FREE_FAILURES && (await locked())) throw new NotAuthorizedException(PASSWORD_ATTEMPTS_EXCEEDED);
  const lock = lockoutMs(n);
  if (lock) {
    await deps.store.counters.extendLockout(key, now + lock);
    deps.metrics?.lockout();
  }
  return { succeeded: () => deps.store.counters.clearLockout(key) };
}

/** A successful password check: the count starts again. */
export async function clearFailedSignIns(deps: Pick<Deps, 'store'>, poolId: string, username: string): Promise<void> {
  await deps.store.counters.clearLockout(lockoutKey(poolId, username));
}
