// PostgreSQL Cognito Sync devices and subscriptions (as sqlite/sync-devices.ts), and the signal bus over
// LISTEN/NOTIFY: one connection of its own listens (opened at the first subscribe, reconnected if dropped), NOTIFY goes
// through the pool. Channels are named per schema (the pool's current_schema()), so stores in other schemas of one database never hear ours.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { SignalBus, SyncDeviceRecord, SyncDeviceStore } from '../interfaces/sync-devices.ts';
import { syncDeviceOf } from '../rows.ts';
import type { PgDb } from './db.ts';


export function pgSyncDevices({ one, changed }: PgDb): SyncDeviceStore {
  const exists = async (identityId: string, deviceId: string) =>
    !!(await one('SELECT 1 FROM sync_devices WHERE identity_id = $1 AND device_id = $2', [identityId, deviceId]));
  return {
    async register(d, max = Number.MAX_SAFE_INTEGER) {
      // The limit is read by the insert itself (concurrent first registrations may pass it by a few, never more).
      const made = await one(
        `INSERT INTO sync_devices (identity_id, device_id, pool_id, platform, token_hash, created_at)
         SELECT $1, $2, $3, $4, $5, $6 WHERE (SELECT COUNT(*) FROM sync_devices WHERE identity_id = $1) < $7
         ON CONFLICT (identity_id, platform, token_hash) DO NOTHING RETURNING *`,
        [d.identityId, d.deviceId, d.poolId, d.platform, d.tokenHash, d.createdAt, max],
      );
      // Not made: registered before (by this call's twin, perhaps, committed before our insert looked), or the limit.
      const r = made ?? (await one('SELECT * FROM sync_devices WHERE identity_id = $1 AND platform = $2 AND token_hash = $3', [d.identityId, d.platform, d.tokenHash]));
      return r ? syncDeviceOf(r) : 'limit';
    },
    async get(identityId, deviceId) {
      const r = await one('SELECT * FROM sync_devices WHERE identity_id = $1 AND device_id = $2', [identityId, deviceId]);
      return r ? syncDeviceOf(r) : null;
    },
    async subscribe(identityId, deviceId, dataset, now, max = Number.MAX_SAFE_INTEGER) {
      // One statement: no subscription outlives a device deleted between a check and an insert.
      const made = await one(
        `INSERT INTO sync_subscriptions (identity_id, dataset, device_id, created_at)
         SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM sync_devices WHERE identity_id = $1 AND device_id = $3)
           AND (SELECT COUNT(*) FROM sync_subscriptions WHERE identity_id = $1 AND device_id = $3) < $5
         ON CONFLICT DO NOTHING RETURNING 1`,
        [identityId, dataset, deviceId, now, max],
      );
      if (made) return true;
      if (!(await exists(identityId, deviceId))) return false;
      return (await one('SELECT 1 FROM sync_subscriptions WHERE identity_id = $1 AND dataset = $2 AND device_id = $3', [identityId, dataset, deviceId])) ? true : 'limit';
    },
    async unsubscribe(identityId, deviceId, dataset) {
      if (!(await exists(identityId, deviceId))) return false;
      await changed('DELETE FROM sync_subscriptions WHERE identity_id = $1 AND dataset = $2 AND device_id = $3', [identityId, dataset, deviceId]);
      return true;
    },
    async isSubscribed(identityId, deviceId, dataset) {
      return !!(await one('SELECT 1 FROM sync_subscriptions WHERE identity_id = $1 AND dataset = $2 AND device_id = $3', [identityId, dataset, deviceId]));
    },
  };
}

/** LISTEN/NOTIFY over `pool` (NOTIFY) and a listening connection of its own to `url`; close() ends that connection. */
export function pgSignals(pool: pg.Pool, url: string): SignalBus & { close(): Promise<void> } {
  // The schema the pool's connections use (a `schema` option, or a search_path in the URL's options), asked once.
  let schema: Promise<string> | null = null;
  const channelOf = async (name: string) => {
    schema ??= pool.query('SELECT current_schema() AS s').then((r) => String(r.rows[0].s));
    schema.catch(() => (schema = null));
    return `cognate_${createHash('sha256').update(`${await schema}:${name}`).digest('hex').slice(0, 40)}`;
  };
  const handlers = new Map<string, Set<(payload: string) => void>>();
  let client: Promise<pg.Client> | null = null;
  let closed = false;
  const connect = (): Promise<pg.Client> => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (n) => {
      for (const h of handlers.get(n.channel) ?? []) h(n.payload ?? '');
    });
    // A dropped connection: listen again on a new one (signals sent meanwhile are lost; the feed says so to nobody).
    c.on('error', () => {
      client = null;
      if (!closed && handlers.size) setTimeout(() => void listening().catch(() => {}), 500);
    });
    return c.connect().then(async () => {
      for (const ch of handlers.keys()) await c.query(`LISTEN "${ch}"`);
      return c;
    });
  };
  const listening = (): Promise<pg.Client> => {
    if (!client) {
      client = connect();
      client.catch(() => (client = null));
    }
    return client;
  };
  return {
    async publish(channel, payload) {
      await pool.query('SELECT pg_notify($1, $2)', [await channelOf(channel), payload]);
    },
    async subscribe(channel, onSignal) {
      const ch = await channelOf(channel);
      let set = handlers.get(ch);
      const first = !set;
      if (!set) handlers.set(ch, (set = new Set()));
      set.add(onSignal);
      const c = await listening();
      if (first) await c.query(`LISTEN "${ch}"`);
      return async () => {
        set.delete(onSignal);
        if (set.size) return;
        handlers.delete(ch);
        await (await listening()).query(`UNLISTEN "${ch}"`).catch(() => {});
      };
    },
    async close() {
      closed = true;
      const c = client;
      client = null;
      if (c) await (await c.catch(() => null))?.end().catch(() => {});
    },
  };
}
