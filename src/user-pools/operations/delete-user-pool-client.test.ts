import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import createUserPool from './create-user-pool.ts';
import createClient from './create-user-pool-client.ts';
import op from './delete-user-pool-client.ts';

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

test('deletes the client; a second delete is ResourceNotFoundException', async () => {
  const id = (await createClient.handle({ UserPoolId: poolId, ClientName: 'web' }, deps, ctx)).UserPoolClient!.ClientId!;
  assert.deepEqual(await op.handle({ UserPoolId: poolId, ClientId: id }, deps, ctx), {});
  assert.equal(await deps.store.clients.get(id), null);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: poolId, ClientId: id }, deps, ctx)), [
    'ResourceNotFoundException',
    `User pool client ${id} does not exist.`,
  ]);
});

test('a client cannot be deleted through another pool', async () => {
  const id = (await createClient.handle({ UserPoolId: poolId, ClientName: 'web' }, deps, ctx)).UserPoolClient!.ClientId!;
  const [name] = await errorOf(op.handle({ UserPoolId: otherPoolId, ClientId: id }, deps, ctx));
  assert.equal(name, 'ResourceNotFoundException');
  assert.ok(await deps.store.clients.get(id));
});
