// The storage interface of user pools, created with their first signing keys.
import type { Page, PoolRecord, SigningKeyRecord } from '../records.ts';
import type { CreateResult } from './create-result.ts';

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
