import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord } from '../../storage/records.ts';
import { createTestPool, createTestUser } from '../../../test/support/users.ts';
import addUserToGroup from './admin-add-user-to-group.ts';
import createGroup from './create-group.ts';
import op from './admin-list-groups-for-user.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const clock = new FixedClock();
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;
const JOINED = ['echo', 'alpha', 'delta', 'charlie', 'bravo'];

before(async () => {
  deps = await makeTestDeps({ clock });
  pool = await createTestPool(deps, { AliasAttributes: ['email'] });
  await createTestUser(deps, pool, 'alice', null, { attributes: { email: 'alice@example.com', email_verified: 'true' } });
  await createTestUser(deps, pool, 'loner', null);
  await createGroup.handle({ UserPoolId: pool.id, GroupName: 'not-joined' }, deps, ctx);
  for (const GroupName of JOINED) {
    clock.advance(1000);
    await createGroup.handle({ UserPoolId: pool.id, GroupName, Description: `the ${GroupName}s` }, deps, ctx);
    await addUserToGroup.handle({ UserPoolId: pool.id, Username: 'alice', GroupName }, deps, ctx);
  }
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.AdminListGroupsForUser!.errors.includes(code), `${code} is not declared for AdminListGroupsForUser`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test("pages through the user's groups (by name), found by username or alias", async () => {
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const out = await op.handle({ UserPoolId: pool.id, Username: 'alice@example.com', Limit: 2, NextToken: token }, deps, ctx);
    assert.deepEqual(checkOutput(model, 'AdminListGroupsForUser', out), []);
    seen.push(...out.Groups!.map((g) => g.GroupName!));
    token = out.NextToken;
    pages++;
  } while (token);
  assert.deepEqual(seen, [...JOINED].sort());
  assert.equal(pages, 3);
  const all = await op.handle({ UserPoolId: pool.id, Username: 'alice' }, deps, ctx);
  assert.equal(all.NextToken, undefined);
  assert.deepEqual(all.Groups![0], {
    GroupName: 'alpha',
    UserPoolId: pool.id,
    Description: 'the alphas',
    LastModifiedDate: all.Groups![0]!.CreationDate,
    CreationDate: all.Groups![0]!.CreationDate,
  });
});

test('a user in no group answers an empty list', async () => {
  assert.deepEqual(await op.handle({ UserPoolId: pool.id, Username: 'loner' }, deps, ctx), { Groups: [] });
});

test('unknown user, foreign token, unknown pool', async () => {
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'nobody' }, deps, ctx)), ['UserNotFoundException', 'User does not exist.']);
  assert.equal((await errorOf(op.handle({ UserPoolId: pool.id, Username: 'alice', NextToken: 'garbage' }, deps, ctx)))[0], 'InvalidParameterException');
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_zzzzzzzzz', Username: 'alice' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_zzzzzzzzz does not exist.',
  ]);
});
