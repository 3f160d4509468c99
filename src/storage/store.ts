// The storage interface the domain owns; SQLite and PostgreSQL implement it and pass one contract suite.
// Every method is atomic on its own: operations that must change several rows at once get one method.
import type {
  AuthSessionRecord,
  ClientRecord,
  CodeRecord,
  DomainRecord,
  OutboxMessage,
  Page,
  PoolRecord,
  RefreshTokenRecord,
  SigningKeyRecord,
  UserRecord,
  GroupRecord,
} from './records.ts';

export type CreateResult = 'ok' | 'limit' | 'exists';

export interface PoolStore {
  /** Inserts the pool with its signing keys, unless `maxPools` pools exist already ('limit'). */
  create(pool: PoolRecord, keys: SigningKeyRecord[], maxPools: number): Promise<CreateResult>;
  get(id: string): Promise<PoolRecord | null>;
  /** Pools in creation order; `cursor` is a previous page's `next`. */
  list(limit: number, cursor?: string): Promise<Page<PoolRecord>>;
  /** Writes `pool` (with version already bumped) only if the stored version is `pool.version - 1`; false otherwise. */
  update(pool: PoolRecord): Promise<boolean>;
  /** Deletes the pool and everything in it (clients, domains, keys, …). False if it did not exist. */
  delete(id: string): Promise<boolean>;
  count(): Promise<number>;
}

export interface ClientStore {
  /** Inserts unless the pool has `maxClients` clients already ('limit'). */
  create(client: ClientRecord, maxClients: number): Promise<CreateResult>;
  /** By client id alone (client ids are unique across pools): public flows name only the client. */
  get(clientId: string): Promise<ClientRecord | null>;
  list(poolId: string, limit: number, cursor?: string): Promise<Page<ClientRecord>>;
  /** Conditional on version as PoolStore.update. */
  update(client: ClientRecord): Promise<boolean>;
  delete(poolId: string, clientId: string): Promise<boolean>;
}

export interface DomainStore {
  /** 'exists' when the domain name is taken (by any pool). */
  create(domain: DomainRecord): Promise<CreateResult>;
  get(domain: string): Promise<DomainRecord | null>;
  listForPool(poolId: string): Promise<DomainRecord[]>;
  update(domain: DomainRecord): Promise<boolean>;
  delete(domain: string): Promise<boolean>;
}

export interface SigningKeyStore {
  /** Every key of the pool, retired ones included, newest first. */
  listForPool(poolId: string): Promise<SigningKeyRecord[]>;
  /** Adds keys and, in the same step, sets retiresAt on the pool's current keys of the same uses. */
  rotate(poolId: string, added: SigningKeyRecord[], retiresAt: number): Promise<void>;
  add(keys: SigningKeyRecord[]): Promise<void>;
}

export interface MetaStore {
  get(key: string): Promise<string | null>;
  /** Sets the value unless the key exists; returns the stored value either way. */
  setIfAbsent(key: string, value: string): Promise<string>;
}

export interface UserStore {
  /** Inserts the user; 'exists' when the pool has the usernameKey (or the sub) already. */
  create(user: UserRecord): Promise<CreateResult>;
  get(poolId: string, usernameKey: string): Promise<UserRecord | null>;
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

export interface GroupStore {
  /** 'exists' when the pool has a group of that name; 'limit' at `maxGroups` groups in the pool. */
  create(group: GroupRecord, maxGroups: number): Promise<CreateResult>;
  get(poolId: string, name: string): Promise<GroupRecord | null>;
  /** Groups of a pool by name. */
  list(poolId: string, limit: number, cursor?: string): Promise<Page<GroupRecord>>;
  update(group: GroupRecord): Promise<boolean>;
  /** Deletes the group and its memberships. */
  delete(poolId: string, name: string): Promise<boolean>;
  /**
   * Adds the user (idempotent); 'limit' when the user is in `maxGroupsPerUser` groups already. The user and the group
   * must exist (the operation looks both up first): otherwise it throws and stores nothing.
   */
  addMember(poolId: string, name: string, usernameKey: string, maxGroupsPerUser: number): Promise<CreateResult>;
  removeMember(poolId: string, name: string, usernameKey: string): Promise<boolean>;
  /** The user's groups by name, paginated (AdminListGroupsForUser). */
  listForUser(poolId: string, usernameKey: string, limit: number, cursor?: string): Promise<Page<GroupRecord>>;
  /** Every group of the user (at most 100), for token claims. */
  allForUser(poolId: string, usernameKey: string): Promise<GroupRecord[]>;
  /** Members of a group, paginated (ListUsersInGroup). */
  listMembers(poolId: string, name: string, limit: number, cursor?: string): Promise<Page<UserRecord>>;
}

export interface CodeStore {
  /** Stores the code, replacing the user's live code of the same purpose. */
  put(code: CodeRecord): Promise<void>;
  get(poolId: string, username: string, purpose: string): Promise<CodeRecord | null>;
  /** Adds one to attempts and returns the new count (atomic across processes). */
  addAttempt(poolId: string, username: string, purpose: string): Promise<number>;
  delete(poolId: string, username: string, purpose: string): Promise<boolean>;
}

export interface SessionStore {
  /** Stores a new sign-in session with its first refresh token. */
  create(session: AuthSessionRecord, refresh: RefreshTokenRecord): Promise<void>;
  get(originJti: string): Promise<AuthSessionRecord | null>;
  getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null>;
  /** Rotation: marks `oldHash` superseded at `now` and adds `next`, atomically; false if oldHash was already superseded. */
  rotateRefreshToken(oldHash: string, next: RefreshTokenRecord, now: number): Promise<boolean>;
  /** Revokes one session (RevokeToken). False if unknown. */
  revoke(originJti: string, now: number): Promise<boolean>;
  /** Revokes every live session of a user (GlobalSignOut); returns how many. */
  revokeAllForUser(poolId: string, username: string, now: number): Promise<number>;
  /** Drops sessions and refresh tokens expired before `before` (housekeeping). */
  purgeExpired(before: number): Promise<number>;
}

/** Sliding counters and lockouts, shared by every process (rate limits on codes, sign-in lockout). */
export interface CounterStore {
  /**
   * Adds one to the counter `key` in its current window and returns the count: a window starts at the first hit
   * and lasts `windowMs`; a hit after it starts a new window at 1.
   */
  hit(key: string, windowMs: number, now: number): Promise<number>;
  /** The count of the live window (0 when none or expired). */
  peek(key: string, now: number): Promise<number>;
  reset(key: string): Promise<void>;
  /** Lockout state of a key: consecutive failures and until when it is locked. */
  getLockout(key: string): Promise<{ failures: number; lockedUntil: number } | null>;
  setLockout(key: string, failures: number, lockedUntil: number): Promise<void>;
  clearLockout(key: string): Promise<void>;
  /** Counts one more consecutive failure for `key` at `now`, atomically across processes; returns the new count. */
  addFailure(key: string, now: number): Promise<number>;
  /** Locks `key` until `lockedUntil`, never shortening a longer lock already set. */
  extendLockout(key: string, lockedUntil: number): Promise<void>;
  /**
   * Housekeeping: drops counters whose window ended by `now`, and failure streaks whose last failure was before
   * `idleBefore` and that are not locked at `now`. Returns the rows removed.
   */
  purgeExpired(now: number, idleBefore: number): Promise<number>;
}

export interface OutboxStore {
  add(message: OutboxMessage): Promise<void>;
  /** Messages to `to` (all when undefined), newest first; those sent in the same millisecond, last added first. */
  list(to: string | undefined, limit: number): Promise<OutboxMessage[]>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  pools: PoolStore;
  clients: ClientStore;
  domains: DomainStore;
  keys: SigningKeyStore;
  meta: MetaStore;
  users: UserStore;
  codes: CodeStore;
  sessions: SessionStore;
  counters: CounterStore;
  outbox: OutboxStore;
  groups: GroupStore;
  /** Applies pending numbered migrations; returns the versions applied. */
  migrate(): Promise<number[]>;
  close(): Promise<void>;
}

/** Cursor helpers: keyset pagination on (createdAt, id), opaque to clients. */
export function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}
export function decodeCursor(cursor: string): [number, string] | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    /* fallthrough */
  }
  return null;
}

/**
 * The least string above every string that starts with `prefix`, in code-point order (the byte order of UTF-8:
 * SQLite's BINARY collation, PostgreSQL's "C"), or undefined when there is none (an empty prefix, or one of U+10FFFF
 * only). A prefix filter is then the index range `prefix <= value < bound`. Lone surrogates count as U+FFFD, which is
 * what the drivers store for them.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const cps = Array.from(prefix, (c) => {
    const cp = c.codePointAt(0)!;
    return cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp;
  });
  while (cps.length > 0) {
    const last = cps.pop()!;
    if (last < 0x10ffff) return String.fromCodePoint(...cps, last === 0xd7ff ? 0xe000 : last + 1);
  }
  return undefined;
}

/** Thrown by list methods given a cursor they did not make; operations answer InvalidParameterException. */
export class InvalidCursorError extends Error {
  constructor() {
    super('invalid pagination token');
  }
}
