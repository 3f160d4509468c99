import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import createUserPool from './create-user-pool.ts';
import updateUserPool from './update-user-pool.ts';
import op from './delete-user-pool.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const clock = new FixedClock();
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
before(async () => {
  deps = await makeTestDeps({ clock });
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.DeleteUserPool!.errors.includes(code), `${code} is not declared for DeleteUserPool`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('deletes the pool and its signing keys', async () => {
  const id = (await createUserPool.handle({ PoolName: 'gone' }, deps, ctx)).UserPool!.Id!;
  const out = await op.handle({ UserPoolId: id }, deps, ctx);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'DeleteUserPool', out), []);
  assert.equal(await deps.store.pools.get(id), null);
  assert.deepEqual(await deps.store.keys.listForPool(id), []);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: id }, deps, ctx)), ['ResourceNotFoundException', `User pool ${id} does not exist.`]);
});

test('deletion protection must be inactivated first', async () => {
  const id = (await createUserPool.handle({ PoolName: 'kept', DeletionProtection: 'ACTIVE' }, deps, ctx)).UserPool!.Id!;
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: id }, deps, ctx)), [
    'InvalidParameterException',
    'The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.',
  ]);
  assert.ok(await deps.store.pools.get(id));
  await updateUserPool.handle({ UserPoolId: id, DeletionProtection: 'INACTIVE' }, deps, ctx);
  await op.handle({ UserPoolId: id }, deps, ctx);
  assert.equal(await deps.store.pools.get(id), null);
});

test('a pool with a domain cannot be deleted', async () => {
  const id = (await createUserPool.handle({ PoolName: 'dom' }, deps, ctx)).UserPool!.Id!;
  await deps.store.domains.create({ domain: 'some-prefix', poolId: id, custom: false, createdAt: 0, updatedAt: 0, settings: {} });
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: id }, deps, ctx)), [
    'InvalidParameterException',
    'User pool cannot be deleted. It has a domain configured that should be deleted first.',
  ]);
  await deps.store.domains.delete('some-prefix');
  await op.handle({ UserPoolId: id }, deps, ctx);
});
