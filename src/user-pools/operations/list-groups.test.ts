import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord } from '../../storage/records.ts';
import { createTestPool } from '../../../test/support/users.ts';
import createGroup from './create-group.ts';
import op from './list-groups.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const clock = new FixedClock();
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;
let empty: PoolRecord;
const NAMES = ['delta', 'alpha', 'echo', 'charlie', 'bravo'];

before(async () => {
  deps = await makeTestDeps({ clock });
  pool = await createTestPool(deps);
  empty = await createTestPool(deps, { PoolName: 'empty' });
  for (const [i, GroupName] of NAMES.entries()) {
    clock.advance(1000);
    await createGroup.handle({ UserPoolId: pool.id, GroupName, Precedence: i }, deps, ctx);
  }
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.ListGroups!.errors.includes(code), `${code} is not declared for ListGroups`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('pages through the groups by name', async () => {
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const out = await op.handle({ UserPoolId: pool.id, Limit: 2, NextToken: token }, deps, ctx);
    assert.deepEqual(checkOutput(model, 'ListGroups', out), []);
    assert.ok(out.Groups!.length <= 2);
    seen.push(...out.Groups!.map((g) => g.GroupName!));
    token = out.NextToken;
    pages++;
  } while (token);
  assert.deepEqual(seen, [...NAMES].sort());
  assert.equal(pages, 3);
});

test('one page by default, GroupType entries; an empty pool answers an empty list', async () => {
  const out = await op.handle({ UserPoolId: pool.id }, deps, ctx);
  assert.equal(out.NextToken, undefined);
  assert.deepEqual(out.Groups![0], {
    GroupName: 'alpha',
    UserPoolId: pool.id,
    Precedence: 1,
    LastModifiedDate: out.Groups![0]!.CreationDate,
    CreationDate: out.Groups![0]!.CreationDate,
  });
  assert.deepEqual(await op.handle({ UserPoolId: empty.id }, deps, ctx), { Groups: [] });
});

test('a foreign NextToken is InvalidParameterException; an unknown pool ResourceNotFoundException', async () => {
  assert.equal((await errorOf(op.handle({ UserPoolId: pool.id, NextToken: 'garbage' }, deps, ctx)))[0], 'InvalidParameterException');
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_zzzzzzzzz' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_zzzzzzzzz does not exist.',
  ]);
});
