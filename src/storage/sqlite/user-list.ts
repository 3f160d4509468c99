// SQLite reads of users in pages: the one indexed statement of each ListUsers filter, the attribute rows of a page,
// and the query plans the contract suite checks.
import type { Page, UserRecord } from '../records.ts';
import { cursorArgs, page, prefixUpperBound } from '../pages.ts';
import type { UserFilter } from '../store.ts';
import { enabledFlags, filterValue } from '../user-filter.ts';
import { rows, type Row, type SqliteDb } from './db.ts';

export interface ListUsersOptions {
  filter?: UserFilter;
  limit: number;
  cursor?: string;
}

/** `lo <= column < hi` for a prefix (no upper bound when the prefix has no successor). */
function prefixRange(column: string, prefix: string): { sql: string; params: string[] } {
  const hi = prefixUpperBound(prefix);
  return hi === undefined ? { sql: `${column} >= ?`, params: [prefix] } : { sql: `${column} >= ? AND ${column} < ?`, params: [prefix, hi] };
}

/**
 * The one statement of a users.list page, or null when the filter can match no one. Every form reads an index range
 * named by INDEXED BY, so that statistics (ANALYZE) cannot turn it into a walk of the whole pool:
 * - no filter, and '=' on status, enabled, username or sub: an index ending in (created_at, username_key), read from
 *   the cursor on for limit + 1 rows;
 * - '=' on an attribute: likewise (the value index ends in the user's created_at and key);
 * - '^=': the index range of the prefix, whose keys are sorted and cut to the page, then the page's users by primary
 *   key.
 */
function listUsersQuery(poolId: string, opts: ListUsersOptions): { sql: string; params: unknown[] } | null {
  const [t, k] = cursorArgs(opts.cursor);
  const n = opts.limit + 1;
  const f = opts.filter;
  const ordered = (index: string, where: string, params: unknown[]) => ({
    sql: `SELECT * FROM users INDEXED BY ${index} WHERE pool_id = ?${where} AND (created_at, username_key) > (?, ?)
          ORDER BY created_at, username_key LIMIT ?`,
    params: [poolId, ...params, t, k, n],
  });
  const keyed = (inner: string, params: unknown[]) => ({
    sql: `SELECT users.* FROM (${inner}) AS page CROSS JOIN users ON users.pool_id = ? AND users.username_key = page.username_key
          ORDER BY page.created_at, page.username_key`,
    params: [...params, poolId],
  });
  if (!f) return ordered('users_pool_created', '', []);
  const ci = f.caseInsensitive === true;
  switch (f.field) {
    case 'enabled': {
      const flags = enabledFlags(f);
      if (flags.length === 0) return null;
      if (flags.length === 2) return ordered('users_pool_created', '', []);
      return ordered('users_pool_enabled', ' AND enabled = ?', [flags[0] ? 1 : 0]);
    }
    case 'username':
    case 'sub':
    case 'status': {
      // The primary key and UNIQUE (pool_id, sub) of migration 2 are SQLite's automatic indexes _1 and _2 of users.
      const [column, index] = (
        {
          username: ['username_key', 'sqlite_autoindex_users_1'],
          sub: ['sub', 'sqlite_autoindex_users_2'],
          status: ['status', 'users_pool_status'],
        } as const
      )[f.field];
      const value = filterValue(f);
      if (f.op === '=') return ordered(index, ` AND ${column} = ?`, [value]);
      // Every user has a username, a sub and a status: the empty prefix is no filter.
      if (value === '') return ordered('users_pool_created', '', []);
      const range = prefixRange(column, value);
      return keyed(
        `SELECT username_key, created_at FROM users INDEXED BY ${index}
         WHERE pool_id = ? AND ${range.sql} AND (created_at, username_key) > (?, ?) ORDER BY created_at, username_key LIMIT ?`,
        [poolId, ...range.params, t, k, n],
      );
    }
    case 'attribute': {
      if (f.name === undefined) throw new Error("users.list: an 'attribute' filter needs a name");
      const [column, index] = ci ? ['value_ci', 'user_attributes_value_ci'] : ['value', 'user_attributes_value'];
      const value = filterValue(f);
      const range = f.op === '=' ? { sql: `${column} = ?`, params: [value] } : prefixRange(column, value);
      return keyed(
        `SELECT username_key, user_created_at AS created_at FROM user_attributes INDEXED BY ${index}
         WHERE pool_id = ? AND name = ? AND ${range.sql} AND (user_created_at, username_key) > (?, ?)
         ORDER BY user_created_at, username_key LIMIT ?`,
        [poolId, f.name, ...range.params, t, k, n],
      );
    }
  }
}

/** The attribute rows of a page of users (their keys as a JSON array): one statement per page, by primary key. */
const ATTRIBUTES_OF_PAGE = `SELECT username_key, name, value FROM user_attributes
  WHERE pool_id = ? AND username_key IN (SELECT value FROM json_each(?)) ORDER BY username_key, name`;

/** Whole records for user rows of one pool, with their attributes in one indexed query. */
export function withAttributes({ q }: SqliteDb, poolId: string, users: Row[]): UserRecord[] {
  if (users.length === 0) return [];
  const attrs = q(ATTRIBUTES_OF_PAGE).all(poolId, JSON.stringify(users.map((r) => r.username_key))) as Row[];
  const byKey = new Map<string, [string, string][]>();
  for (const a of attrs) {
    let list = byKey.get(a.username_key);
    if (!list) byKey.set(a.username_key, (list = []));
    list.push([a.name, a.value]);
  }
  // fromEntries defines own properties, so no attribute name can reach the prototype.
  return users.map((r) => rows.user(r, Object.fromEntries(byKey.get(r.username_key) ?? [])));
}

/** A page of users.list: one statement for the users, one for their attributes. */
export function listUsers(s: SqliteDb, poolId: string, opts: ListUsersOptions): Page<UserRecord> {
  const query = listUsersQuery(poolId, opts);
  if (!query) return { items: [] };
  const found = s.q(query.sql).all(...query.params) as Row[];
  return page(withAttributes(s, poolId, found), opts.limit, (u) => u.usernameKey);
}

/** EXPLAIN QUERY PLAN of the statements users.list(poolId, opts) runs, one plan line per row. */
export function explainListUsers({ db }: SqliteDb, poolId: string, opts: ListUsersOptions): string {
  const query = listUsersQuery(poolId, opts);
  if (!query) return 'no statement: the filter matches no one';
  const plan = (sql: string, params: unknown[]) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Row[]).map((r) => r.detail as string);
  // The page's statement, then the one that reads the page's attributes.
  return [...plan(query.sql, query.params), ...plan(ATTRIBUTES_OF_PAGE, [poolId, '[]'])].join('\n');
}
