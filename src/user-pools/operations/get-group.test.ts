import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord } from '../../storage/records.ts';
import { createTestPool } from '../../../test/support/users.ts';
import createGroup from './create-group.ts';
import op from './get-group.ts';

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
    assert.ok(model.operations.GetGroup!.errors.includes(code), `${code} is not declared for GetGroup`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('answers the group as CreateGroup did', async () => {
  const created = await createGroup.handle({ UserPoolId: pool.id, GroupName: 'readers', Description: 'r', Precedence: 7 }, deps, ctx);
  clock.advance(5000);
  const out = await op.handle({ UserPoolId: pool.id, GroupName: 'readers' }, deps, ctx);
  assert.deepEqual(checkOutput(model, 'GetGroup', out), []);
  assert.deepEqual(out, created);
});

test('an unknown group is ResourceNotFoundException "Group not found."; an unknown pool names the pool', async () => {
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, GroupName: 'nope' }, deps, ctx)), ['ResourceNotFoundException', 'Group not found.']);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, GroupName: 'READERS' }, deps, ctx)), ['ResourceNotFoundException', 'Group not found.']);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_zzzzzzzzz', GroupName: 'readers' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_zzzzzzzzz does not exist.',
  ]);
});
