// SQLite devices: a user's remembered devices, keyset-paged by (created_at, device_key).
import { cursorArgs, page } from '../pages.ts';
import type { DeviceStore } from '../store.ts';
import { rows, type Row, type SqliteDb } from './db.ts';

export function sqliteDevices({ q }: SqliteDb): DeviceStore {
  return {
    async create(d) {
      const r = q(
        `INSERT INTO devices (pool_id, username_key, device_key, group_key, verifier_sealed, status, name, last_ip, created_at, updated_at, last_authenticated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ).run(d.poolId, d.usernameKey, d.deviceKey, d.groupKey, d.verifierSealed, d.status, d.name, d.lastIp, d.createdAt, d.updatedAt, d.lastAuthenticatedAt);
      return r.changes === 1;
    },
    async get(poolId, usernameKey, deviceKey) {
      const r = q('SELECT * FROM devices WHERE pool_id = ? AND device_key = ? AND username_key = ?').get(poolId, deviceKey, usernameKey) as Row | undefined;
      return r ? rows.device(r) : null;
    },
    async update(d) {
      return (
        q(
          `UPDATE devices SET verifier_sealed = ?, status = ?, name = ?, last_ip = ?, updated_at = ?, last_authenticated_at = ?
           WHERE pool_id = ? AND device_key = ? AND username_key = ?`,
        ).run(d.verifierSealed, d.status, d.name, d.lastIp, d.updatedAt, d.lastAuthenticatedAt, d.poolId, d.deviceKey, d.usernameKey).changes === 1
      );
    },
    async delete(poolId, usernameKey, deviceKey) {
      return q('DELETE FROM devices WHERE pool_id = ? AND device_key = ? AND username_key = ?').run(poolId, deviceKey, usernameKey).changes === 1;
    },
    async purgeUnconfirmed(createdBefore) {
      return q('DELETE FROM devices WHERE verifier_sealed IS NULL AND created_at < ?').run(createdBefore).changes;
    },
    async listConfirmed(poolId, usernameKey, limit, cursor) {
      const [t, key] = cursorArgs(cursor);
      const found = q(
        `SELECT * FROM devices WHERE pool_id = ? AND username_key = ? AND verifier_sealed IS NOT NULL
         AND (created_at > ? OR (created_at = ? AND device_key > ?)) ORDER BY created_at, device_key LIMIT ?`,
      ).all(poolId, usernameKey, t, t, key, limit + 1) as Row[];
      return page(found.map(rows.device), limit, (d) => d.deviceKey);
    },
  };
}
