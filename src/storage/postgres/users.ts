// PostgreSQL users: one row in users plus one row per attribute, written in one transaction, read in one statement.
import type { UserRecord } from '../records.ts';
import type { UserStore } from '../store.ts';
import { json, num, rows, type PgDb, type Queryable, type Row } from './db.ts';
import { USER_GROUPS } from './groups.ts';
import { listUsers, USER_ATTRIBUTES, userFromRow } from './user-list.ts';

/** Inserts a user and their attribute rows on `c`; false when the usernameKey or sub exists (nothing written). */
async function insertUser(c: Queryable, u: UserRecord): Promise<boolean> {
  // No conflict target: a clash on either (pool_id, username_key) or (pool_id, sub) means 'exists'.
  const r = await c.query(
    `INSERT INTO users (pool_id, username, username_key, sub, status, enabled, credentials_sealed, mfa, password_set_at,
                        created_at, updated_at, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
    [
      u.poolId,
      u.username,
      u.usernameKey,
      u.sub,
      u.status,
      u.enabled,
      u.credentialsSealed,
      json(u.mfa),
      u.passwordSetAt,
      u.createdAt,
      u.updatedAt,
      u.version,
    ],
  );
  if (r.rowCount !== 1) return false;
  await insertAttributes(c, u, u.createdAt);
  return true;
}

const IMPORT_BATCH = 1000;

/**
 * Inserts a batch of users with two statements (users, then the attributes of those inserted): rows whose
 * usernameKey or sub exists, in the table or earlier in the batch, are skipped. Returns how many were inserted.
 */
async function importBatch(c: Queryable, users: UserRecord[]): Promise<number> {
  if (users.length === 0) return 0;
  const col = <T>(f: (u: UserRecord) => T) => users.map(f);
  const r = await c.query(
    `INSERT INTO users (pool_id, username, username_key, sub, status, enabled, credentials_sealed, mfa, password_set_at,
                        created_at, updated_at, version)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::jsonb[],
                          $9::bigint[], $10::bigint[], $11::bigint[], $12::int[])
     ON CONFLICT DO NOTHING
     RETURNING pool_id, username_key, sub`,
    [
      col((u) => u.poolId),
      col((u) => u.username),
      col((u) => u.usernameKey),
      col((u) => u.sub),
      col((u) => u.status),
      col((u) => u.enabled),
      col((u) => u.credentialsSealed),
      col((u) => json(u.mfa)),
      col((u) => u.passwordSetAt),
      col((u) => u.createdAt),
      col((u) => u.updatedAt),
      col((u) => u.version),
    ],
  );
  // A row is identified by its key and its sub: of several batch rows sharing a key, only the inserted one matches.
  const inserted = new Set(r.rows.map((x: Row) => `${x.pool_id}\u0000${x.username_key}\u0000${x.sub}`));
  const seen = new Set<string>();
  const attrs: [string, string, string, string, string, number][] = [];
  for (const u of users) {
    const k = `${u.poolId}\u0000${u.usernameKey}\u0000${u.sub}`;
    if (!inserted.has(k) || seen.has(k)) continue;
    seen.add(k);
    for (const [name, value] of Object.entries(u.attributes)) attrs.push([u.poolId, u.usernameKey, name, value, value.toLowerCase(), u.createdAt]);
  }
  if (attrs.length)
    await c.query(
      `INSERT INTO user_attributes (pool_id, username_key, name, value, value_ci, user_created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])`,
      [0, 1, 2, 3, 4, 5].map((i) => attrs.map((a) => a[i])),
    );
  return r.rowCount ?? 0;
}

/**
 * Writes the user's attribute rows in one statement; value_ci folds as the SQLite store does (JavaScript's
 * toLowerCase). Each row carries the user's created_at, so value filters read pages in ListUsers order.
 */
async function insertAttributes(db: Queryable, u: UserRecord, userCreatedAt: number): Promise<void> {
  const entries = Object.entries(u.attributes);
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO user_attributes (pool_id, username_key, name, value, value_ci, user_created_at)
     SELECT $1, $2, t.name, t.value, t.value_ci, $6 FROM unnest($3::text[], $4::text[], $5::text[]) AS t (name, value, value_ci)`,
    [u.poolId, u.usernameKey, entries.map(([n]) => n), entries.map(([, v]) => v), entries.map(([, v]) => v.toLowerCase()), userCreatedAt],
  );
}

export function pgUsers(db: PgDb): UserStore {
  const { tx, one, all } = db;
  return {
    create(u) {
      return tx(async (c) => ((await insertUser(c, u)) ? 'ok' : 'exists'));
    },
    importMany(users) {
      return tx(async (c) => {
        let n = 0;
        for (let i = 0; i < users.length; i += IMPORT_BATCH) n += await importBatch(c, users.slice(i, i + IMPORT_BATCH));
        return n;
      });
    },
    async get(poolId, usernameKey) {
      const r = await one(`SELECT u.*, ${USER_ATTRIBUTES} FROM users u WHERE u.pool_id = $1 AND u.username_key = $2`, [poolId, usernameKey]);
      return r ? userFromRow(r) : null;
    },
    async getWithGroups(poolId, usernameKey) {
      const r = await one(`SELECT u.*, ${USER_ATTRIBUTES}, ${USER_GROUPS} FROM users u WHERE u.pool_id = $1 AND u.username_key = $2`, [
        poolId,
        usernameKey,
      ]);
      return r ? { user: userFromRow(r), groups: (r.group_rows as Row[]).map(rows.group) } : null;
    },
    async getBySub(poolId, sub) {
      const r = await one(`SELECT u.*, ${USER_ATTRIBUTES} FROM users u WHERE u.pool_id = $1 AND u.sub = $2`, [poolId, sub]);
      return r ? userFromRow(r) : null;
    },
    async findByAttribute(poolId, name, value, caseInsensitive) {
      // Each form reads its own index, on (pool_id, name, left(value|value_ci, 512)) (see migration 2 for why a
      // prefix), then compares the whole value; then users by key.
      const column = caseInsensitive ? 'value_ci' : 'value';
      const rows = await all(
        `SELECT u.*, ${USER_ATTRIBUTES} FROM user_attributes a
         JOIN users u ON u.pool_id = a.pool_id AND u.username_key = a.username_key
         WHERE a.pool_id = $1 AND a.name = $2 AND left(a.${column}, 512) = left($3, 512) AND a.${column} = $3
         ORDER BY u.created_at, u.username_key`,
        [poolId, name, caseInsensitive ? value.toLowerCase() : value],
      );
      return rows.map(userFromRow);
    },
    update(u) {
      return tx(async (c) => {
        // The username, its key, sub and createdAt identify the user and never change.
        const r = await c.query(
          `UPDATE users SET status = $1, enabled = $2, credentials_sealed = $3, mfa = $4::jsonb, password_set_at = $5,
                            updated_at = $6, version = $7
           WHERE pool_id = $8 AND username_key = $9 AND version = $10 RETURNING created_at`,
          [
            u.status,
            u.enabled,
            u.credentialsSealed,
            json(u.mfa),
            u.passwordSetAt,
            u.updatedAt,
            u.version,
            u.poolId,
            u.usernameKey,
            u.version - 1,
          ],
        );
        if (r.rowCount !== 1) return false;
        await c.query('DELETE FROM user_attributes WHERE pool_id = $1 AND username_key = $2', [u.poolId, u.usernameKey]);
        await insertAttributes(c, u, num(r.rows[0].created_at));
        return true;
      });
    },
    delete(poolId, key) {
      return tx(async (c) => {
        const { rows } = await c.query('DELETE FROM users WHERE pool_id = $1 AND username_key = $2 RETURNING username', [poolId, key]);
        if (rows.length === 0) return false;
        // Codes and sessions may name the user by username or by key (they differ only in case-insensitive pools,
        // where no other user can hold either), so both go. Refresh tokens follow their sessions; attributes their user.
        const names = [rows[0].username, key];
        await c.query('DELETE FROM codes WHERE pool_id = $1 AND username = ANY($2::text[])', [poolId, names]);
        await c.query('DELETE FROM auth_sessions WHERE pool_id = $1 AND username = ANY($2::text[])', [poolId, names]);
        return true;
      });
    },
    async count(poolId) {
      return num((await one('SELECT count(*) AS n FROM users WHERE pool_id = $1', [poolId]))!.n);
    },
    list(poolId, opts) {
      return listUsers(db, poolId, opts);
    },
  };
}
