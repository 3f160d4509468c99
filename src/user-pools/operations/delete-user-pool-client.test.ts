import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import createClient from './create-user-pool-client.ts';
import op from './delete-user-pool-client.ts';
import { ctx, errorOf, poolFixture, quickPool, type TestDeps } from '../../../test/support/fixtures.ts';

let deps: TestDeps;
let poolId: string;
let otherPoolId: string;

before(async () => {
  ({ deps, poolId } = await poolFixture());
  otherPoolId = await quickPool(deps, 'us-east-1_other0001');
});

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
