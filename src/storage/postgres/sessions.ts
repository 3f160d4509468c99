// PostgreSQL sign-in sessions and refresh tokens: create with the first token, rotate once, revoke, purge.
import type { RefreshTokenRecord } from '../records.ts';
import type { SessionStore } from '../store.ts';
import { rows, type PgDb, type Queryable } from './db.ts';
import { USER_ATTRIBUTES } from './user-list.ts';

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
    async getWithContext(originJti, sub) {
      // One statement for the hot path of every access-token call. The joined rows come as jsonb (to_jsonb(x) is null
      // when the join found nothing), which the row mappers read as they read columns: BIGINT as a number, jsonb parsed.
      const r = await one(
        `SELECT s.*, to_jsonb(p) AS pool_row, to_jsonb(c) AS client_row, to_jsonb(u) AS user_row, ${USER_ATTRIBUTES}
         FROM auth_sessions s
         LEFT JOIN pools p ON p.id = s.pool_id
         LEFT JOIN clients c ON c.id = s.client_id
         LEFT JOIN users u ON u.pool_id = s.pool_id AND u.sub = $2
         WHERE s.origin_jti = $1`,
        [originJti, sub],
      );
      if (!r) return null;
      return {
        session: rows.session(r),
        pool: r.pool_row ? rows.pool(r.pool_row) : null,
        client: r.client_row ? rows.client(r.client_row) : null,
        user: r.user_row ? rows.user(r.user_row, r.attributes) : null,
      };
    },
    async getRefreshToken(tokenHash) {
      const r = await one('SELECT * FROM refresh_tokens WHERE token_hash = $1', [tokenHash]);
      return r ? rows.refresh(r) : null;
    },
    async getRefreshTokenWithSession(tokenHash) {
      const r = await one(
        `SELECT t.*, to_jsonb(s) AS session_row FROM refresh_tokens t LEFT JOIN auth_sessions s ON s.origin_jti = t.origin_jti
         WHERE t.token_hash = $1`,
        [tokenHash],
      );
      return r ? { token: rows.refresh(r), session: r.session_row ? rows.session(r.session_row) : null } : null;
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
