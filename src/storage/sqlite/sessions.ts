// SQLite sign-in sessions and refresh tokens: create with the first token, rotate once, revoke, purge.
import type { AuthSessionRecord, RefreshTokenRecord } from '../records.ts';
import type { SessionStore } from '../store.ts';
import { rows, type Row, type SqliteDb } from './db.ts';
import { withAttributes } from './user-list.ts';

export function sqliteSessions(s: SqliteDb): SessionStore {
  const { db, q } = s;
  // Several statements in one read transaction: in process, SQLite has no round trips to save.
  const withContext = db.transaction((originJti: string, sub: string) => {
    const r = q('SELECT * FROM auth_sessions WHERE origin_jti = ?').get(originJti) as Row | undefined;
    if (!r) return null;
    const p = q('SELECT * FROM pools WHERE id = ?').get(r.pool_id) as Row | undefined;
    const c = q('SELECT * FROM clients WHERE id = ?').get(r.client_id) as Row | undefined;
    const u = q('SELECT * FROM users WHERE pool_id = ? AND sub = ?').get(r.pool_id, sub) as Row | undefined;
    return {
      session: rows.session(r),
      pool: p ? rows.pool(p) : null,
      client: c ? rows.client(c) : null,
      user: u ? withAttributes(s, r.pool_id, [u])[0]! : null,
    };
  });
  const refreshWithSession = db.transaction((tokenHash: string) => {
    const t = q('SELECT * FROM refresh_tokens WHERE token_hash = ?').get(tokenHash) as Row | undefined;
    if (!t) return null;
    const r = q('SELECT * FROM auth_sessions WHERE origin_jti = ?').get(t.origin_jti) as Row | undefined;
    return { token: rows.refresh(t), session: r ? rows.session(r) : null };
  });
  const insertRefresh = (t: RefreshTokenRecord) => {
    q('INSERT INTO refresh_tokens (token_hash, origin_jti, created_at, expires_at, superseded_at) VALUES (?, ?, ?, ?, ?)').run(
      t.tokenHash,
      t.originJti,
      t.createdAt,
      t.expiresAt,
      t.supersededAt,
    );
  };
  const createSession = db.transaction((s: AuthSessionRecord, t: RefreshTokenRecord, clearLockout?: string) => {
    q(
      `INSERT INTO auth_sessions (origin_jti, pool_id, client_id, username, auth_time, created_at, expires_at, revoked_at, device_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(s.originJti, s.poolId, s.clientId, s.username, s.authTime, s.createdAt, s.expiresAt, s.revokedAt, s.deviceKey);
    insertRefresh(t);
    if (clearLockout !== undefined) q('DELETE FROM lockouts WHERE key = ?').run(clearLockout);
  });
  const rotateRefresh = db.transaction((oldHash: string, next: RefreshTokenRecord, now: number) => {
    // Conditional on not yet superseded: of two rotations of one token, only the first adds a successor.
    const r = q('UPDATE refresh_tokens SET superseded_at = ? WHERE token_hash = ? AND superseded_at IS NULL').run(now, oldHash);
    if (r.changes !== 1) return false;
    insertRefresh(next);
    return true;
  });
  const purgeExpired = db.transaction((before: number) => {
    // Counted explicitly, tokens of expiring sessions included: SQLite's changes() leaves out cascaded rows.
    const tokens = q(
      `DELETE FROM refresh_tokens
       WHERE expires_at < ? OR origin_jti IN (SELECT origin_jti FROM auth_sessions WHERE expires_at < ?)`,
    ).run(before, before).changes;
    const sessions = q('DELETE FROM auth_sessions WHERE expires_at < ?').run(before).changes;
    return tokens + sessions;
  });

  return {
    async create(session, refresh, opts) {
      createSession.immediate(session, refresh, opts?.clearLockout);
    },
    async get(originJti) {
      const r = q('SELECT * FROM auth_sessions WHERE origin_jti = ?').get(originJti) as Row | undefined;
      return r ? rows.session(r) : null;
    },
    async getWithContext(originJti, sub) {
      return withContext(originJti, sub);
    },
    async getRefreshTokenWithSession(tokenHash) {
      return refreshWithSession(tokenHash);
    },
    async getRefreshToken(tokenHash) {
      const r = q('SELECT * FROM refresh_tokens WHERE token_hash = ?').get(tokenHash) as Row | undefined;
      return r ? rows.refresh(r) : null;
    },
    async rotateRefreshToken(oldHash, next, now) {
      return rotateRefresh.immediate(oldHash, next, now);
    },
    async revoke(originJti, now) {
      // A session revoked twice keeps the first time.
      return q('UPDATE auth_sessions SET revoked_at = coalesce(revoked_at, ?) WHERE origin_jti = ?').run(now, originJti).changes === 1;
    },
    async revokeAllForUser(poolId, username, now) {
      return q(
        'UPDATE auth_sessions SET revoked_at = ? WHERE pool_id = ? AND username = ? AND revoked_at IS NULL AND expires_at > ?',
      ).run(now, poolId, username, now).changes;
    },
    async purgeExpired(before) {
      return purgeExpired.immediate(before);
    },
  };
}
