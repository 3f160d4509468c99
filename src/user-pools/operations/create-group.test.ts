import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord } from '../../storage/records.ts';
import { createTestPool } from '../../../test/support/users.ts';
import { MAX_GROUPS_PER_POOL } from '../domain/groups.ts';
import op from './create-group.ts';

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
    assert.ok(model.operations.CreateGroup!.errors.includes(code), `${code} is not declared for CreateGroup`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('creates a group with its description, role and precedence; the answer is its GroupType', async () => {
  const out = await op.handle(
    { UserPoolId: pool.id, GroupName: 'admins', Description: 'The admins', RoleArn: 'arn:aws:iam::123456789012:role/admin', Precedence: 1 },
    deps,
    ctx,
  );
  assert.deepEqual(checkOutput(model, 'CreateGroup', out), []);
  const t = clock.now() / 1000;
  assert.deepEqual(out, {
    Group: {
      GroupName: 'admins',
      UserPoolId: pool.id,
      Description: 'The admins',
      RoleArn: 'arn:aws:iam::123456789012:role/admin',
      Precedence: 1,
      LastModifiedDate: t,
      CreationDate: t,
    },
  });
  const stored = await deps.store.groups.get(pool.id, 'admins');
  assert.equal(stored?.roleArn, 'arn:aws:iam::123456789012:role/admin');
});

test('only a name: no Description, RoleArn or Precedence in the answer', async () => {
  const out = await op.handle({ UserPoolId: pool.id, GroupName: 'plain' }, deps, ctx);
  assert.deepEqual(Object.keys(out.Group!), ['GroupName', 'UserPoolId', 'LastModifiedDate', 'CreationDate']);
});

test('a taken name is GroupExistsException; names are case-sensitive', async () => {
  await op.handle({ UserPoolId: pool.id, GroupName: 'editors' }, deps, ctx);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, GroupName: 'editors', Precedence: 3 }, deps, ctx)), [
    'GroupExistsException',
    'A group with the name editors already exists.',
  ]);
  await op.handle({ UserPoolId: pool.id, GroupName: 'Editors' }, deps, ctx);
});

test('the groups-per-pool quota is LimitExceededException', async () => {
  const p = await createTestPool(deps, { PoolName: 'full' });
  const now = clock.now();
  // Fill the pool through the store (10,000 groups).
  for (let i = 0; i < MAX_GROUPS_PER_POOL; i++) {
    const r = await deps.store.groups.create(
      { poolId: p.id, name: `g${i}`, description: null, roleArn: null, precedence: null, createdAt: now, updatedAt: now },
      MAX_GROUPS_PER_POOL,
    );
    assert.equal(r, 'ok');
  }
  const [code] = await errorOf(op.handle({ UserPoolId: p.id, GroupName: 'one-too-many' }, deps, ctx));
  assert.equal(code, 'LimitExceededException');
  assert.equal(await deps.store.groups.get(p.id, 'one-too-many'), null);
});

test('an unknown pool is ResourceNotFoundException', async () => {
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_zzzzzzzzz', GroupName: 'x' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_zzzzzzzzz does not exist.',
  ]);
});
