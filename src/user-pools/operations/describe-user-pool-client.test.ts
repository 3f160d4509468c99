import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOutput } from '../../protocol/validate.ts';
import createClient from './create-user-pool-client.ts';
import op from './describe-user-pool-client.ts';
import { ctx, errorOf, model, poolFixture, quickPool, type TestDeps } from '../../../test/support/fixtures.ts';

let deps: TestDeps;
let poolId: string;
let otherPoolId: string;

before(async () => {
  ({ deps, poolId } = await poolFixture());
  otherPoolId = await quickPool(deps, 'us-east-1_other0001');
});

test('describes what create answered, the secret included', async () => {
  const created = (await createClient.handle({ UserPoolId: poolId, ClientName: 'web', GenerateSecret: true }, deps, ctx)).UserPoolClient!;
  const out = await op.handle({ UserPoolId: poolId, ClientId: created.ClientId! }, deps, ctx);
  assert.deepEqual(out.UserPoolClient, created);
  assert.match(out.UserPoolClient!.ClientSecret!, /^[a-z0-9]{52}$/);
  assert.deepEqual(checkOutput(model, 'DescribeUserPoolClient', out), []);
});

test('a public client has no ClientSecret member', async () => {
  const created = (await createClient.handle({ UserPoolId: poolId, ClientName: 'spa' }, deps, ctx)).UserPoolClient!;
  const out = await op.handle({ UserPoolId: poolId, ClientId: created.ClientId! }, deps, ctx);
  assert.equal('ClientSecret' in out.UserPoolClient!, false);
});

test('an unknown client, or one of another pool, is ResourceNotFoundException', async () => {
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: poolId, ClientId: 'nosuchclient0000000000000a' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool client nosuchclient0000000000000a does not exist.',
  ]);
  const created = (await createClient.handle({ UserPoolId: poolId, ClientName: 'x' }, deps, ctx)).UserPoolClient!;
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: otherPoolId, ClientId: created.ClientId! }, deps, ctx)), [
    'ResourceNotFoundException',
    `User pool client ${created.ClientId} does not exist.`,
  ]);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_zzzzzzzzz', ClientId: created.ClientId! }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_zzzzzzzzz does not exist.',
  ]);
});
