import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../test/support/deps.ts';
import { FixedClock } from '../runtime/clock.ts';
import type { RoleRecord } from '../storage/store.ts';
import { ROLE_RECHECK_MS, RolePolicyCache } from './role-policies.ts';

const role = (name: string, roleId = 'AROAAAAAAAAAAAAAAAAAA'): RoleRecord => ({
  name, roleId, arn: `arn:aws:iam::000000000000:role/${name}`, path: '/', assumeRolePolicy: '{}', maxSessionDuration: 3600, createdAt: 0,
});
const doc = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

test('one store read per role while fresh; re-read after ROLE_RECHECK_MS (a change by another server); unchanged documents keep their parse', async () => {
  const clock = new FixedClock(1_000_000);
  const deps = await makeTestDeps({ clock });
  let reads = 0;
  const getWithPolicies = deps.store.roles.getWithPolicies.bind(deps.store.roles);
  deps.store.roles.getWithPolicies = (name) => (reads++, getWithPolicies(name));
  await deps.store.roles.create(role('App'), 10);
  await deps.store.roles.putPolicy({ roleName: 'App', policyName: 'a', document: doc('s3:GetObject') });
  await deps.store.roles.putPolicy({ roleName: 'App', policyName: 'bad', document: '{"Statement":' });
  const cache = new RolePolicyCache();

  const [first, second] = await Promise.all([cache.get(deps, 'App'), cache.get(deps, 'app')]);
  assert.equal(reads, 1, 'concurrent misses share one read');
  assert.equal(first, second);
  assert.equal(first.role?.roleId, 'AROAAAAAAAAAAAAAAAAAA');
  assert.deepEqual(first.policies.map((p) => JSON.stringify(p.Statement)), [JSON.stringify([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }])]);
  clock.advance(ROLE_RECHECK_MS - 1);
  assert.equal(await cache.get(deps, 'App'), first);
  assert.equal(reads, 1);

  // another server changes the policies: this one sees it once the entry is ROLE_RECHECK_MS old
  await deps.store.roles.putPolicy({ roleName: 'App', policyName: 'b', document: doc('s3:PutObject') });
  clock.advance(1);
  const later = await cache.get(deps, 'App');
  assert.equal(reads, 2);
  assert.equal(later.policies.length, 2);
  assert.equal(later.policies[0], first.policies[0], 'an unchanged document is not parsed again');
});

test('invalidate: the next read sees the change at once; a read begun before it is not kept', async () => {
  const clock = new FixedClock(1_000_000);
  const deps = await makeTestDeps({ clock });
  await deps.store.roles.create(role('App'), 10);
  const cache = new RolePolicyCache();
  assert.deepEqual((await cache.get(deps, 'App')).policies, []);
  await deps.store.roles.putPolicy({ roleName: 'App', policyName: 'a', document: doc('s3:GetObject') });
  assert.deepEqual((await cache.get(deps, 'App')).policies, [], 'fresh entry, no invalidation: still the old one');
  cache.invalidate('APP');
  assert.equal((await cache.get(deps, 'App')).policies.length, 1);

  // a read in flight when the role changes: its answer goes to its waiters, but the next decision reads again
  clock.advance(ROLE_RECHECK_MS);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const getWithPolicies = deps.store.roles.getWithPolicies.bind(deps.store.roles);
  deps.store.roles.getWithPolicies = async (name) => {
    const found = await getWithPolicies(name);
    await gate;
    return found;
  };
  const stale = cache.get(deps, 'App');
  await deps.store.roles.deletePolicy('App', 'a');
  cache.invalidate('App');
  deps.store.roles.getWithPolicies = getWithPolicies;
  release();
  assert.equal((await stale).policies.length, 1);
  assert.deepEqual((await cache.get(deps, 'App')).policies, []);

  // a role that does not exist is remembered as none, until it is made here
  assert.equal((await cache.get(deps, 'Later')).role, null);
  await deps.store.roles.create(role('Later', 'AROABBBBBBBBBBBBBBBBB'), 10);
  cache.invalidate('Later');
  assert.equal((await cache.get(deps, 'Later')).role?.roleId, 'AROABBBBBBBBBBBBBBBBB');
});
