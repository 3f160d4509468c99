// The storage interface of users with their attributes, and the ListUsers query with its one-condition filter.
import type { GroupRecord, Page, UserRecord } from '../records.ts';
import type { CreateResult } from './create-result.ts';

export interface UserStore {
  /** Inserts the user; 'exists' when the pool has the usernameKey (or the sub) already. */
  create(user: UserRecord): Promise<CreateResult>;
  get(poolId: string, usernameKey: string): Promise<UserRecord | null>;
  /** A user with their groups (as GroupStore.allForUser: by name), in one read: what minting their tokens needs. */
  getWithGroups(poolId: string, usernameKey: string): Promise<{ user: UserRecord; groups: GroupRecord[] } | null>;
  getBySub(poolId: string, sub: string): Promise<UserRecord | null>;
  /**
   * Users whose attribute `name` equals `value` (case-insensitively when `caseInsensitive`): alias lookups
   * (email, phone_number, preferred_username). Indexed, never a scan.
   */
  findByAttribute(poolId: string, name: string, value: string, caseInsensitive: boolean): Promise<UserRecord[]>;
  /**
   * Bulk insert (user import, benchmarks) in one transaction per call: users whose usernameKey or sub exists are
   * skipped. Returns how many were inserted.
   */
  importMany(users: UserRecord[]): Promise<number>;
  /** Conditional on version (user.version - 1), as PoolStore.update; rewrites the attribute rows. */
  update(user: UserRecord): Promise<boolean>;
  /** Deletes the user with their codes, sessions and refresh tokens. */
  delete(poolId: string, usernameKey: string): Promise<boolean>;
  count(poolId: string): Promise<number>;
  /**
   * ListUsers: users in a stable order (creation order, then usernameKey) so a cursor stays valid while users
   * are added; optionally filtered by one condition. Every filter is an indexed query, never a scan.
   */
  list(poolId: string, opts: { filter?: UserFilter; limit: number; cursor?: string }): Promise<Page<UserRecord>>;
}

/**
 * One ListUsers condition. `field` 'username' matches the usernameKey, 'sub' the sub, 'status' the UserStatus
 * ('cognito:user_status'), 'enabled' the enabled flag ('status' in Cognito's grammar: "Enabled"/"Disabled"),
 * 'attribute' the attribute `name`. `op` '=' is equality, '^=' a prefix. `caseInsensitive` compares lower-cased.
 * Values compare by code point. Only attribute values have a folded copy (value_ci); on the other fields
 * `caseInsensitive` folds the value alone: 'username' to lower case (the keys of a case-insensitive pool are
 * lower-cased already), 'sub' to lower case (subs are lower-case UUIDs), 'status' to upper case (UserStatus names),
 * while 'enabled' compares "Enabled"/"Disabled" case-insensitively.
 */
export interface UserFilter {
  field: 'username' | 'sub' | 'status' | 'enabled' | 'attribute';
  name?: string;
  op: '=' | '^=';
  value: string;
  caseInsensitive?: boolean;
}
