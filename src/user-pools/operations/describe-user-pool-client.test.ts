import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import createUserPool from './create-user-pool.ts';
import createClient from './create-user-pool-client.ts';
import op from './describe-user-pool-client.ts';

const model = idpModel as unknown as ServiceModel;
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
