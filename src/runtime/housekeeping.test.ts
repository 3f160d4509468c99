import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../test/support/deps.ts';
import { FixedClock } from './clock.ts';
import { FAILURE_STREAK_IDLE_MS, housekeep, UNCONFIRMED_DEVICE_MS } from './housekeeping.ts';

test('housekeep drops expired sessions and counters and idle failure streaks, and keeps live ones', async () => {
  const clock = new FixedClock();
  const deps = await makeTestDeps({ clock });
  const t0 = clock.now();
  const session = (originJti: string, expiresAt: number) => ({
    originJti, poolId: 'p', clientId: 'c', username: 'u', authTime: t0, createdAt: t0, expiresAt, revokedAt: null, deviceKey: null,
  });
  // Sessions reference nothing else; counters and lockouts are keyed by strings.
  await deps.store.pools.create({ id: 'p', name: 'p', arn: 'a', createdAt: t0, updatedAt: t0, version: 1, settings: {}, tags: {} }, [], 10);
  await deps.store.sessions.create(session('old', t0 + 1000), { tokenHash: 'h1', originJti: 'old', createdAt: t0, expiresAt: t0 + 1000, supersededAt: null });
  await deps.store.sessions.create(session('live', t0 + 10 * 86400_000), { tokenHash: 'h2', originJti: 'live', createdAt: t0, expiresAt: t0 + 10 * 86400_000, supersededAt: null });
  await deps.store.counters.hit('code-window', 60_000, t0);
  await deps.store.counters.addFailure('streak', t0);

  clock.advance(2 * 60_000);
  assert.ok((await housekeep(deps)) >= 2);
  assert.equal(await deps.store.sessions.get('old'), null);
  assert.ok(await deps.store.sessions.get('live'));
  assert.equal(await deps.store.counters.peek('code-window', clock.now()), 0);
  assert.ok(await deps.store.counters.getLockout('streak'), 'a recent failure streak is kept');

  clock.advance(FAILURE_STREAK_IDLE_MS);
  await housekeep(deps);
  assert.equal(await deps.store.counters.getLockout('streak'), null);
  await deps.store.close();
});

test('housekeep drops devices never confirmed after UNCONFIRMED_DEVICE_MS, and keeps confirmed ones', async () => {
  const clock = new FixedClock();
  const deps = await makeTestDeps({ clock });
  const t0 = clock.now();
  await deps.store.pools.create({ id: 'p', name: 'p', arn: 'a', createdAt: t0, updatedAt: t0, version: 1, settings: {}, tags: {} }, [], 10);
  await deps.store.users.create({
    poolId: 'p', username: 'u', usernameKey: 'u', sub: 's', status: 'CONFIRMED', enabled: true, attributes: {}, credentialsSealed: null,
    mfa: {}, passwordSetAt: null, createdAt: t0, updatedAt: t0, version: 1,
  });
  const device = (deviceKey: string, verifierSealed: string | null) => ({
    poolId: 'p', usernameKey: 'u', deviceKey, groupKey: 'g', verifierSealed, status: null, name: null, lastIp: null,
    createdAt: t0, updatedAt: t0, lastAuthenticatedAt: null,
  });
  await deps.store.devices.create(device('r_unconfirmed', null));
  await deps.store.devices.create(device('r_confirmed', 'sealed'));
  clock.advance(UNCONFIRMED_DEVICE_MS - 1);
  await housekeep(deps);
  assert.ok(await deps.store.devices.get('p', 'u', 'r_unconfirmed'), 'kept while an access token could still confirm it');
  clock.advance(2);
  await housekeep(deps);
  assert.equal(await deps.store.devices.get('p', 'u', 'r_unconfirmed'), null);
  assert.ok(await deps.store.devices.get('p', 'u', 'r_confirmed'));
  await deps.store.close();
});
