// Password recovery and password changes (ForgotPassword, ConfirmForgotPassword, ChangePassword): who may reset, the
// simulated answer that hides users, the hourly limits on resets, and setting a new password on a user.
//
// Cognito's rules (developer guide, "Recovering user accounts" and "Managing user existence error responses"):
// - The code goes to a verified address picked by AccountRecoverySetting (admin-users.ts recoveryTarget, shared with
//   AdminResetUserPassword). Without the setting ("legacy") "Cognito uses a verified phone first. If the verified
//   phone is not found for the user, Cognito falls back and will use verified email next."
// - "In a given hour, we allow between 5 and 20 attempts for a user to request or enter a password reset code":
//   more than five ForgotPassword requests an hour answer LimitExceededException (observed,
//   amazon-cognito-identity-js#548); five wrong codes kill a code (observed, amplify-ui-android#180, see codes.ts).
// - PreventUserExistenceErrors ENABLED: ForgotPassword answers a simulated CodeDeliveryDetails for a user who is not
//   found, is disabled, or has no verified address; ConfirmForgotPassword answers CodeMismatchException for users
//   who do not exist or are disabled, and ExpiredCodeException when no code was requested.
import { createHash } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import type { DeliveryResult } from '../../runtime/delivery.ts';
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import { InvalidParameterException, LimitExceededException, NotAuthorizedException, TooManyFailedAttemptsException } from '../errors.ts';
import type { CodeDeliveryDetailsType } from '../shapes.ts';
import { ADMIN_MSG, storePassword } from './admin-users.ts';
import { isEmail, isPhoneNumber } from './attributes.ts';
import { MSG_ATTEMPT_LIMIT } from './codes.ts';
import { clearFailedSignIns } from './lockout.ts';
import { maskDestination } from './messages.ts';
import { newCredentials } from './passwords.ts';
import { poolSettings } from './pools.ts';
import { signInNameKey } from './users.ts';

// The channel (recoveryTarget), the code purpose (RESET_CODE_PURPOSE, 'forgot') and the refusal wordings are
// AdminResetUserPassword's, in admin-users.ts: both start the same reset.
export { RESET_CODE_PURPOSE, recoveryTarget } from './admin-users.ts';

const HOUR = 60 * 60 * 1000;

/** Hourly per-user limits on recovery (developer guide: "between 5 and 20 attempts" an hour, risk-dependent). */
export const RECOVERY_LIMITS = {
  /** ForgotPassword requests: the sixth in an hour is refused (observed, amazon-cognito-identity-js#548). */
  forgotPassword: { limit: 5, windowMs: HOUR },
  /** Wrong ConfirmForgotPassword codes over all codes of the hour: the top of Cognito's range (choice ours). */
  confirmForgotPasswordFailures: { limit: 20, windowMs: HOUR },
} as const;

/** Wording ours: TooManyFailedAttemptsException's message was not found. */
export const MSG_TOO_MANY_FAILURES = 'Too many failed attempts, please try after some time.';

/**
 * The CodeDeliveryDetails a hiding client (PreventUserExistenceErrors ENABLED) answers when no code is sent: "the
 * simulated delivery medium is determined by the input user name format and verification settings of the user
 * pool" (developer guide). A name that is a phone number or email is masked as itself; otherwise the medium is the
 * pool's first recovery mechanism (legacy: SMS when the pool verifies phone numbers and not emails), and the masked
 * characters come from a hash of the name. The name counts as the sign-in lookup folds it (signInNameKey), and an
 * email is masked in lower case: every spelling of one name gets the same answer, as every spelling of a user's name
 * gets the user's address, and a caller's odd casing is not echoed where a stored address would not show it.
 */
export function simulatedRecoveryDelivery(pool: PoolRecord, name: string): CodeDeliveryDetailsType {
  const folded = signInNameKey(pool, name);
  const h = createHash('sha256').update(`recovery\0${pool.id}\0${folded}`).digest();
  let sms: boolean;
  if (isPhoneNumber(name)) sms = true;
  else if (isEmail(name)) sms = false;
  else {
    const first = [...(poolSettings(pool).AccountRecoverySetting?.RecoveryMechanisms ?? [])]
      .filter((m) => m.Name !== 'admin_only')
      .sort((a, b) => a.Priority - b.Priority)[0];
    const auto = poolSettings(pool).AutoVerifiedAttributes ?? [];
    sms = first ? first.Name === 'verified_phone_number' : auto.includes('phone_number') && !auto.includes('email');
  }
  if (sms) {
    const digits = isPhoneNumber(name) ? name : `+1555${[...h.subarray(0, 7)].map((b) => b % 10).join('')}`;
    return { Destination: maskDestination('SMS', digits), DeliveryMedium: 'SMS', AttributeName: 'phone_number' };
  }
  const letter = (i: number) => String.fromCharCode(97 + (h[i]! % 26));
  const email = isEmail(name) ? name.toLowerCase() : `${letter(0)}@${letter(1)}.com`;
  return { Destination: maskDestination('EMAIL', email), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
}

// ---------------------------------------------------------------------------------------------------------
// Limits

const counterKey = (what: string, poolId: string, username: string) => `${what}:${poolId}:${username}`;

/**
 * Counts a ForgotPassword request; the sixth in an hour is LimitExceededException "Attempt limit exceeded, please try
 * after some time.". Counted per user (its username key), whichever name or spelling asked: counting the name as given
 * let `Victim@…`, `vIctim@…` … each have their own five messages. A hiding client also counts names nobody has, per
 * name as the sign-in lookup folds it (signInNameKey), so that they run into the limit as real users do.
 */
export async function limitForgotPassword(deps: Pick<Deps, 'store' | 'clock'>, poolId: string, key: string): Promise<void> {
  const { limit, windowMs } = RECOVERY_LIMITS.forgotPassword;
  const n = await deps.store.counters.hit(counterKey('forgotPassword', poolId, key), windowMs, deps.clock.now());
  if (n > limit) throw new LimitExceededException(MSG_ATTEMPT_LIMIT);
}

const failuresKey = (poolId: string, username: string) => counterKey('confirmForgotPasswordFailures', poolId, username);

/** Refuses ConfirmForgotPassword once the user has had too many wrong codes this hour (TooManyFailedAttemptsException). */
export async function assertConfirmForgotPasswordAllowed(deps: Pick<Deps, 'store' | 'clock'>, poolId: string, username: string): Promise<void> {
  const n = await deps.store.counters.peek(failuresKey(poolId, username), deps.clock.now());
  if (n >= RECOVERY_LIMITS.confirmForgotPasswordFailures.limit) throw new TooManyFailedAttemptsException(MSG_TOO_MANY_FAILURES);
}

/** Counts one wrong ConfirmForgotPassword code. */
export async function recordConfirmForgotPasswordFailure(deps: Pick<Deps, 'store' | 'clock'>, poolId: string, username: string): Promise<void> {
  await deps.store.counters.hit(failuresKey(poolId, username), RECOVERY_LIMITS.confirmForgotPasswordFailures.windowMs, deps.clock.now());
}

// ---------------------------------------------------------------------------------------------------------
// Refusals

/**
 * Why ForgotPassword refuses a user (a LEGACY client says so; a hiding client answers a simulated delivery): disabled
 * (NotAuthorizedException "User is disabled."), or holding a temporary password, which is replaced by signing in
 * with it (NEW_PASSWORD_REQUIRED), not by a reset (NotAuthorizedException "User password cannot be reset in the
 * current state.", observed for FORCE_CHANGE_PASSWORD users: amplify-flutter#3048, amplify-js#1340). UNCONFIRMED
 * users are not refused here: they rarely have a verified address and then get the no-contact error (as observed in
 * aws/aws-sdk-net#1984); one that has one gets a code, and ConfirmForgotPassword confirms them (inferred).
 */
export function recoveryRefusal(user: UserRecord): Error | null {
  if (!user.enabled) return new NotAuthorizedException(ADMIN_MSG.disabled);
  if (user.status === 'FORCE_CHANGE_PASSWORD') return new NotAuthorizedException(ADMIN_MSG.cannotReset);
  return null;
}

/** Whether the pool's AccountRecoverySetting is admin_only (no self-service recovery, whoever the user is). */
export function adminOnlyPool(pool: PoolRecord): boolean {
  return (poolSettings(pool).AccountRecoverySetting?.RecoveryMechanisms ?? []).some((m) => m.Name === 'admin_only');
}

export const noVerifiedContact = () => new InvalidParameterException(ADMIN_MSG.noRecoveryContact);
export const adminOnlyRecovery = () => new InvalidParameterException(ADMIN_MSG.adminOnlyRecovery);

/**
 * Runs `work` (storing a code and sending it) after the answer has been sent (on the next turn of the event loop, once
 * the reply is written): a hiding client answers a user who gets a code after the same work as a name nobody has. The
 * delivery port records a failed send in the outbox and logs it; anything thrown (the store or the outbox failing) is
 * logged here, not lost.
 */
export function deliverAfterAnswer(deps: Pick<Deps, 'logger'>, work: () => Promise<DeliveryResult>, fields: Record<string, unknown>): void {
  setImmediate(() => {
    work().catch((e: unknown) => deps.logger.error('background code delivery failed', { ...fields, error: e instanceof Error ? e.message : String(e) }));
  });
}

// ---------------------------------------------------------------------------------------------------------
// Setting a password

/**
 * Replaces the user's password (call checkPasswordPolicy first): new argon2id hash and SRP verifier, the old hash
 * into the history (PasswordHistorySize: a reuse is PasswordHistoryPolicyViolationException), passwordSetAt now,
 * the status given, and the sign-in lockout cleared. `beforeStore` runs once the new credentials are computed (the
 * history check passed) and before they are stored: ConfirmForgotPassword spends its code there, so of two requests
 * with the same code only the one that spent it writes its password. Returns the stored user.
 */
export async function setUserPassword(
  deps: Pick<Deps, 'store' | 'clock' | 'secrets' | 'random' | 'hashing'>,
  pool: PoolRecord,
  user: UserRecord,
  password: string,
  status: UserRecord['status'],
  beforeStore?: () => Promise<void>,
): Promise<UserRecord> {
  const sealed = await newCredentials(deps, pool, user.username, password, user);
  await beforeStore?.();
  const out = await storePassword(deps, pool, user, sealed, status);
  await clearFailedSignIns(deps, pool.id, user.username);
  return out;
}
