// The resource-server operations over real in-memory SQLite with a fixed clock: what they store and answer, and that
// every error they throw is one the model declares for them.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord } from '../../storage/records.ts';
import { createTestPool } from '../../../test/support/users.ts';
import { MAX_RESOURCE_SERVERS } from '../domain/resource-servers.ts';
import create from './create-resource-server.ts';
import describeOp from './describe-resource-server.ts';
import update from './update-resource-server.ts';
import del from './delete-resource-server.ts';
import list from './list-resource-servers.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const clock = new FixedClock();
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;

before(async () => {
  deps = await makeTestDeps({ clock });
  pool = await createTestPool(deps);
});

async function errorOf(op: string, p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations[op]!.errors.includes(code), `${code} is not declared for ${op}`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('create, describe, update (times kept apart), list and delete; answers valid per the model', async () => {
  const scopes = [{ ScopeName: 'read', ScopeDescription: 'Read' }];
  const out = await create.handle({ UserPoolId: pool.id, Identifier: 'api', Name: 'API', Scopes: scopes }, deps, ctx);
  assert.deepEqual(checkOutput(model, 'CreateResourceServer', out), []);
  assert.deepEqual(out.ResourceServer, { UserPoolId: pool.id, Identifier: 'api', Name: 'API', Scopes: scopes });
  const t0 = clock.now();
  clock.advance(60_000);
  const up = await update.handle({ UserPoolId: pool.id, Identifier: 'api', Name: 'API 2' }, deps, ctx);
  assert.deepEqual(checkOutput(model, 'UpdateResourceServer', up), []);
  const stored = await deps.store.resourceServers.get(pool.id, 'api');
  assert.deepEqual(stored, { poolId: pool.id, identifier: 'api', name: 'API 2', scopes: [], createdAt: t0, updatedAt: clock.now() });
  const d = await describeOp.handle({ UserPoolId: pool.id, Identifier: 'api' }, deps, ctx);
  assert.deepEqual(checkOutput(model, 'DescribeResourceServer', d), []);
  const l = await list.handle({ UserPoolId: pool.id, MaxResults: 10 }, deps, ctx);
  assert.deepEqual(checkOutput(model, 'ListResourceServers', l), []);
  assert.deepEqual(l, { ResourceServers: [d.ResourceServer] });
  await del.handle({ UserPoolId: pool.id, Identifier: 'api' }, deps, ctx);
  assert.equal(await deps.store.resourceServers.get(pool.id, 'api'), null);
});

test('every error is declared: taken identifier, duplicate scopes, quota, unknown server, unknown pool, bad token', async () => {
  await create.handle({ UserPoolId: pool.id, Identifier: 'taken', Name: 'T' }, deps, ctx);
  assert.deepEqual(await errorOf('CreateResourceServer', create.handle({ UserPoolId: pool.id, Identifier: 'taken', Name: 'T' }, deps, ctx)), [
    'InvalidParameterException',
    `taken already exists in ${pool.id}`,
  ]);
  const dup = [
    { ScopeName: 'a', ScopeDescription: 'a' },
    { ScopeName: 'a', ScopeDescription: 'b' },
  ];
  assert.equal((await errorOf('CreateResourceServer', create.handle({ UserPoolId: pool.id, Identifier: 'dup', Name: 'D', Scopes: dup }, deps, ctx)))[0], 'InvalidParameterException');
  assert.equal((await errorOf('UpdateResourceServer', update.handle({ UserPoolId: pool.id, Identifier: 'taken', Name: 'D', Scopes: dup }, deps, ctx)))[0], 'InvalidParameterException');
  assert.equal((await deps.store.resourceServers.get(pool.id, 'taken'))!.name, 'T');

  const full = await createTestPool(deps, { PoolName: 'full' });
  for (let i = 0; i < MAX_RESOURCE_SERVERS; i++) await create.handle({ UserPoolId: full.id, Identifier: `s${i}`, Name: 'S' }, deps, ctx);
  assert.equal((await errorOf('CreateResourceServer', create.handle({ UserPoolId: full.id, Identifier: 'more', Name: 'S' }, deps, ctx)))[0], 'LimitExceededException');

  for (const [op, p] of [
    ['DescribeResourceServer', () => describeOp.handle({ UserPoolId: pool.id, Identifier: 'nope' }, deps, ctx)],
    ['UpdateResourceServer', () => update.handle({ UserPoolId: pool.id, Identifier: 'nope', Name: 'n' }, deps, ctx)],
    ['DeleteResourceServer', () => del.handle({ UserPoolId: pool.id, Identifier: 'nope' }, deps, ctx)],
    ['ListResourceServers', () => list.handle({ UserPoolId: 'us-east-1_zzzzzzzzz' }, deps, ctx)],
  ] as const)
    assert.equal((await errorOf(op, p()))[0], 'ResourceNotFoundException', op);
  assert.equal((await errorOf('ListResourceServers', list.handle({ UserPoolId: pool.id, NextToken: 'bogus' }, deps, ctx)))[0], 'InvalidParameterException');
});
