// The storage interface of Cognito Sync push devices (RegisterDevice) and their dataset subscriptions
// (SubscribeToDataset), kept per identity: a device is one (identity, platform, push token) and keeps its DeviceId;
// a subscription names a dataset of that identity (made or not yet) for the change feed (sync/feed.ts).

export interface SyncDeviceRecord {
  poolId: string;
  identityId: string;
  deviceId: string;
  platform: string;
  /** SHA-256 (hex) of the push token: the token itself is not needed, only its identity */
  tokenHash: string;
  createdAt: number;
}

export interface SyncDeviceStore {
  /**
   * Keeps the device, or answers the one the identity already registered with this platform and token (its DeviceId);
   * 'limit' (nothing kept) when it is new and the identity has `maxDevices` already.
   */
  register(device: SyncDeviceRecord, maxDevices?: number): Promise<SyncDeviceRecord | 'limit'>;
  /** The identity's device with this id, or null (another identity's device is null too). */
  get(identityId: string, deviceId: string): Promise<SyncDeviceRecord | null>;
  /**
   * Subscribes the identity's device to one of its datasets (again is no change); false when no such device; 'limit'
   * (nothing kept) when the subscription is new and the device has `maxSubscriptions` already.
   */
  subscribe(identityId: string, deviceId: string, dataset: string, now: number, maxSubscriptions?: number): Promise<boolean | 'limit'>;
  /** Ends the subscription if there is one; false when no such device. */
  unsubscribe(identityId: string, deviceId: string, dataset: string): Promise<boolean>;
  /** Whether the identity's device is subscribed to the dataset. */
  isSubscribed(identityId: string, deviceId: string, dataset: string): Promise<boolean>;
}

/**
 * Signals between the servers sharing a store, on a named channel: PostgreSQL LISTEN/NOTIFY (every server on the
 * database hears every signal, the sender too); SQLite: this process only (a cluster's workers relay through their
 * primary, sync/feed.ts). Payloads are small text (PostgreSQL caps them under 8,000 bytes).
 */
export interface SignalBus {
  publish(channel: string, payload: string): Promise<void>;
  /** Calls `onSignal` with each payload published on the channel from now on; answers the stop function. */
  subscribe(channel: string, onSignal: (payload: string) => void): Promise<() => Promise<void>>;
}
