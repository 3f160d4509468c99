// PostgreSQL groups and memberships: creates and additions counted under advisory locks, pages by name, members in
// ListUsers order.
import { cursorArgs, nameCursorArg, namePage, page } from '../pages.ts';
import type { GroupStore } from '../store.ts';
import { LOCK, num, rows, type PgDb } from './db.ts';
import { USER_ATTRIBUTES, userFromRow } from './user-list.ts';

/** The groups of user `u` (a users row in the statement), as allForUser reads them, as one jsonb array. */
export const USER_GROUPS = `(SELECT coalesce(jsonb_agg(to_jsonb(g) ORDER BY m.group_name), '[]'::jsonb)
  FROM group_members m JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name
  WHERE m.pool_id = u.pool_id AND m.username_key = u.username_key) AS group_rows`;

export function pgGroups({ tx, one, all, changed }: PgDb): GroupStore {
  return {
    create(g, maxGroups) {
      // Under the pool's groups lock, as clients.create: count-then-insert cannot overshoot across processes.
      return tx(async (c) => {
        await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, [`groups:${g.poolId}`]);
        const { rows: found } = await c.query('SELECT 1 FROM groups WHERE pool_id = $1 AND name = $2', [g.poolId, g.name]);
        if (found.length > 0) return 'exists' as const;
        const { rows: counted } = await c.query('SELECT count(*) AS n FROM groups WHERE pool_id = $1', [g.poolId]);
        if (num(counted[0].n) >= maxGroups) return 'limit' as const;
        await c.query(
          `INSERT INTO groups (pool_id, name, description, role_arn, precedence, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [g.poolId, g.name, g.description, g.roleArn, g.precedence, g.createdAt, g.updatedAt],
        );
        return 'ok' as const;
      });
    },
    async get(poolId, name) {
      const r = await one('SELECT * FROM groups WHERE pool_id = $1 AND name = $2', [poolId, name]);
      return r ? rows.group(r) : null;
    },
    async list(poolId, limit, cursor) {
      const after = nameCursorArg(cursor);
      const found = await all('SELECT * FROM groups WHERE pool_id = $1 AND name > $2 ORDER BY name LIMIT $3', [poolId, after, limit + 1]);
      return namePage(found.map(rows.group), limit);
    },
    update(g) {
      return changed('UPDATE groups SET description = $1, role_arn = $2, precedence = $3, updated_at = $4 WHERE pool_id = $5 AND name = $6', [
        g.description,
        g.roleArn,
        g.precedence,
        g.updatedAt,
        g.poolId,
        g.name,
      ]);
    },
    delete(poolId, name) {
      // Memberships follow by their foreign key.
      return changed('DELETE FROM groups WHERE pool_id = $1 AND name = $2', [poolId, name]);
    },
    addMember(poolId, name, usernameKey, maxGroupsPerUser) {
      // Under the user's membership lock: two additions of one user cannot both pass the count.
      return tx(async (c) => {
        await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, [`group-members:${poolId}:${usernameKey}`]);
        const { rows: found } = await c.query(
          'SELECT 1 FROM group_members WHERE pool_id = $1 AND group_name = $2 AND username_key = $3',
          [poolId, name, usernameKey],
        );
        if (found.length > 0) return 'ok' as const;
        const { rows: counted } = await c.query('SELECT count(*) AS n FROM group_members WHERE pool_id = $1 AND username_key = $2', [
          poolId,
          usernameKey,
        ]);
        if (num(counted[0].n) >= maxGroupsPerUser) return 'limit' as const;
        // The member row carries the user's created_at, which orders ListUsersInGroup. A missing user leaves it NULL
        // and a missing group fails its foreign key: either way the insert throws and nothing is stored.
        await c.query(
          `INSERT INTO group_members (pool_id, group_name, username_key, user_created_at)
           VALUES ($1, $2, $3, (SELECT created_at FROM users WHERE pool_id = $1 AND username_key = $3))`,
          [poolId, name, usernameKey],
        );
        return 'ok' as const;
      });
    },
    removeMember(poolId, name, usernameKey) {
      return changed('DELETE FROM group_members WHERE pool_id = $1 AND group_name = $2 AND username_key = $3', [poolId, name, usernameKey]);
    },
    async listForUser(poolId, usernameKey, limit, cursor) {
      const after = nameCursorArg(cursor);
      const found = await all(
        `SELECT g.* FROM group_members m JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name
         WHERE m.pool_id = $1 AND m.username_key = $2 AND m.group_name > $3 ORDER BY m.group_name LIMIT $4`,
        [poolId, usernameKey, after, limit + 1],
      );
      return namePage(found.map(rows.group), limit);
    },
    async allForUser(poolId, usernameKey) {
      const found = await all(
        `SELECT g.* FROM group_members m JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name
         WHERE m.pool_id = $1 AND m.username_key = $2 ORDER BY m.group_name`,
        [poolId, usernameKey],
      );
      // users.getWithGroups reads the same rows, in the same order, along with the user (USER_GROUPS).
      return found.map(rows.group);
    },
    async listMembers(poolId, name, limit, cursor) {
      const [t, k] = cursorArgs(cursor);
      const found = await all(
        `SELECT u.*, ${USER_ATTRIBUTES} FROM group_members m
         JOIN users u ON u.pool_id = m.pool_id AND u.username_key = m.username_key
         WHERE m.pool_id = $1 AND m.group_name = $2 AND (m.user_created_at, m.username_key) > ($3, $4)
         ORDER BY m.user_created_at, m.username_key LIMIT $5`,
        [poolId, name, t, k, limit + 1],
      );
      return page(found.map(userFromRow), limit, (u) => u.usernameKey);
    },
  };
}
