// Housekeeping: drops expired sessions, refresh tokens, counters, outbox messages, unanswered custom-auth challenges,
// unused sign-in codes, idle failure streaks and devices never confirmed on a timer (injected clock).
import type { Deps } from '../deps.ts';
import { SIGN_IN_CODE_PREFIX } from '../user-pools/domain/codes.ts';
import { PENDING_CHALLENGE_PREFIX } from '../user-pools/sign-in/flows/custom-auth.ts';

/** Failure streaks idle this long are forgotten (a locked user stays locked until the lock ends). */
export const FAILURE_STREAK_IDLE_MS = 24 * 3600 * 1000;
/**
 * Devices a sign-in handed out (NewDeviceMetadata) but nobody confirmed are dropped after this long: ConfirmDevice
 * needs an access token of the user, and none lives longer than a day (§3.6).
 */
export const UNCONFIRMED_DEVICE_MS = 25 * 3600 * 1000;

/** One pass; safe to run in every process at once (each delete is idempotent). Returns the rows removed. */
export async function housekeep(deps: Pick<Deps, 'store' | 'clock'>): Promise<number> {
  const now = deps.clock.now();
  const sessions = await deps.store.sessions.purgeExpired(now);
  const counters = await deps.store.counters.purgeExpired(now, now - FAILURE_STREAK_IDLE_MS);
  const messages = await deps.store.outbox.purgeExpired(now);
  const challenges = await deps.store.codes.purgeExpired(now, PENDING_CHALLENGE_PREFIX);
  const signInCodes = await deps.store.codes.purgeExpired(now, SIGN_IN_CODE_PREFIX);
  const devices = await deps.store.devices.purgeUnconfirmed(now - UNCONFIRMED_DEVICE_MS);
  return sessions + counters + messages + challenges + signInCodes + devices;
}

/** Runs housekeep every `everyMs`; returns a stop function. Failures are logged, never thrown. */
export function startHousekeeping(deps: Pick<Deps, 'store' | 'clock' | 'logger'>, everyMs = 10 * 60 * 1000): () => void {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const removed = await housekeep(deps);
      if (removed) deps.logger.debug('housekeeping', { removed });
    } catch (e) {
      deps.logger.error('housekeeping failed', { error: String(e) });
    } finally {
      running = false;
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
