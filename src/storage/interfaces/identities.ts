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

/** One linked login: the provider name and the provider's user id (for a developer provider, its user identifier). */
export interface IdentityLogin {
  provider: string;
  userId: string;
}

/** A login as link() takes it. */
export type LoginKey = IdentityLogin;

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
  /**
   * Links (provider, userId) in the identity's pool to identity `id` unless that login is linked already; adds the
   * provider to its logins and sets modifiedAt when it links. Answers the id of the identity the login is linked to
   * after (`id`, or the other identity that had it), or null if identity `id` does not exist. Race-free, as forLogin.
   */
  linkTo(id: string, provider: string, userId: string, now: number): Promise<string | null>;
  /** Every login linked to the identity, ordered by provider, then user id (empty for an unknown identity). */
  loginsOf(id: string): Promise<IdentityLogin[]>;
  /**
   * Moves every login of identity `sourceId` to identity `destinationId` (of the same pool) and deletes the source
   * identity; the destination after (logins the union, modifiedAt `now`), or null if either does not exist.
   */
  merge(sourceId: string, destinationId: string, now: number): Promise<IdentityRecord | null>;
  /**
   * Removes the one login (provider, userId) from the identity (the provider leaves its logins when no login of it
   * remains) and sets modifiedAt; the identity after, or null if that login was not linked to it.
   */
  unlinkLogin(id: string, provider: string, userId: string, now: number): Promise<IdentityRecord | null>;
  /** Identities of the pool in creation order; `cursor` is a previous page's `next`. */
  list(poolId: string, limit: number, cursor?: string): Promise<Page<IdentityRecord>>;
  /** Deletes the identity and its logins; false if it did not exist. */
  delete(id: string): Promise<boolean>;
}
