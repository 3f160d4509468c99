import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord } from '../../storage/records.ts';
import { createTestPool, createTestUser } from '../../../test/support/users.ts';
import addUserToGroup from './admin-add-user-to-group.ts';
import createGroup from './create-group.ts';
import op from './admin-remove-user-from-group.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;

before(async () => {
  deps = await makeTestDeps({ clock: new FixedClock() });
  pool = await createTestPool(deps, { UsernameConfiguration: { CaseSensitive: false } });
  await createGroup.handle({ UserPoolId: pool.id, GroupName: 'a' }, deps, ctx);
  await createGroup.handle({ UserPoolId: pool.id, GroupName: 'b' }, deps, ctx);
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.AdminRemoveUserFromGroup!.errors.includes(code), `${code} is not declared for AdminRemoveUserFromGroup`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('takes the user out of that group only; removing a non-member is no error', async () => {
  const u = await createTestUser(deps, pool, 'Alice', null);
  await addUserToGroup.handle({ UserPoolId: pool.id, Username: 'alice', GroupName: 'a' }, deps, ctx);
  await addUserToGroup.handle({ UserPoolId: pool.id, Username: 'alice', GroupName: 'b' }, deps, ctx);
  assert.deepEqual(await op.handle({ UserPoolId: pool.id, Username: 'ALICE', GroupName: 'a' }, deps, ctx), {});
  assert.deepEqual(
    (await deps.store.groups.allForUser(pool.id, u.usernameKey)).map((g) => g.name),
    ['b'],
  );
  assert.deepEqual(await op.handle({ UserPoolId: pool.id, Username: 'alice', GroupName: 'a' }, deps, ctx), {});
});

test('unknown user, group or pool', async () => {
  await createTestUser(deps, pool, 'bob', null);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'nobody', GroupName: 'a' }, deps, ctx)), [
    'UserNotFoundException',
    'User does not exist.',
  ]);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'bob', GroupName: 'zzz' }, deps, ctx)), [
    'ResourceNotFoundException',
    'Group not found.',
  ]);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_zzzzzzzzz', Username: 'bob', GroupName: 'a' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_zzzzzzzzz does not exist.',
  ]);
});
