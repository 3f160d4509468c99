// The storage interface of identity pools (cognito-identity): counted create, versioned update, pages in creation order.
import type { IdentityPoolRecord, Page } from '../records.ts';
import type { CreateResult } from './create-result.ts';

export interface IdentityPoolStore {
  /** Inserts the pool, unless `maxPools` identity pools exist already ('limit'). */
  create(pool: IdentityPoolRecord, maxPools: number): Promise<CreateResult>;
  get(id: string): Promise<IdentityPoolRecord | null>;
  /** Identity pools in creation order; `cursor` is a previous page's `next`. */
  list(limit: number, cursor?: string): Promise<Page<IdentityPoolRecord>>;
  /** Writes `pool` (with version already bumped) only if the stored version is `pool.version - 1`; false otherwise. */
  update(pool: IdentityPoolRecord): Promise<boolean>;
  /** Deletes the pool with its identities and their logins; false if it did not exist. */
  delete(id: string): Promise<boolean>;
}
