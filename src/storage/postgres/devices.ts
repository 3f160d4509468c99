// PostgreSQL devices: a user's remembered devices, keyset-paged by (created_at, device_key).
import { cursorArgs, page } from '../pages.ts';
import type { DeviceStore } from '../store.ts';
import { rows, type PgDb } from './db.ts';

export function pgDevices({ pool, one, all, changed }: PgDb): DeviceStore {
  return {
    create(d) {
      return changed(
        `INSERT INTO devices (pool_id, username_key, device_key, group_key, verifier_sealed, status, name, last_ip, created_at, updated_at, last_authenticated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
        [d.poolId, d.usernameKey, d.deviceKey, d.groupKey, d.verifierSealed, d.status, d.name, d.lastIp, d.createdAt, d.updatedAt, d.lastAuthenticatedAt],
      );
    },
    async get(poolId, usernameKey, deviceKey) {
      const r = await one('SELECT * FROM devices WHERE pool_id = $1 AND device_key = $2 AND username_key = $3', [poolId, deviceKey, usernameKey]);
      return r ? rows.device(r) : null;
    },
    update(d) {
      return changed(
        `UPDATE devices SET verifier_sealed = $1, status = $2, name = $3, last_ip = $4, updated_at = $5, last_authenticated_at = $6
         WHERE pool_id = $7 AND device_key = $8 AND username_key = $9`,
        [d.verifierSealed, d.status, d.name, d.lastIp, d.updatedAt, d.lastAuthenticatedAt, d.poolId, d.deviceKey, d.usernameKey],
      );
    },
    delete(poolId, usernameKey, deviceKey) {
      return changed('DELETE FROM devices WHERE pool_id = $1 AND device_key = $2 AND username_key = $3', [poolId, deviceKey, usernameKey]);
    },
    async purgeUnconfirmed(createdBefore) {
      return (await pool.query('DELETE FROM devices WHERE verifier_sealed IS NULL AND created_at < $1', [createdBefore])).rowCount ?? 0;
    },
    async listConfirmed(poolId, usernameKey, limit, cursor) {
      const [t, key] = cursorArgs(cursor);
      const found = await all(
        `SELECT * FROM devices WHERE pool_id = $1 AND username_key = $2 AND verifier_sealed IS NOT NULL
         AND (created_at, device_key) > ($3, $4) ORDER BY created_at, device_key LIMIT $5`,
        [poolId, usernameKey, t, key, limit + 1],
      );
      return page(found.map(rows.device), limit, (d) => d.deviceKey);
    },
  };
}
