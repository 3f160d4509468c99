// Storage contract for Cognito Sync push devices and subscriptions: one DeviceId per (identity, platform, token),
// devices and subscriptions kept per identity; and the signal bus: a signal published on one store reaches the
// subscribers of that store and (on a shared database) of a second store, as another server.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SyncDeviceRecord } from '../../../src/storage/interfaces/sync-devices.ts';
import { T0, type WithStore } from './fixtures.ts';

const POOL = 'us-east-1:11111111-1111-4111-8111-111111111111';
const ID = 'us-east-1:aaaaaaaa-0000-4000-8000-000000000001';
const ID2 = 'us-east-1:aaaaaaaa-0000-4000-8000-000000000002';

const device = (deviceId: string, over: Partial<SyncDeviceRecord> = {}): SyncDeviceRecord => ({
  poolId: POOL, identityId: ID, deviceId, platform: 'GCM', tokenHash: 'h1', createdAt: T0, ...over,
});

/** The next payload on `channel` of `bus`, or 'none' after `ms`. */
function next(store: { signals: { subscribe(c: string, f: (p: string) => void): Promise<() => Promise<void>> } }, channel: string) {
  let resolve!: (p: string) => void;
  const got = new Promise<string>((r) => (resolve = r));
  return store.signals.subscribe(channel, (p) => resolve(p)).then((stop) => ({
    stop,
    within: (ms: number) => Promise.race([got, new Promise<string>((r) => setTimeout(() => r('none'), ms))]),
  }));
}

export function syncDevicesContract(withStore: WithStore): void {
  describe('sync devices', () => {
    test('one identity, platform and token is one device: registering again answers its DeviceId', () =>
      withStore(async (store) => {
        const first = await store.syncDevices.register(device('d1'));
        assert.deepEqual(first, device('d1'));
        assert.deepEqual(await store.syncDevices.register(device('d2', { createdAt: T0 + 1 })), device('d1'));
        assert.equal(((await store.syncDevices.register(device('d3', { platform: 'APNS' }))) as SyncDeviceRecord).deviceId, 'd3');
        assert.equal(((await store.syncDevices.register(device('d4', { tokenHash: 'h2' }))) as SyncDeviceRecord).deviceId, 'd4');
        assert.equal(((await store.syncDevices.register(device('d5', { identityId: ID2 }))) as SyncDeviceRecord).deviceId, 'd5');
        assert.deepEqual(await store.syncDevices.get(ID, 'd1'), device('d1'));
        assert.equal(await store.syncDevices.get(ID, 'd2'), null);
        assert.equal(await store.syncDevices.get(ID2, 'd1'), null, "another identity's device is not found");
      }));

    test("subscriptions are the device's, per dataset; an unknown device subscribes to nothing", () =>
      withStore(async (store) => {
        await store.syncDevices.register(device('d1'));
        await store.syncDevices.register(device('e1', { identityId: ID2 }));
        assert.equal(await store.syncDevices.subscribe(ID, 'd1', 'ds', T0), true);
        assert.equal(await store.syncDevices.subscribe(ID, 'd1', 'ds', T0 + 1), true, 'again is no change');
        assert.equal(await store.syncDevices.subscribe(ID, 'nope', 'ds', T0), false);
        assert.equal(await store.syncDevices.subscribe(ID2, 'd1', 'ds', T0), false, "another identity's device");
        assert.equal(await store.syncDevices.isSubscribed(ID, 'd1', 'ds'), true);
        assert.equal(await store.syncDevices.isSubscribed(ID, 'd1', 'other'), false);
        assert.equal(await store.syncDevices.isSubscribed(ID2, 'e1', 'ds'), false);
        assert.equal(await store.syncDevices.unsubscribe(ID, 'd1', 'ds'), true);
        assert.equal(await store.syncDevices.isSubscribed(ID, 'd1', 'ds'), false);
        assert.equal(await store.syncDevices.unsubscribe(ID, 'd1', 'ds'), true, 'not subscribed: no change');
        assert.equal(await store.syncDevices.unsubscribe(ID, 'nope', 'ds'), false);
      }));

    test("limits: a new device past the identity's maxDevices, a new subscription past the device's maxSubscriptions, are 'limit' and not kept", () =>
      withStore(async (store) => {
        await store.syncDevices.register(device('d1'), 2);
        await store.syncDevices.register(device('d2', { tokenHash: 'h2' }), 2);
        assert.equal(await store.syncDevices.register(device('d3', { tokenHash: 'h3' }), 2), 'limit');
        assert.equal(await store.syncDevices.get(ID, 'd3'), null);
        assert.deepEqual(await store.syncDevices.register(device('dx'), 2), device('d1'), 'a known device is answered at the limit');
        assert.equal(((await store.syncDevices.register(device('e1', { identityId: ID2 }), 2)) as SyncDeviceRecord).deviceId, 'e1', 'per identity');
        assert.equal(await store.syncDevices.subscribe(ID, 'd1', 'a', T0, 2), true);
        assert.equal(await store.syncDevices.subscribe(ID, 'd1', 'b', T0, 2), true);
        assert.equal(await store.syncDevices.subscribe(ID, 'd1', 'c', T0, 2), 'limit');
        assert.equal(await store.syncDevices.isSubscribed(ID, 'd1', 'c'), false);
        assert.equal(await store.syncDevices.subscribe(ID, 'd1', 'a', T0, 2), true, 'again at the limit is no change');
        assert.equal(await store.syncDevices.subscribe(ID, 'd2', 'c', T0, 2), true, 'per device');
        assert.equal(await store.syncDevices.subscribe(ID, 'nope', 'c', T0, 2), false);
      }));

    test('a signal reaches the subscribers of its channel only, until they stop', () =>
      withStore(async (store) => {
        const a = await next(store, 'a');
        const b = await next(store, 'b');
        await store.signals.publish('a', '{"n":1}');
        assert.equal(await a.within(2000), '{"n":1}');
        assert.equal(await b.within(200), 'none');
        await a.stop();
        await b.stop();
        const c = await next(store, 'a');
        await c.stop();
        await store.signals.publish('a', 'x');
        assert.equal(await c.within(200), 'none');
      }));

    test('on a shared database, a signal published by one server reaches another', (t) =>
      withStore(async (store, reopen) => {
        if (!reopen || store.kind === 'sqlite') return t.skip('SQLite signals stay in their process (workers relay through the primary)');
        const other = await reopen();
        const heard = await next(other, 'sync');
        await store.signals.publish('sync', 'from one');
        assert.equal(await heard.within(2000), 'from one');
        await heard.stop();
      }));
  });
}
