// Redeeming refresh tokens, with rotation: a typed outcome, which each edge maps to its own wire (AWS errors on
// cognito-idp, RFC 6749 `invalid_grant` on the OAuth token endpoint). Users are the caller's business.
import { hkdfSync } from 'node:crypto';
import type { AuthSessionRecord, RefreshTokenRecord } from '../storage/records.ts';
import type { Deps } from '../deps.ts';
import { REFRESH_TOKEN_RANDOM_BYTES, refreshTokenFromBytes, refreshTokenHash } from './mint.ts';

export type RefreshDeps = Pick<Deps, 'store' | 'clock' | 'random' | 'secrets'>;

/** Why a refresh token was refused. */
export type RefreshRefusal = 'invalid' | 'expired' | 'revoked' | 'reused';

export type RefreshOutcome =
  | { ok: true; session: AuthSessionRecord; newRefreshToken?: string }
  | { ok: false; reason: RefreshRefusal };

export interface RedeemOptions {
  /** Rotate: supersede the token and hand out its successor. */
  rotate?: boolean;
  /** How long a superseded token is still accepted (a retry gets the same successor). */
  graceSeconds?: number;
  /**
   * Called with the session of a token that is otherwise good, before it is rotated: the caller's own checks (its
   * user still may hold tokens). What it throws goes to the caller, and nothing is rotated.
   */
  accept?: (session: AuthSessionRecord) => Promise<void>;
}

/**
 * Validates a refresh token for the app client `clientId` of pool `poolId` (belongs to the client, not expired,
 * session not revoked), optionally rotating it.
 *
 * Rotation: the token is superseded and a successor issued (`newRefreshToken`). The superseded token is still
 * accepted for `graceSeconds` — "This allows for client-side retries" (RefreshTokenRotationType) — and a retry gets
 * the same successor again, so a client whose first answer was lost ends up holding the live token. Successors
 * expire with their session, which the first sign-in set.
 *
 * Reuse: a superseded token presented after its grace (rotating or not) is 'reused', and it ends the whole session,
 * as RevokeToken would: its successor refresh token and the access tokens issued in it stop working. Two holders of
 * one token mean it leaked, and the server cannot tell which holder rotated first — the thief may have — so neither
 * keeps a working token (OAuth 2.0 Security BCP, RFC 9700 §4.14.2). Supersession only exists through rotation: a
 * client without rotation never has a superseded token, so nothing there is reuse.
 */
export async function redeemRefreshToken(
  deps: RefreshDeps,
  client: { id: string; poolId: string },
  token: string,
  opts: RedeemOptions = {},
): Promise<RefreshOutcome> {
  const now = deps.clock.now();
  const hash = refreshTokenHash(token);
  // The token and its session in one read.
  const found = await deps.store.sessions.getRefreshTokenWithSession(hash);
  const record = found?.token;
  const session = found?.session;
  // A token of another app client is as unknown to this one as a made-up one.
  if (!record || !session || session.clientId !== client.id || session.poolId !== client.poolId) return refuse('invalid');
  if (session.revokedAt !== null) return refuse('revoked');
  if (now >= record.expiresAt || now >= session.expiresAt) return refuse('expired');
  const graceMs = (opts.graceSeconds ?? 0) * 1000;
  const rotate = opts.rotate === true;
  if (pastGrace(record, now, graceMs)) return reused(deps, session, now);
  if (opts.accept) await opts.accept(session);
  if (!rotate) return { ok: true, session };

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
      if (!again) return refuse('invalid');
      if (pastGrace(again, now, graceMs)) return reused(deps, session, now);
    }
  }
  return { ok: true, session, newRefreshToken };
}

const refuse = (reason: RefreshRefusal): RefreshOutcome => ({ ok: false, reason });

/** Whether `record` was superseded and its grace is over. */
function pastGrace(record: RefreshTokenRecord, now: number, graceMs: number): boolean {
  return record.supersededAt !== null && now > record.supersededAt + graceMs;
}

/** Reuse of a superseded token: the session ends (successor refresh token and its access tokens with it). */
async function reused(deps: RefreshDeps, session: AuthSessionRecord, now: number): Promise<RefreshOutcome> {
  await deps.store.sessions.revoke(session.originJti, now);
  return refuse('reused');
}

const ROTATION_KEY = 'refresh_rotation_key';

/**
 * The token that replaces `token` on rotation: derived from it under a deployment-wide secret (sealed in the meta
 * store, shared by every process), so that a retry inside the grace period gets the same successor, and nobody
 * without the secret can compute it from a stolen old token.
 */
async function successorOf(deps: RefreshDeps, token: string): Promise<string> {
  const sealed = await deps.store.meta.setIfAbsent(ROTATION_KEY, deps.secrets.encrypt(deps.random.bytes(32)));
  const key = deps.secrets.decrypt(sealed);
  const bytes = Buffer.from(hkdfSync('sha256', key, Buffer.from(token, 'utf8'), 'cognate refresh token successor', REFRESH_TOKEN_RANDOM_BYTES));
  return refreshTokenFromBytes(bytes);
}
