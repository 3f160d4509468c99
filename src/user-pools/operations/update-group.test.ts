import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord } from '../../storage/records.ts';
import { createTestPool } from '../../../test/support/users.ts';
import createGroup from './create-group.ts';
import getGroup from './get-group.ts';
import op from './update-group.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const clock = new FixedClock();
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;
const ROLE = 'arn:aws:iam::123456789012:role/editor';

before(async () => {
  deps = await makeTestDeps({ clock });
  pool = await createTestPool(deps);
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.UpdateGroup!.errors.includes(code), `${code} is not declared for UpdateGroup`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('changes what is given, keeps what is not, and moves LastModifiedDate only', async () => {
  const created = clock.now() / 1000;
  await createGroup.handle({ UserPoolId: pool.id, GroupName: 'editors', Description: 'old', RoleArn: ROLE, Precedence: 5 }, deps, ctx);
  clock.advance(60_000);
  const out = await op.handle({ UserPoolId: pool.id, GroupName: 'editors', Precedence: 2 }, deps, ctx);
  assert.deepEqual(checkOutput(model, 'UpdateGroup', out), []);
  const expected = {
    GroupName: 'editors',
    UserPoolId: pool.id,
    Description: 'old',
    RoleArn: ROLE,
    Precedence: 2,
    LastModifiedDate: clock.now() / 1000,
    CreationDate: created,
  };
  assert.deepEqual(out, { Group: expected });
  assert.deepEqual(await getGroup.handle({ UserPoolId: pool.id, GroupName: 'editors' }, deps, ctx), { Group: expected });

  clock.advance(1000);
  const out2 = await op.handle({ UserPoolId: pool.id, GroupName: 'editors', Description: 'new', RoleArn: 'arn:aws:iam::123456789012:role/other' }, deps, ctx);
  assert.deepEqual(out2.Group, { ...expected, Description: 'new', RoleArn: 'arn:aws:iam::123456789012:role/other', LastModifiedDate: clock.now() / 1000 });
});

test('an unknown group is ResourceNotFoundException; an unknown pool names the pool', async () => {
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, GroupName: 'nope', Precedence: 1 }, deps, ctx)), [
    'ResourceNotFoundException',
    'Group not found.',
  ]);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_zzzzzzzzz', GroupName: 'editors' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_zzzzzzzzz does not exist.',
  ]);
});
