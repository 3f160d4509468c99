// PostgreSQL reads of users in pages: the one statement of each ListUsers filter, with the users' attributes
// aggregated into it, and its query plan for the contract suite.
import type { Page, UserRecord } from '../records.ts';
import { cursorArgs, page, prefixUpperBound } from '../pages.ts';
import type { UserStore } from '../store.ts';
import { enabledFlags, filterValue } from '../user-filter.ts';
import { rows, type PgDb, type Row } from './db.ts';

export type ListUsersOptions = Parameters<UserStore['list']>[1];

// A user's attribute rows folded into the same statement as the user row, so both come from one snapshot
// (a concurrent update cannot pair one version's row with another's attributes).
export const USER_ATTRIBUTES = `(SELECT coalesce(jsonb_object_agg(x.name, x.value), '{}'::jsonb) FROM user_attributes x
  WHERE x.pool_id = u.pool_id AND x.username_key = u.username_key) AS attributes`;

/** A users row selected with USER_ATTRIBUTES (its attribute rows as one JSON object). */
export const userFromRow = (r: Row): UserRecord => rows.user(r, r.attributes);

/** The first 512 characters, as PostgreSQL's left(value, 512) counts them (code points). */
const first512 = (s: string): string => (s.length <= 512 ? s : Array.from(s).slice(0, 512).join(''));

/**
 * The one statement of a users.list page (attributes included), or null when the filter can match no one.
 * - No filter, and '=' on status, enabled, username or sub: users in (created_at, username_key) order from the cursor
 *   on, through users_pool_created, users_pool_status, users_pool_enabled, the primary key or the sub key.
 * - '^=' on those: the prefix as a byte-wise range (every column is COLLATE "C") of the same indexes.
 * - An attribute: the value index (pool_id, name, left(value, 512), user_created_at) gives the page's keys, in order
 *   for '=' (a range of the index from the cursor on) and sorted for '^='; the whole value is compared after
 *   left(value, 512) (see migration 2); then the page's users by primary key.
 */
function listUsersQuery(poolId: string, opts: ListUsersOptions): { sql: string; params: unknown[] } | null {
  const [t, k] = cursorArgs(opts.cursor);
  const params: unknown[] = [poolId, t, k, opts.limit + 1];
  const p = (v: unknown) => `$${params.push(v)}`;
  const f = opts.filter;
  const users = (where: string) => ({
    sql: `SELECT u.*, ${USER_ATTRIBUTES} FROM users u
          WHERE u.pool_id = $1${where} AND (u.created_at, u.username_key) > ($2, $3)
          ORDER BY u.created_at, u.username_key LIMIT $4`,
    params,
  });
  const range = (column: string, prefix: string) => {
    const hi = prefixUpperBound(prefix);
    return `${column} >= ${p(prefix)}${hi === undefined ? '' : ` AND ${column} < ${p(hi)}`}`;
  };
  if (!f) return users('');
  const ci = f.caseInsensitive === true;
  switch (f.field) {
    case 'enabled': {
      const flags = enabledFlags(f);
      if (flags.length === 0) return null;
      return users(flags.length === 2 ? '' : ` AND u.enabled = ${p(flags[0])}`);
    }
    case 'username':
    case 'sub':
    case 'status': {
      const column = { username: 'u.username_key', sub: 'u.sub', status: 'u.status' }[f.field];
      const value = filterValue(f);
      if (f.op === '=') return users(` AND ${column} = ${p(value)}`);
      return users(` AND ${range(column, value)}`);
    }
    case 'attribute': {
      if (f.name === undefined) throw new Error("users.list: an 'attribute' filter needs a name");
      const column = ci ? 'a.value_ci' : 'a.value';
      const value = filterValue(f);
      const match =
        f.op === '='
          ? `left(${column}, 512) = left(${p(value)}, 512) AND ${column} = $${params.length}`
          : `${range(`left(${column}, 512)`, first512(value))} AND ${range(column, value)}`;
      return {
        sql: `SELECT u.*, ${USER_ATTRIBUTES} FROM (
                SELECT a.username_key, a.user_created_at FROM user_attributes a
                WHERE a.pool_id = $1 AND a.name = ${p(f.name)} AND ${match}
                  AND a.user_created_at >= $2 AND (a.user_created_at > $2 OR a.username_key > $3)
                ORDER BY a.user_created_at, a.username_key LIMIT $4
              ) m JOIN users u ON u.pool_id = $1 AND u.username_key = m.username_key
              ORDER BY m.user_created_at, m.username_key`,
        params,
      };
    }
  }
}

/** A page of users.list, attributes included, in one statement. */
export async function listUsers({ pool }: PgDb, poolId: string, opts: ListUsersOptions): Promise<Page<UserRecord>> {
  const query = listUsersQuery(poolId, opts);
  if (!query) return { items: [] };
  // Not prepared (unlike db.all): a prepared statement may be planned once for any prefix or value (a generic plan),
  // and a filter's best index depends on its values.
  return page((await pool.query(query.sql, query.params)).rows.map(userFromRow), opts.limit, (u) => u.usernameKey);
}

/** EXPLAIN of the statement users.list(poolId, opts) runs. */
export async function explainListUsers({ pool }: PgDb, poolId: string, opts: ListUsersOptions): Promise<string> {
  const query = listUsersQuery(poolId, opts);
  if (!query) return 'no statement: the filter matches no one';
  return (await pool.query(`EXPLAIN ${query.sql}`, query.params)).rows.map((r) => r['QUERY PLAN'] as string).join('\n');
}
