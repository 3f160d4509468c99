// The storage interface of users' devices (remembered devices): keyed by pool and device key, owned by one user,
// gone with the user.
import type { DeviceRecord, Page } from '../records.ts';

export interface DeviceStore {
  /** False when the pool already has this device key. */
  create(device: DeviceRecord): Promise<boolean>;
  /** The user's device with this key, or null (another user's device is null too). */
  get(poolId: string, usernameKey: string, deviceKey: string): Promise<DeviceRecord | null>;
  /** Writes every mutable field of the user's device; false when it does not exist. */
  update(device: DeviceRecord): Promise<boolean>;
  delete(poolId: string, usernameKey: string, deviceKey: string): Promise<boolean>;
  /** Deletes devices never confirmed that were created before `createdBefore`; returns how many. */
  purgeUnconfirmed(createdBefore: number): Promise<number>;
  /** The user's confirmed devices (a verifier stored), oldest first, keyset-paged. */
  listConfirmed(poolId: string, usernameKey: string, limit: number, cursor?: string): Promise<Page<DeviceRecord>>;
}
