import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord } from '../../storage/records.ts';
import { createTestPool, createTestUser } from '../../../test/support/users.ts';
import { MAX_GROUPS_PER_USER } from '../domain/groups.ts';
import createGroup from './create-group.ts';
import op from './delete-group.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const clock = new FixedClock();
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;

before(async () => {
  deps = await makeTestDeps({ clock });
  pool = await createTestPool(deps);
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.DeleteGroup!.errors.includes(code), `${code} is not declared for DeleteGroup`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('removes the group and its memberships', async () => {
  await createGroup.handle({ UserPoolId: pool.id, GroupName: 'temp' }, deps, ctx);
  await createGroup.handle({ UserPoolId: pool.id, GroupName: 'stays' }, deps, ctx);
  const user = await createTestUser(deps, pool, 'member', null);
  await deps.store.groups.addMember(pool.id, 'temp', user.usernameKey, MAX_GROUPS_PER_USER);
  await deps.store.groups.addMember(pool.id, 'stays', user.usernameKey, MAX_GROUPS_PER_USER);
  assert.deepEqual(await op.handle({ UserPoolId: pool.id, GroupName: 'temp' }, deps, ctx), {});
  assert.equal(await deps.store.groups.get(pool.id, 'temp'), null);
  assert.deepEqual(
    (await deps.store.groups.allForUser(pool.id, user.usernameKey)).map((g) => g.name),
    ['stays'],
  );
  // A group of the same name starts empty.
  await createGroup.handle({ UserPoolId: pool.id, GroupName: 'temp' }, deps, ctx);
  assert.deepEqual((await deps.store.groups.listMembers(pool.id, 'temp', 60)).items, []);
});

test('an unknown (or already deleted) group is ResourceNotFoundException; an unknown pool names the pool', async () => {
  await createGroup.handle({ UserPoolId: pool.id, GroupName: 'once' }, deps, ctx);
  await op.handle({ UserPoolId: pool.id, GroupName: 'once' }, deps, ctx);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, GroupName: 'once' }, deps, ctx)), ['ResourceNotFoundException', 'Group not found.']);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_zzzzzzzzz', GroupName: 'once' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_zzzzzzzzz does not exist.',
  ]);
});
