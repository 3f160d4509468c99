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

export interface IdentityStore {
  /** Inserts a guest (unauthenticated) identity. */
  create(identity: IdentityRecord): Promise<void>;
  /**
   * The identity of the pool that (provider, userId) is linked to; when there is none, inserts `fresh` (of that pool)
   * linked to it. Race-free: concurrent calls for one login all answer the same identity.
   */
  forLogin(fresh: IdentityRecord, provider: string, userId: string): Promise<IdentityRecord>;
  /**
   * Links (provider, userId) to identity `id` (a guest signing in: Cognito keeps its identity id), unless the login is
   * linked already. The identity the login is linked to after the call — `id` with the login added, or the identity it
   * was linked to before — or null when `id` does not exist. Race-free with forLogin and itself.
   */
  link(id: string, provider: string, userId: string, now: number): Promise<IdentityRecord | null>;
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
