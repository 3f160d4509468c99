// The storage interface of sign-in sessions and their rotating refresh tokens.
import type { AuthSessionRecord, RefreshTokenRecord } from '../records.ts';

export interface SessionStore {
  /**
   * Stores a new sign-in session with its first refresh token, and (`clearLockout`) forgets that counters lockout
   * key in the same transaction: the successful password attempt the session ends needs no commit of its own.
   */
  create(session: AuthSessionRecord, refresh: RefreshTokenRecord, opts?: { clearLockout?: string }): Promise<void>;
  get(originJti: string): Promise<AuthSessionRecord | null>;
  getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null>;
  /** Rotation: marks `oldHash` superseded at `now` and adds `next`, atomically; false if oldHash was already superseded. */
  rotateRefreshToken(oldHash: string, next: RefreshTokenRecord, now: number): Promise<boolean>;
  /** Revokes one session (RevokeToken). False if unknown. */
  revoke(originJti: string, now: number): Promise<boolean>;
  /** Revokes every live session of a user (GlobalSignOut); returns how many. */
  revokeAllForUser(poolId: string, username: string, now: number): Promise<number>;
  /** Drops sessions and refresh tokens expired before `before` (housekeeping). */
  purgeExpired(before: number): Promise<number>;
}
