// SQLite users: one row in users plus one row per attribute, written together and read back together.
import type { UserRecord } from '../records.ts';
import type { UserStore } from '../store.ts';
import type { Row, SqliteDb } from './db.ts';
import { listUsers, withAttributes } from './user-list.ts';
import { groupsOfUser } from './groups.ts';

export function sqliteUsers(s: SqliteDb): UserStore {
  const { db, q } = s;
  // Two statements in one read transaction: in process, SQLite has no round trips to save.
  const withGroups = db.transaction((poolId: string, usernameKey: string) => {
    const r = q('SELECT * FROM users WHERE pool_id = ? AND username_key = ?').get(poolId, usernameKey) as Row | undefined;
    return r ? { user: withAttributes(s, poolId, [r])[0]!, groups: groupsOfUser(s, poolId, usernameKey) } : null;
  });
  // Each attribute row carries the user's created_at (which never changes), so value filters read pages in ListUsers
  // order.
  const insertAttributes = (u: UserRecord, userCreatedAt: number) => {
    const insert = q('INSERT INTO user_attributes (pool_id, username_key, name, value, value_ci, user_created_at) VALUES (?, ?, ?, ?, ?, ?)');
    for (const [name, value] of Object.entries(u.attributes)) insert.run(u.poolId, u.usernameKey, name, value, value.toLowerCase(), userCreatedAt);
  };

  const importUsers = db.transaction((users: UserRecord[]) => {
    let n = 0;
    for (const u of users) if (createUser(u) === 'ok') n++;
    return n;
  });

  const createUser = db.transaction((u: UserRecord) => {
    // No conflict target: a clash on either (pool_id, username_key) or (pool_id, sub) means 'exists'.
    const r = q(
      `INSERT INTO users (pool_id, username, username_key, sub, status, enabled, credentials_sealed, mfa, password_set_at,
                          created_at, updated_at, version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ).run(
      u.poolId,
      u.username,
      u.usernameKey,
      u.sub,
      u.status,
      u.enabled ? 1 : 0,
      u.credentialsSealed,
      JSON.stringify(u.mfa),
      u.passwordSetAt,
      u.createdAt,
      u.updatedAt,
      u.version,
    );
    if (r.changes !== 1) return 'exists' as const;
    insertAttributes(u, u.createdAt);
    return 'ok' as const;
  });

  const updateUser = db.transaction((u: UserRecord) => {
    // The username, its key, sub and createdAt identify the user and never change.
    const r = q(
      `UPDATE users SET status = ?, enabled = ?, credentials_sealed = ?, mfa = ?, password_set_at = ?, updated_at = ?, version = ?
       WHERE pool_id = ? AND username_key = ? AND version = ? RETURNING created_at`,
    ).get(
      u.status,
      u.enabled ? 1 : 0,
      u.credentialsSealed,
      JSON.stringify(u.mfa),
      u.passwordSetAt,
      u.updatedAt,
      u.version,
      u.poolId,
      u.usernameKey,
      u.version - 1,
    ) as Row | undefined;
    if (!r) return false;
    q('DELETE FROM user_attributes WHERE pool_id = ? AND username_key = ?').run(u.poolId, u.usernameKey);
    insertAttributes(u, r.created_at);
    return true;
  });

  const deleteUser = db.transaction((poolId: string, key: string) => {
    const u = q('SELECT username FROM users WHERE pool_id = ? AND username_key = ?').get(poolId, key) as Row | undefined;
    if (!u) return false;
    // Codes and sessions may name the user by username or by key (they differ only in case-insensitive pools, where
    // no other user can hold either), so both go. Refresh tokens follow their sessions; attributes their user.
    q('DELETE FROM codes WHERE pool_id = ? AND username IN (?, ?)').run(poolId, u.username, key);
    q('DELETE FROM auth_sessions WHERE pool_id = ? AND username IN (?, ?)').run(poolId, u.username, key);
    q('DELETE FROM users WHERE pool_id = ? AND username_key = ?').run(poolId, key);
    return true;
  });

  return {
    async create(user) {
      return createUser.immediate(user);
    },
    async importMany(users) {
      return importUsers.immediate(users);
    },
    async get(poolId, usernameKey) {
      const r = q('SELECT * FROM users WHERE pool_id = ? AND username_key = ?').get(poolId, usernameKey) as Row | undefined;
      return r ? withAttributes(s, poolId, [r])[0]! : null;
    },
    async getWithGroups(poolId, usernameKey) {
      return withGroups(poolId, usernameKey);
    },
    async getBySub(poolId, sub) {
      const r = q('SELECT * FROM users WHERE pool_id = ? AND sub = ?').get(poolId, sub) as Row | undefined;
      return r ? withAttributes(s, poolId, [r])[0]! : null;
    },
    async findByAttribute(poolId, name, value, caseInsensitive) {
      // Each form reads its own index, (pool_id, name, value) or (pool_id, name, value_ci), then users by key.
      // CROSS JOIN pins that order: left to itself, SQLite walks the pool's users in created_at order instead.
      const found = (
        caseInsensitive
          ? q(
              `SELECT u.* FROM user_attributes a CROSS JOIN users u ON u.pool_id = a.pool_id AND u.username_key = a.username_key
               WHERE a.pool_id = ? AND a.name = ? AND a.value_ci = ? ORDER BY u.created_at, u.username_key`,
            ).all(poolId, name, value.toLowerCase())
          : q(
              `SELECT u.* FROM user_attributes a CROSS JOIN users u ON u.pool_id = a.pool_id AND u.username_key = a.username_key
               WHERE a.pool_id = ? AND a.name = ? AND a.value = ? ORDER BY u.created_at, u.username_key`,
            ).all(poolId, name, value)
      ) as Row[];
      return withAttributes(s, poolId, found);
    },
    async update(user) {
      return updateUser.immediate(user);
    },
    async delete(poolId, usernameKey) {
      return deleteUser.immediate(poolId, usernameKey);
    },
    async count(poolId) {
      return (q('SELECT count(*) AS n FROM users WHERE pool_id = ?').get(poolId) as Row).n;
    },
    async list(poolId, opts) {
      return listUsers(s, poolId, opts);
    },
  };
}
