// The storage interface of identities (cognito-identity): one row per identity of an identity pool, and a logins index
// unique per (pool, provider, provider user id), so one login always maps to one identity.
import type { Page } from '../records.ts';

export interface IdentityRecord {
  /** `{region}:{uuid}` */
  id: string;
  poolId: string;
  createdAt: number;
  modifiedAt: number;
  /** provider names linked to the identity (empty for a guest identity) */
  logins: string[];
}

/** One login: a provider name and the provider's id of the user. */
export interface LoginKey {
  provider: string;
  userId: string;
}

/** What link() answers: the one identity holding every login, or why nothing was changed. */
export type LinkOutcome =
  | { identity: IdentityRecord; refused?: undefined }
  | { refused: 'conflict'; provider: string }
  | { refused: 'limit' };

export interface IdentityStore {
  /** Inserts a guest (unauthenticated) identity. */
  create(identity: IdentityRecord): Promise<void>;
  /**
   * The identity of the pool that (provider, userId) is linked to; when there is none, inserts `fresh` (of that pool)
   * linked to it. Race-free: concurrent calls for one login all answer the same identity.
   */
  forLogin(fresh: IdentityRecord, provider: string, userId: string): Promise<IdentityRecord>;
  /**
   * Links every one of `logins` (distinct providers) to one identity of `fresh.poolId`, atomically: none linked yet →
   * `fresh` is inserted linked to them all; some linked → the oldest identity holding any of them (createdAt, then id)
   * gains the rest, and every other identity holding one is merged into it (its logins moved to it, it deleted).
   * Nothing changes when the identity would hold two users of one provider ('conflict') or more than `maxLogins`
   * logins ('limit'). Race-free as forLogin. modifiedAt becomes `now` when an existing identity changes.
   */
  link(fresh: IdentityRecord, logins: LoginKey[], maxLogins: number, now: number): Promise<LinkOutcome>;
  get(id: string): Promise<IdentityRecord | null>;
  /** The id of the identity of the pool that (provider, userId) is linked to, or null. */
  linked(poolId: string, provider: string, userId: string): Promise<string | null>;
  /** Removes the identity's links to `providers` and sets modifiedAt; the identity after, or null if it does not exist. */
  unlink(id: string, providers: string[], now: number): Promise<IdentityRecord | null>;
  /** Identities of the pool in creation order; `cursor` is a previous page's `next`. */
  list(poolId: string, limit: number, cursor?: string): Promise<Page<IdentityRecord>>;
  /** Deletes the identity and its logins; false if it did not exist. */
  delete(id: string): Promise<boolean>;
}
