import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import createUserPool from './create-user-pool.ts';
import op from './list-user-pools.ts';

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
    assert.ok(model.operations.ListUserPools!.errors.includes(code), `${code} is not declared for ListUserPools`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('pages through the pools in creation order, each in its short form', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    clock.advance(1000);
    ids.push((await createUserPool.handle({ PoolName: `p${i}`, LambdaConfig: i === 0 ? { PreSignUp: 'arn:aws:lambda:us-east-1:000000000000:function:f' } : undefined }, deps, ctx)).UserPool!.Id!);
  }
  const first = await op.handle({ MaxResults: 2 }, deps, ctx);
  assert.deepEqual(checkOutput(model, 'ListUserPools', first), []);
  const t0 = clock.now() / 1000 - 4;
  assert.deepEqual(first.UserPools![0], {
    Id: ids[0],
    Name: 'p0',
    LambdaConfig: { PreSignUp: 'arn:aws:lambda:us-east-1:000000000000:function:f' },
    LastModifiedDate: t0,
    CreationDate: t0,
  });
  assert.deepEqual(first.UserPools![1]!.LambdaConfig, {});
  assert.ok(first.NextToken);
  const second = await op.handle({ MaxResults: 2, NextToken: first.NextToken }, deps, ctx);
  const third = await op.handle({ MaxResults: 2, NextToken: second.NextToken }, deps, ctx);
  assert.equal(third.NextToken, undefined);
  assert.deepEqual([...first.UserPools!, ...second.UserPools!, ...third.UserPools!].map((p) => p.Id), ids);
  const all = await op.handle({ MaxResults: 60 }, deps, ctx);
  assert.equal(all.UserPools!.length, 5);
  assert.equal(all.NextToken, undefined);
});

test('a NextToken the server did not give is InvalidParameterException', async () => {
  assert.deepEqual(await errorOf(op.handle({ MaxResults: 10, NextToken: 'not-a-token' }, deps, ctx)), [
    'InvalidParameterException',
    'Invalid pagination token.',
  ]);
});
