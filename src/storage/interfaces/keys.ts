// The storage interface of a pool's token signing keys and their rotation.
import type { SigningKeyRecord } from '../records.ts';

export interface SigningKeyStore {
  /** Every key of the pool, retired ones included, newest first. */
  listForPool(poolId: string): Promise<SigningKeyRecord[]>;
  /** Adds keys and, in the same step, sets retiresAt on the pool's current keys of the same uses. */
  rotate(poolId: string, added: SigningKeyRecord[], retiresAt: number): Promise<void>;
  add(keys: SigningKeyRecord[]): Promise<void>;
}
