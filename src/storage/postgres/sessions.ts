// PostgreSQL sign-in sessions and refresh tokens: create with the first token, rotate once, revoke, purge.
import type { RefreshTokenRecord } from '../records.ts';
import type { SessionStore } from '../store.ts';
import { rows, type PgDb, type Queryable } from './db.ts';

async function insertRefresh(db: Queryable, t: RefreshTokenRecord): Promise<void> {
  await db.query('INSERT INTO refresh_tokens (token_hash, origin_jti, created_at, expires_at, superseded_at) VALUES ($1, $2, $3, $4, $5)', [
    t.tokenHash,
    t.originJti,
    t.createdAt,
    t.expiresAt,
    t.supersededAt,
  ]);
}

export function pgSessions({ pool, tx, one, changed }: PgDb): SessionStore {
  return {
    async create(se, refresh, opts) {
      await tx(async (c) => {
        await c.query(
          `INSERT INTO auth_sessions (origin_jti, pool_id, client_id, username, auth_time, created_at, expires_at, revoked_at, device_key)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [se.originJti, se.poolId, se.clientId, se.username, se.authTime, se.createdAt, se.expiresAt, se.revokedAt, se.deviceKey],
        );
        await insertRefresh(c, refresh);
        if (opts?.clearLockout !== undefined) await c.query('DELETE FROM lockouts WHERE key = $1', [opts.clearLockout]);
      });
    },
    async get(originJti) {
      const r = await one('SELECT * FROM auth_sessions WHERE origin_jti = $1', [originJti]);
      return r ? rows.session(r) : null;
    },
    async getRefreshToken(tokenHash) {
      const r = await one('SELECT * FROM refresh_tokens WHERE token_hash = $1', [tokenHash]);
      return r ? rows.refresh(r) : null;
    },
    rotateRefreshToken(oldHash, next, now) {
      return tx(async (c) => {
        // Conditional on not yet superseded. A racing rotation waits on the row lock, then re-reads the row and
        // finds it superseded: of two rotations of one token, only the first adds a successor.
        const r = await c.query('UPDATE refresh_tokens SET superseded_at = $1 WHERE token_hash = $2 AND superseded_at IS NULL', [
          now,
          oldHash,
        ]);
        if (r.rowCount !== 1) return false;
        await insertRefresh(c, next);
        return true;
      });
    },
    revoke(originJti, now) {
      // A session revoked twice keeps the first time.
      return changed('UPDATE auth_sessions SET revoked_at = coalesce(revoked_at, $1) WHERE origin_jti = $2', [now, originJti]);
    },
    async revokeAllForUser(poolId, username, now) {
      const r = await pool.query(
        'UPDATE auth_sessions SET revoked_at = $1 WHERE pool_id = $2 AND username = $3 AND revoked_at IS NULL AND expires_at > $1',
        [now, poolId, username],
      );
      return r.rowCount ?? 0;
    },
    purgeExpired(before) {
      return tx(async (c) => {
        // Tokens first and counted explicitly, those of expiring sessions included, as the SQLite store counts them.
        const tokens = await c.query(
          `DELETE FROM refresh_tokens
           WHERE expires_at < $1 OR origin_jti IN (SELECT origin_jti FROM auth_sessions WHERE expires_at < $1)`,
          [before],
        );
        const sessions = await c.query('DELETE FROM auth_sessions WHERE expires_at < $1', [before]);
        return (tokens.rowCount ?? 0) + (sessions.rowCount ?? 0);
      });
    },
  };
}
