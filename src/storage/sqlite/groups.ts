// SQLite groups and memberships: counted creates and additions, pages by name, members in ListUsers order.
import type { GroupRecord } from '../records.ts';
import { cursorArgs, nameCursorArg, namePage, page } from '../pages.ts';
import type { GroupStore } from '../store.ts';
import { rows, type Row, type SqliteDb } from './db.ts';
import { withAttributes } from './user-list.ts';

/** A user's groups by name (GroupStore.allForUser, and UserStore.getWithGroups along with the user). */
export function groupsOfUser({ q }: SqliteDb, poolId: string, usernameKey: string): GroupRecord[] {
  const found = q(
    `SELECT groups.* FROM group_members CROSS JOIN groups ON groups.pool_id = group_members.pool_id AND groups.name = group_members.group_name
     WHERE group_members.pool_id = ? AND group_members.username_key = ? ORDER BY group_members.group_name`,
  ).all(poolId, usernameKey) as Row[];
  return found.map(rows.group);
}

export function sqliteGroups(s: SqliteDb): GroupStore {
  const { db, q } = s;
  // The counted creates run as IMMEDIATE transactions: the write lock is taken before counting, so another process on
  // the file waits for it (busy_timeout) rather than counting the same rows; a DEFERRED transaction would count first
  // and then fail with SQLITE_BUSY_SNAPSHOT when it tried to write.
  const createGroup = db.transaction((g: GroupRecord, max: number) => {
    if (q('SELECT 1 FROM groups WHERE pool_id = ? AND name = ?').get(g.poolId, g.name)) return 'exists' as const;
    const { n } = q('SELECT count(*) AS n FROM groups WHERE pool_id = ?').get(g.poolId) as Row;
    if (n >= max) return 'limit' as const;
    q(
      'INSERT INTO groups (pool_id, name, description, role_arn, precedence, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(g.poolId, g.name, g.description, g.roleArn, g.precedence, g.createdAt, g.updatedAt);
    return 'ok' as const;
  });
  const addMember = db.transaction((poolId: string, name: string, key: string, max: number) => {
    if (q('SELECT 1 FROM group_members WHERE pool_id = ? AND group_name = ? AND username_key = ?').get(poolId, name, key)) return 'ok' as const;
    const { n } = q('SELECT count(*) AS n FROM group_members WHERE pool_id = ? AND username_key = ?').get(poolId, key) as Row;
    if (n >= max) return 'limit' as const;
    // The member row carries the user's created_at, which orders ListUsersInGroup. A missing user leaves it NULL and a
    // missing group fails its foreign key: either way the insert throws and nothing is stored.
    q(
      `INSERT INTO group_members (pool_id, group_name, username_key, user_created_at)
       VALUES (?, ?, ?, (SELECT created_at FROM users WHERE pool_id = ? AND username_key = ?))`,
    ).run(poolId, name, key, poolId, key);
    return 'ok' as const;
  });

  return {
    async create(group, maxGroups) {
      return createGroup.immediate(group, maxGroups);
    },
    async get(poolId, name) {
      const r = q('SELECT * FROM groups WHERE pool_id = ? AND name = ?').get(poolId, name) as Row | undefined;
      return r ? rows.group(r) : null;
    },
    async list(poolId, limit, cursor) {
      const after = nameCursorArg(cursor);
      const found = q('SELECT * FROM groups WHERE pool_id = ? AND name > ? ORDER BY name LIMIT ?').all(poolId, after, limit + 1) as Row[];
      return namePage(found.map(rows.group), limit);
    },
    async update(g) {
      return (
        q('UPDATE groups SET description = ?, role_arn = ?, precedence = ?, updated_at = ? WHERE pool_id = ? AND name = ?').run(
          g.description,
          g.roleArn,
          g.precedence,
          g.updatedAt,
          g.poolId,
          g.name,
        ).changes === 1
      );
    },
    async delete(poolId, name) {
      // Memberships follow by their foreign key.
      return q('DELETE FROM groups WHERE pool_id = ? AND name = ?').run(poolId, name).changes === 1;
    },
    async addMember(poolId, name, usernameKey, maxGroupsPerUser) {
      return addMember.immediate(poolId, name, usernameKey, maxGroupsPerUser);
    },
    async removeMember(poolId, name, usernameKey) {
      return (
        q('DELETE FROM group_members WHERE pool_id = ? AND group_name = ? AND username_key = ?').run(poolId, name, usernameKey).changes === 1
      );
    },
    async listForUser(poolId, usernameKey, limit, cursor) {
      const after = nameCursorArg(cursor);
      const found = q(
        `SELECT groups.* FROM group_members CROSS JOIN groups ON groups.pool_id = group_members.pool_id AND groups.name = group_members.group_name
         WHERE group_members.pool_id = ? AND group_members.username_key = ? AND group_members.group_name > ?
         ORDER BY group_members.group_name LIMIT ?`,
      ).all(poolId, usernameKey, after, limit + 1) as Row[];
      return namePage(found.map(rows.group), limit);
    },
    async allForUser(poolId, usernameKey) {
      return groupsOfUser(s, poolId, usernameKey);
    },
    async listMembers(poolId, name, limit, cursor) {
      const [t, k] = cursorArgs(cursor);
      const found = q(
        `SELECT users.* FROM group_members CROSS JOIN users ON users.pool_id = group_members.pool_id AND users.username_key = group_members.username_key
         WHERE group_members.pool_id = ? AND group_members.group_name = ?
           AND (group_members.user_created_at, group_members.username_key) > (?, ?)
         ORDER BY group_members.user_created_at, group_members.username_key LIMIT ?`,
      ).all(poolId, name, t, k, limit + 1) as Row[];
      return page(withAttributes(s, poolId, found), limit, (u) => u.usernameKey);
    },
  };
}
