// The storage interface of sign-in sessions and their rotating refresh tokens.
import type { AuthSessionRecord, ClientRecord, PoolRecord, RefreshTokenRecord, UserRecord } from '../records.ts';

/** A session with what an access-token check reads along with it: its pool, its app client, a user of its pool. */
export interface SessionWithContext {
  session: AuthSessionRecord;
  pool: PoolRecord | null;
  client: ClientRecord | null;
  /** The user of the session's pool whose sub was asked for, whoever that is (the caller compares usernames). */
  user: UserRecord | null;
}

export interface SessionStore {
  /**
   * Stores a new sign-in session with its first refresh token, and (`clearLockout`) forgets that counters lockout
   * key in the same transaction: the successful password attempt the session ends needs no commit of its own.
   */
  create(session: AuthSessionRecord, refresh: RefreshTokenRecord, opts?: { clearLockout?: string }): Promise<void>;
  get(originJti: string): Promise<AuthSessionRecord | null>;
  /** The session `originJti` with its pool, app client and the user `sub` of its pool, in one read; null if no session. */
  getWithContext(originJti: string, sub: string): Promise<SessionWithContext | null>;
  getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null>;
  /** A refresh token with its session (null if gone), in one read; null if no such token. */
  getRefreshTokenWithSession(tokenHash: string): Promise<{ token: RefreshTokenRecord; session: AuthSessionRecord | null } | null>;
  /** Rotation: marks `oldHash` superseded at `now` and adds `next`, atomically; false if oldHash was already superseded. */
  rotateRefreshToken(oldHash: string, next: RefreshTokenRecord, now: number): Promise<boolean>;
  /** Revokes one session (RevokeToken). False if unknown. */
  revoke(originJti: string, now: number): Promise<boolean>;
  /** Revokes every live session of a user (GlobalSignOut); returns how many. */
  revokeAllForUser(poolId: string, username: string, now: number): Promise<number>;
  /** Drops sessions and refresh tokens expired before `before` (housekeeping). */
  purgeExpired(before: number): Promise<number>;
}
