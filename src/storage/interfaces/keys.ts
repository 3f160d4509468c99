// The storage interface of a pool's token signing keys and their rotation.
import type { SigningKeyRecord } from '../records.ts';

export interface SigningKeyStore {
  /** Every key of the pool, retired ones included, newest first. */
  listForPool(poolId: string): Promise<SigningKeyRecord[]>;
  /**
   * Adds keys and, in the same step, retires the pool's other keys of the same uses at `retiresAt`: the current ones,
   * and ones an earlier rotation left retiring later than that (an immediate revoke must not spare them); a key
   * retiring sooner keeps its own retiresAt.
   */
  rotate(poolId: string, added: SigningKeyRecord[], retiresAt: number): Promise<void>;
  add(keys: SigningKeyRecord[]): Promise<void>;
}
