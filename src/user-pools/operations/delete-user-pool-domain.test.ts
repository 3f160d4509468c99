import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import createUserPool from './create-user-pool.ts';
import createDomain from './create-user-pool-domain.ts';
import op from './delete-user-pool-domain.ts';

const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let poolId: string;
let otherPoolId: string;

before(async () => {
  deps = await makeTestDeps({ clock: new FixedClock() });
  poolId = (await createUserPool.handle({ PoolName: 'p' }, deps, ctx)).UserPool!.Id!;
  otherPoolId = await quickPool(deps, 'us-east-1_other0001');
});

/** Another pool, inserted straight into the store (no signing keys: cheaper than CreateUserPool). */
async function quickPool(deps: Awaited<ReturnType<typeof makeTestDeps>>, id: string): Promise<string> {
  const now = deps.clock.now();
  const arn = `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${id}`;
  await deps.store.pools.create({ id, name: id, arn, createdAt: now, updatedAt: now, version: 1, settings: {}, tags: {} }, [], 1000);
  return id;
}

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    return [(e as { code?: string }).code ?? String(e), (e as Error).message];
  }
  assert.fail('expected an error');
}

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
