// Redeeming refresh tokens (GetTokensFromRefreshToken, REFRESH_TOKEN_AUTH, the OAuth refresh_token grant), with rotation.
import { createHash, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../deps.ts';
import type { AuthSessionRecord, ClientRecord, PoolRecord, RefreshTokenRecord, UserRecord } from '../storage/records.ts';
import { NotAuthorizedException, RefreshTokenReuseException, UserNotFoundException } from '../user-pools/errors.ts';
import { usernameKey } from '../user-pools/domain/usernames.ts';
import { REFRESH_TOKEN_RANDOM_BYTES, refreshTokenFromBytes, refreshTokenHash } from './mint.ts';

/**
 * Cognito's messages for refused refresh tokens. "Invalid Refresh Token." is observed with its full stop (botocore
 * debug log in aws-sdk-cpp#1789, aws-sdk-js-v3#7162, aws-sdk-java-v2#1687); "Refresh Token has been revoked" is
 * observed (aws-sdk-net#1936); "Refresh Token has expired" is the commonly reported wording. The reuse message is ours.
 */
export const REFRESH_TOKEN_MESSAGES = {
  invalid: 'Invalid Refresh Token.',
  expired: 'Refresh Token has expired',
  revoked: 'Refresh Token has been revoked',
  reused: 'Refresh Token has been rotated and can no longer be used', // wording ours
  disabled: 'User is disabled.',
  userNotFound: 'User does not exist.',
} as const;

/** Statuses whose users keep their sessions; any other status (UNCONFIRMED, RESET_REQUIRED, …) ends them. */
const ACTIVE_STATUSES = new Set(['CONFIRMED', 'EXTERNAL_PROVIDER']);

/** The client's rotation settings (RefreshTokenRotationType): whether GetTokensFromRefreshToken rotates, and the grace. */
export function rotationOf(client: ClientRecord): { rotate: boolean; graceSeconds: number } {
  const r = client.settings.RefreshTokenRotation as { Feature?: string; RetryGracePeriodSeconds?: number } | undefined;
  return { rotate: r?.Feature === 'ENABLED', graceSeconds: r?.RetryGracePeriodSeconds ?? 0 };
}

/**
 * Validates a refresh token for `client` (belongs to the client, not expired, session not revoked, user
 * exists/enabled/confirmed), optionally rotating it.
 *
 * Rotation: the token is superseded and a successor issued (`newRefreshToken`). The superseded token is still
 * accepted for `graceSeconds` — "This allows for client-side retries" (RefreshTokenRotationType) — and a retry gets
 * the same successor again, so a client whose first answer was lost ends up holding the live token. Later use is
 * RefreshTokenReuseException (GetTokensFromRefreshToken declares it); without `rotate` (REFRESH_TOKEN_AUTH, which
 * declares no such error) it is NotAuthorizedException "Invalid Refresh Token.". Successors expire with their session,
 * which the first sign-in set.
 */
export async function redeemRefreshToken(
  deps: Deps,
  client: ClientRecord,
  token: string,
  opts: { rotate?: boolean; graceSeconds?: number } = {},
): Promise<{ pool: PoolRecord; user: UserRecord; session: AuthSessionRecord; newRefreshToken?: string }> {
  const M = REFRESH_TOKEN_MESSAGES;
  const now = deps.clock.now();
  const hash = refreshTokenHash(token);
  const record = await deps.store.sessions.getRefreshToken(hash);
  const session = record ? await deps.store.sessions.get(record.originJti) : null;
  // A token of another app client is as unknown to this one as a made-up one.
  if (!record || !session || session.clientId !== client.id || session.poolId !== client.poolId)
    throw new NotAuthorizedException(M.invalid);
  if (session.revokedAt !== null) throw new NotAuthorizedException(M.revoked);
  if (now >= record.expiresAt || now >= session.expiresAt) throw new NotAuthorizedException(M.expired);
  const graceMs = (opts.graceSeconds ?? rotationOf(client).graceSeconds) * 1000;
  checkNotSuperseded(record, now, graceMs, opts.rotate === true);

  const pool = await deps.store.pools.get(session.poolId);
  if (!pool) throw new NotAuthorizedException(M.invalid);
  const user = await deps.store.users.get(pool.id, usernameKey(pool, session.username));
  if (!user) throw new UserNotFoundException(M.userNotFound);
  if (!user.enabled) throw new NotAuthorizedException(M.disabled);
  if (!ACTIVE_STATUSES.has(user.status)) throw new NotAuthorizedException(M.invalid);

  if (!opts.rotate) return { pool, user, session };
  const newRefreshToken = await successorOf(deps, token);
  if (record.supersededAt === null) {
    const rotated = await deps.store.sessions.rotateRefreshToken(
      hash,
      { tokenHash: refreshTokenHash(newRefreshToken), originJti: session.originJti, createdAt: now, expiresAt: session.expiresAt, supersededAt: null },
      now,
    );
    if (!rotated) {
      // A concurrent request rotated it first: this one is a retry, judged by the time that rotation took.
      const again = await deps.store.sessions.getRefreshToken(hash);
      if (!again) throw new NotAuthorizedException(M.invalid);
      checkNotSuperseded(again, now, graceMs, true);
    }
  }
  return { pool, user, session, newRefreshToken };
}

function checkNotSuperseded(record: RefreshTokenRecord, now: number, graceMs: number, rotating: boolean): void {
  if (record.supersededAt === null || now <= record.supersededAt + graceMs) return;
  if (rotating) throw new RefreshTokenReuseException(REFRESH_TOKEN_MESSAGES.reused);
  throw new NotAuthorizedException(REFRESH_TOKEN_MESSAGES.invalid);
}

const ROTATION_KEY = 'refresh_rotation_key';

/**
 * The token that replaces `token` on rotation: derived from it under a deployment-wide secret (sealed in the meta
 * store, shared by every process), so that a retry inside the grace period gets the same successor, and nobody
 * without the secret can compute it from a stolen old token.
 */
async function successorOf(deps: Deps, token: string): Promise<string> {
  const sealed = await deps.store.meta.setIfAbsent(ROTATION_KEY, deps.secrets.encrypt(deps.random.bytes(32)));
  const key = deps.secrets.decrypt(sealed);
  const bytes = Buffer.from(hkdfSync('sha256', key, Buffer.from(token, 'utf8'), 'cognate refresh token successor', REFRESH_TOKEN_RANDOM_BYTES));
  return refreshTokenFromBytes(bytes);
}

/**
 * Whether `given` is one of the client's secrets (raw, as GetTokensFromRefreshToken and RevokeToken take it; up to two
 * are active, AddUserPoolClientSecret). Constant-time per secret.
 */
export function clientSecretMatches(secrets: readonly string[], given: string | undefined): boolean {
  if (given === undefined) return false;
  const g = createHash('sha256').update(given, 'utf8').digest();
  let ok = false;
  for (const s of secrets) ok = timingSafeEqual(createHash('sha256').update(s, 'utf8').digest(), g) || ok;
  return ok;
}
