// SQLite Cognito Sync devices and subscriptions (interfaces/sync-devices.ts); the in-process signal bus.
import { EventEmitter } from 'node:events';
import type { SignalBus, SyncDeviceRecord, SyncDeviceStore } from '../interfaces/sync-devices.ts';
import { syncDeviceOf } from '../rows.ts';
import type { Row, SqliteDb } from './db.ts';


export function sqliteSyncDevices({ db, q }: SqliteDb): SyncDeviceStore {
  const byToken = (d: SyncDeviceRecord) =>
    q('SELECT * FROM sync_devices WHERE identity_id = ? AND platform = ? AND token_hash = ?').get(d.identityId, d.platform, d.tokenHash) as Row;
  const register = db.transaction((d: SyncDeviceRecord, max: number): SyncDeviceRecord | 'limit' => {
    const known = byToken(d);
    if (known) return syncDeviceOf(known);
    if ((q('SELECT COUNT(*) AS n FROM sync_devices WHERE identity_id = ?').get(d.identityId) as Row).n >= max) return 'limit';
    q(
      `INSERT INTO sync_devices (identity_id, device_id, pool_id, platform, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (identity_id, platform, token_hash) DO NOTHING`,
    ).run(d.identityId, d.deviceId, d.poolId, d.platform, d.tokenHash, d.createdAt);
    return syncDeviceOf(byToken(d));
  });
  const exists = (identityId: string, deviceId: string) =>
    !!q('SELECT 1 FROM sync_devices WHERE identity_id = ? AND device_id = ?').get(identityId, deviceId);
  const subscribe = db.transaction((identityId: string, deviceId: string, dataset: string, now: number, max: number): boolean | 'limit' => {
    if (!exists(identityId, deviceId)) return false;
    if (!q('SELECT 1 FROM sync_subscriptions WHERE identity_id = ? AND dataset = ? AND device_id = ?').get(identityId, dataset, deviceId)) {
      const n = (q('SELECT COUNT(*) AS n FROM sync_subscriptions WHERE identity_id = ? AND device_id = ?').get(identityId, deviceId) as Row).n;
      if (n >= max) return 'limit';
    }
    q('INSERT INTO sync_subscriptions (identity_id, dataset, device_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(identityId, dataset, deviceId, now);
    return true;
  });
  return {
    async register(d, max = Infinity) {
      return register.immediate(d, max);
    },
    async get(identityId, deviceId) {
      const r = q('SELECT * FROM sync_devices WHERE identity_id = ? AND device_id = ?').get(identityId, deviceId) as Row | undefined;
      return r ? syncDeviceOf(r) : null;
    },
    async subscribe(identityId, deviceId, dataset, now, max = Infinity) {
      return subscribe.immediate(identityId, deviceId, dataset, now, max);
    },
    async unsubscribe(identityId, deviceId, dataset) {
      if (!exists(identityId, deviceId)) return false;
      q('DELETE FROM sync_subscriptions WHERE identity_id = ? AND dataset = ? AND device_id = ?').run(identityId, dataset, deviceId);
      return true;
    },
    async isSubscribed(identityId, deviceId, dataset) {
      return !!q('SELECT 1 FROM sync_subscriptions WHERE identity_id = ? AND dataset = ? AND device_id = ?').get(identityId, dataset, deviceId);
    },
  };
}

/** Signals within this process (SQLite serves one process; workers of a cluster relay through the primary). */
export function localSignals(): SignalBus {
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  return {
    async publish(channel, payload) {
      bus.emit(channel, payload);
    },
    async subscribe(channel, onSignal) {
      bus.on(channel, onSignal);
      return async () => void bus.off(channel, onSignal);
    },
  };
}
