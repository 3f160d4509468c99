// One-time codes (sign-up confirmation, attribute verification, forgot password, …) and the per-user rate limits on them.
//
// A code is 6 digits drawn from deps.random; the store keeps only an HMAC-SHA256 of it, keyed by a pepper that is
// generated once per database and kept sealed by the master key (meta 'code_pepper'), so every server sharing the
// database checks codes alike and a stolen database does not reveal live codes. One live code per (user, purpose):
// issuing replaces the previous one. A code is used once; failed attempts are counted on it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import type { CodeRecord } from '../../storage/records.ts';
import { CodeMismatchException, ExpiredCodeException, LimitExceededException } from '../errors.ts';

const HOUR = 60 * 60 * 1000;

/** Code lifetimes (COGNITO-API.md §9.3): sign-up confirmation 24 h, attribute verification 24 h, forgot password 1 h. */
export const CODE_TTL_MS = {
  signup: 24 * HOUR,
  verify: 24 * HOUR,
  forgot: HOUR,
} as const;

/** Purposes of stored codes (CodeRecord.purpose). */
export const SIGNUP_PURPOSE = 'signup';
/**
 * The code an SMS_MFA / EMAIL_OTP / SMS_OTP challenge sent, one per sign-in session (`sign-in-code:` + the nonce of the
 * challenge's sealed state): starting another sign-in for the same user never replaces or voids a code already sent
 * for a session (codes of the user's own, not sign-in, purposes stay one per user). Expired ones are dropped by
 * housekeeping.
 */
export const SIGN_IN_CODE_PREFIX = 'sign-in-code:';
export const signInCodePurpose = (nonce: string) => `${SIGN_IN_CODE_PREFIX}${nonce}`;

/**
 * Guesses allowed on one code. Cognito answers the first five wrong codes with CodeMismatchException and then
 * LimitExceededException (observed for ConfirmForgotPassword, amplify-ui-android#180); the code is then dead until
 * a new one is issued.
 */
export const MAX_CODE_ATTEMPTS = 5;

/** Per-user hourly limits (§9.3, non-adjustable in Cognito). */
export const RATE_LIMITS = {
  resendConfirmationCode: { limit: 5, windowMs: HOUR },
  confirmSignUp: { limit: 15, windowMs: HOUR },
  getUserAttributeVerificationCode: { limit: 5, windowMs: HOUR },
  verifyUserAttribute: { limit: 15, windowMs: HOUR },
  changePassword: { limit: 5, windowMs: HOUR },
} as const;

/** Observed Cognito wordings (COGNITO-API.md §10). */
export const MSG_CODE_MISMATCH = 'Invalid verification code provided, please try again.';
export const MSG_CODE_EXPIRED = 'Invalid code provided, please request a code again.';
export const MSG_ATTEMPT_LIMIT = 'Attempt limit exceeded, please try after some time.';

type CodeDeps = Pick<Deps, 'store' | 'storedKeys' | 'random' | 'clock'>;

function codeHash(key: Buffer, poolId: string, username: string, purpose: string, code: string): string {
  return createHmac('sha256', key).update([poolId, username, purpose, code].join('\0')).digest('base64url');
}

/** Six digits, leading zeros kept. */
export function newCode(deps: Pick<Deps, 'random'>): string {
  return String(deps.random.int(1_000_000)).padStart(6, '0');
}

export interface IssueCode {
  poolId: string;
  /** The internal username. */
  username: string;
  purpose: string;
  ttlMs: number;
  data?: Record<string, unknown>;
}

/** A code to send and when it stops working (the outbox keeps its message until then). */
export interface IssuedCode {
  code: string;
  expiresAt: number;
}

/** Issues a new code for (user, purpose), replacing any live one; returns the code to send and its expiry. */
export async function issueCode(deps: CodeDeps, req: IssueCode): Promise<IssuedCode> {
  const code = newCode(deps);
  const now = deps.clock.now();
  const record: CodeRecord = {
    poolId: req.poolId,
    username: req.username,
    purpose: req.purpose,
    codeHash: codeHash(await deps.storedKeys.get('code_pepper'), req.poolId, req.username, req.purpose, code),
    createdAt: now,
    expiresAt: now + req.ttlMs,
    attempts: 0,
    data: req.data ?? {},
  };
  await deps.store.codes.put(record);
  return { code, expiresAt: record.expiresAt };
}

export interface CheckCode {
  poolId: string;
  username: string;
  purpose: string;
  code: string;
  maxAttempts?: number;
}

/**
 * Checks a code without using it up. No live code or a wrong one → CodeMismatchException; past its expiry →
 * ExpiredCodeException; more than `maxAttempts` tries on one code → LimitExceededException. Every check counts as a
 * try. Returns the code's record (for `data`); call useCode once the operation has done what the code allows.
 */
export async function verifyCode(deps: CodeDeps, req: CheckCode): Promise<CodeRecord> {
  const { store } = deps;
  const record = await store.codes.get(req.poolId, req.username, req.purpose);
  if (!record) throw new CodeMismatchException(MSG_CODE_MISMATCH);
  if (deps.clock.now() >= record.expiresAt) throw new ExpiredCodeException(MSG_CODE_EXPIRED);
  const attempts = await store.codes.addAttempt(req.poolId, req.username, req.purpose);
  if (attempts === 0) throw new CodeMismatchException(MSG_CODE_MISMATCH); // used meanwhile by a concurrent request
  if (attempts > (req.maxAttempts ?? MAX_CODE_ATTEMPTS)) throw new LimitExceededException(MSG_ATTEMPT_LIMIT);
  const given = Buffer.from(codeHash(await deps.storedKeys.get('code_pepper'), req.poolId, req.username, req.purpose, req.code));
  const expected = Buffer.from(record.codeHash);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new CodeMismatchException(MSG_CODE_MISMATCH);
  return record;
}

/**
 * Uses up a verified code (single use). Of two requests with the right code, the one that deletes it first wins;
 * the other gets CodeMismatchException.
 */
export async function useCode(deps: Pick<Deps, 'store'>, poolId: string, username: string, purpose: string): Promise<void> {
  if (!(await deps.store.codes.delete(poolId, username, purpose))) throw new CodeMismatchException(MSG_CODE_MISMATCH);
}

/** verifyCode then useCode. */
export async function consumeCode(deps: CodeDeps, req: CheckCode): Promise<CodeRecord> {
  const record = await verifyCode(deps, req);
  await useCode(deps, req.poolId, req.username, req.purpose);
  return record;
}

/**
 * Counts one call of `action` for the user and throws LimitExceededException ("Attempt limit exceeded, please try
 * after some time.") once the hourly limit is passed. Counters live in the store, shared by every server.
 */
export async function rateLimit(
  deps: Pick<Deps, 'store' | 'clock'>,
  action: keyof typeof RATE_LIMITS,
  poolId: string,
  username: string,
): Promise<void> {
  const { limit, windowMs } = RATE_LIMITS[action];
  const n = await deps.store.counters.hit(`${action}:${poolId}:${username}`, windowMs, deps.clock.now());
  if (n > limit) throw new LimitExceededException(MSG_ATTEMPT_LIMIT);
}
