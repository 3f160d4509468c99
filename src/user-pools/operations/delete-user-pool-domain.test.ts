import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import createDomain from './create-user-pool-domain.ts';
import op from './delete-user-pool-domain.ts';
import { ctx, errorOf, poolFixture, quickPool, type TestDeps } from '../../../test/support/fixtures.ts';

let deps: TestDeps;
let poolId: string;
let otherPoolId: string;

before(async () => {
  ({ deps, poolId } = await poolFixture());
  otherPoolId = await quickPool(deps, 'us-east-1_other0001');
});

test('only the owning pool deletes a domain; the name is then free again', async () => {
  await createDomain.handle({ UserPoolId: poolId, Domain: 'my-app' }, deps, ctx);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: otherPoolId, Domain: 'my-app' }, deps, ctx)), [
    'InvalidParameterException',
    'No such domain or user pool exists.',
  ]);
  assert.deepEqual(await op.handle({ UserPoolId: poolId, Domain: 'my-app' }, deps, ctx), {});
  assert.equal(await deps.store.domains.get('my-app'), null);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: poolId, Domain: 'my-app' }, deps, ctx)), [
    'InvalidParameterException',
    'No such domain or user pool exists.',
  ]);
  await createDomain.handle({ UserPoolId: otherPoolId, Domain: 'my-app' }, deps, ctx);
});

test('deleting the pool deletes its domains', async () => {
  const poolId3 = await quickPool(deps, 'us-east-1_third0001');
  await createDomain.handle({ UserPoolId: poolId3, Domain: 'short-lived' }, deps, ctx);
  assert.ok(await deps.store.pools.delete(poolId3));
  assert.equal(await deps.store.domains.get('short-lived'), null);
});
