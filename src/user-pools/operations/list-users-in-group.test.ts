import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import { createTestPool, createTestUser } from '../../../test/support/users.ts';
import addUserToGroup from './admin-add-user-to-group.ts';
import createGroup from './create-group.ts';
import op from './list-users-in-group.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const clock = new FixedClock();
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;
const members: UserRecord[] = [];

before(async () => {
  deps = await makeTestDeps({ clock });
  pool = await createTestPool(deps);
  await createGroup.handle({ UserPoolId: pool.id, GroupName: 'team' }, deps, ctx);
  await createGroup.handle({ UserPoolId: pool.id, GroupName: 'empty' }, deps, ctx);
  await createTestUser(deps, pool, 'outsider', null);
  for (const name of ['u1', 'u2', 'u3', 'u4', 'u5']) {
    clock.advance(1000);
    const u = await createTestUser(deps, pool, name, null, { attributes: { email: `${name}@example.com` } });
    members.push(u);
    await addUserToGroup.handle({ UserPoolId: pool.id, Username: name, GroupName: 'team' }, deps, ctx);
  }
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.ListUsersInGroup!.errors.includes(code), `${code} is not declared for ListUsersInGroup`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('pages through the members as UserType', async () => {
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const out = await op.handle({ UserPoolId: pool.id, GroupName: 'team', Limit: 2, NextToken: token }, deps, ctx);
    assert.deepEqual(checkOutput(model, 'ListUsersInGroup', out), []);
    seen.push(...out.Users!.map((u) => u.Username!));
    token = out.NextToken;
    pages++;
  } while (token);
  assert.deepEqual(seen.sort(), ['u1', 'u2', 'u3', 'u4', 'u5']);
  assert.equal(pages, 3);
  const all = await op.handle({ UserPoolId: pool.id, GroupName: 'team' }, deps, ctx);
  const u1 = members[0]!;
  assert.deepEqual(
    all.Users!.find((u) => u.Username === 'u1'),
    {
      Username: 'u1',
      Attributes: [
        { Name: 'sub', Value: u1.sub },
        { Name: 'email', Value: 'u1@example.com' },
      ],
      UserCreateDate: u1.createdAt / 1000,
      UserLastModifiedDate: u1.updatedAt / 1000,
      Enabled: true,
      UserStatus: 'CONFIRMED',
    },
  );
});

test('an empty group answers an empty list', async () => {
  assert.deepEqual(await op.handle({ UserPoolId: pool.id, GroupName: 'empty' }, deps, ctx), { Users: [] });
});

test('unknown group, foreign token, unknown pool', async () => {
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, GroupName: 'nope' }, deps, ctx)), ['ResourceNotFoundException', 'Group not found.']);
  assert.equal((await errorOf(op.handle({ UserPoolId: pool.id, GroupName: 'team', NextToken: 'garbage' }, deps, ctx)))[0], 'InvalidParameterException');
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_zzzzzzzzz', GroupName: 'team' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_zzzzzzzzz does not exist.',
  ]);
});
