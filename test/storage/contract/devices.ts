// Storage contract for devices: a user's remembered devices, keyed by pool and device key, gone with the user.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DeviceRecord } from '../../../src/storage/records.ts';
import type { Store } from '../../../src/storage/store.ts';
import { pool, user, T0, type WithStore } from './fixtures.ts';

function device(poolId: string, usernameKey: string, deviceKey: string, over: Partial<DeviceRecord> = {}): DeviceRecord {
  return {
    poolId,
    usernameKey,
    deviceKey,
    groupKey: `-group-${deviceKey}`,
    verifierSealed: null,
    status: null,
    name: null,
    lastIp: null,
    createdAt: T0,
    updatedAt: T0,
    lastAuthenticatedAt: null,
    ...over,
  };
}

async function twoUsers(store: Store): Promise<void> {
  await store.pools.create(pool('p1'), [], 10);
  await store.users.create(user('p1', 'alice'));
  await store.users.create(user('p1', 'bob'));
}

export function devicesContract(withStore: WithStore): void {
  describe('devices', () => {
    test('create then get round-trips, for its user only; a device key is unique in the pool', () =>
      withStore(async (store) => {
        await twoUsers(store);
        const d = device('p1', 'alice', 'us-east-1_d1', { verifierSealed: 'sealed', status: 'remembered', name: 'Ünïcode phone', lastIp: '192.0.2.1', lastAuthenticatedAt: T0 + 5 });
        assert.equal(await store.devices.create(d), true);
        assert.deepEqual(await store.devices.get('p1', 'alice', 'us-east-1_d1'), d);
        assert.equal(await store.devices.get('p1', 'bob', 'us-east-1_d1'), null);
        assert.equal(await store.devices.get('p1', 'alice', 'us-east-1_none'), null);
        assert.equal(await store.devices.create(device('p1', 'bob', 'us-east-1_d1')), false);
        assert.deepEqual(await store.devices.get('p1', 'alice', 'us-east-1_d1'), d);
      }));

    test('update writes the mutable fields of the user’s device only; delete', () =>
      withStore(async (store) => {
        await twoUsers(store);
        const d = device('p1', 'alice', 'us-east-1_d1');
        await store.devices.create(d);
        const confirmed = { ...d, verifierSealed: 'v', status: 'not_remembered' as const, name: 'n', lastIp: '::1', updatedAt: T0 + 9, lastAuthenticatedAt: T0 + 8 };
        assert.equal(await store.devices.update({ ...confirmed, usernameKey: 'bob' }), false);
        assert.deepEqual(await store.devices.get('p1', 'alice', 'us-east-1_d1'), d);
        assert.equal(await store.devices.update(confirmed), true);
        assert.deepEqual(await store.devices.get('p1', 'alice', 'us-east-1_d1'), confirmed);
        assert.equal(await store.devices.delete('p1', 'bob', 'us-east-1_d1'), false);
        assert.equal(await store.devices.delete('p1', 'alice', 'us-east-1_d1'), true);
        assert.equal(await store.devices.get('p1', 'alice', 'us-east-1_d1'), null);
        assert.equal(await store.devices.delete('p1', 'alice', 'us-east-1_d1'), false);
      }));

    test('listConfirmed pages the user’s confirmed devices in creation order', () =>
      withStore(async (store) => {
        await twoUsers(store);
        const c = (key: string, t: number) => device('p1', 'alice', key, { verifierSealed: 'v', status: 'remembered', createdAt: t });
        const a = c('us-east-1_b', T0 + 1);
        const b = c('us-east-1_a', T0 + 2);
        const tie = c('us-east-1_c', T0 + 2);
        for (const d of [tie, b, a, device('p1', 'alice', 'us-east-1_unconfirmed', { createdAt: T0 }), device('p1', 'bob', 'us-east-1_bobs', { verifierSealed: 'v' })])
          assert.equal(await store.devices.create(d), true);
        const first = await store.devices.listConfirmed('p1', 'alice', 2);
        assert.deepEqual(first.items, [a, b]);
        assert.ok(first.next);
        const second = await store.devices.listConfirmed('p1', 'alice', 2, first.next);
        assert.deepEqual(second, { items: [tie] });
        assert.deepEqual(await store.devices.listConfirmed('p1', 'alice', 10), { items: [a, b, tie] });
        assert.deepEqual(await store.devices.listConfirmed('p1', 'nobody', 10), { items: [] });
      }));

    test('purgeUnconfirmed drops devices never confirmed created before the time, and no others', () =>
      withStore(async (store) => {
        await twoUsers(store);
        const old = device('p1', 'alice', 'us-east-1_old', { createdAt: T0 });
        const edge = device('p1', 'alice', 'us-east-1_edge', { createdAt: T0 + 10 });
        const kept = device('p1', 'bob', 'us-east-1_kept', { createdAt: T0, verifierSealed: 'v', status: 'remembered' });
        for (const d of [old, edge, kept]) await store.devices.create(d);
        assert.equal(await store.devices.purgeUnconfirmed(T0 + 10), 1);
        assert.equal(await store.devices.get('p1', 'alice', 'us-east-1_old'), null);
        assert.deepEqual(await store.devices.get('p1', 'alice', 'us-east-1_edge'), edge);
        assert.deepEqual(await store.devices.get('p1', 'bob', 'us-east-1_kept'), kept);
        assert.equal(await store.devices.purgeUnconfirmed(T0 + 10), 0);
      }));

    test('a user’s devices go with the user, and with the pool', () =>
      withStore(async (store) => {
        await twoUsers(store);
        await store.devices.create(device('p1', 'alice', 'us-east-1_d1', { verifierSealed: 'v' }));
        await store.devices.create(device('p1', 'bob', 'us-east-1_d2', { verifierSealed: 'v' }));
        assert.equal(await store.users.delete('p1', 'alice'), true);
        assert.equal(await store.devices.get('p1', 'alice', 'us-east-1_d1'), null);
        // The name taken again is a new user: the old device is not theirs.
        await store.users.create(user('p1', 'alice'));
        assert.deepEqual(await store.devices.listConfirmed('p1', 'alice', 10), { items: [] });
        assert.equal(await store.devices.create(device('p1', 'alice', 'us-east-1_d1')), true);
        assert.equal(await store.pools.delete('p1'), true);
        assert.equal(await store.devices.get('p1', 'bob', 'us-east-1_d2'), null);
      }));
  });
}
