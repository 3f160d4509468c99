import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord } from '../../storage/records.ts';
import { issueTokens } from '../sign-in/issue-tokens.ts';
import { createTestClient, createTestPool, createTestUser } from '../../../test/support/users.ts';
import { MAX_GROUPS_PER_USER } from '../domain/groups.ts';
import createGroup from './create-group.ts';
import op from './admin-add-user-to-group.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const clock = new FixedClock();
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;
const role = (n: string) => `arn:aws:iam::123456789012:role/${n}`;

before(async () => {
  deps = await makeTestDeps({ clock });
  pool = await createTestPool(deps, { AliasAttributes: ['email'] });
  await createGroup.handle({ UserPoolId: pool.id, GroupName: 'admins', RoleArn: role('admin'), Precedence: 1 }, deps, ctx);
  await createGroup.handle({ UserPoolId: pool.id, GroupName: 'readers', RoleArn: role('read'), Precedence: 5 }, deps, ctx);
  await createGroup.handle({ UserPoolId: pool.id, GroupName: 'everyone' }, deps, ctx);
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.AdminAddUserToGroup!.errors.includes(code), `${code} is not declared for AdminAddUserToGroup`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

const groupsOf = async (usernameKey: string) => (await deps.store.groups.allForUser(pool.id, usernameKey)).map((g) => g.name).sort();

test('adds the user, by username or by a verified alias; adding twice is no error', async () => {
  const u = await createTestUser(deps, pool, 'alice', null, { attributes: { email: 'alice@example.com', email_verified: 'true' } });
  assert.deepEqual(await op.handle({ UserPoolId: pool.id, Username: 'alice', GroupName: 'readers' }, deps, ctx), {});
  assert.deepEqual(await op.handle({ UserPoolId: pool.id, Username: 'alice@example.com', GroupName: 'admins' }, deps, ctx), {});
  assert.deepEqual(await op.handle({ UserPoolId: pool.id, Username: 'alice', GroupName: 'admins' }, deps, ctx), {});
  assert.deepEqual(await groupsOf(u.usernameKey), ['admins', 'readers']);
});

test("the user's next tokens carry the groups; the ID token also the roles and the preferred role", async () => {
  const u = await createTestUser(deps, pool, 'bob', null);
  const client = await createTestClient(deps, pool.id);
  const before = await issueTokens(deps, { pool, client: client.record, user: u });
  assert.equal(decodeJwt(before.IdToken!)['cognito:groups'], undefined);
  assert.equal(decodeJwt(before.AccessToken!)['cognito:groups'], undefined);

  await op.handle({ UserPoolId: pool.id, Username: 'bob', GroupName: 'everyone' }, deps, ctx);
  await op.handle({ UserPoolId: pool.id, Username: 'bob', GroupName: 'readers' }, deps, ctx);
  await op.handle({ UserPoolId: pool.id, Username: 'bob', GroupName: 'admins' }, deps, ctx);
  const after = await issueTokens(deps, { pool, client: client.record, user: u });
  const id = decodeJwt(after.IdToken!);
  const access = decodeJwt(after.AccessToken!);
  assert.deepEqual(id['cognito:groups'], ['admins', 'readers', 'everyone']);
  assert.deepEqual(id['cognito:roles'], [role('admin'), role('read')]);
  assert.equal(id['cognito:preferred_role'], role('admin'));
  assert.deepEqual(access['cognito:groups'], ['admins', 'readers', 'everyone']);
  assert.equal(access['cognito:roles'], undefined);
  assert.equal(access['cognito:preferred_role'], undefined);
});

test('a user in 100 groups can join no more (InvalidParameterException: the model declares no LimitExceededException)', async () => {
  const u = await createTestUser(deps, pool, 'joiner', null);
  const now = clock.now();
  for (let i = 0; i < MAX_GROUPS_PER_USER; i++) {
    await deps.store.groups.create({ poolId: pool.id, name: `g${i}`, description: null, roleArn: null, precedence: null, createdAt: now, updatedAt: now }, 10_000);
    await op.handle({ UserPoolId: pool.id, Username: 'joiner', GroupName: `g${i}` }, deps, ctx);
  }
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'joiner', GroupName: 'everyone' }, deps, ctx)), [
    'InvalidParameterException',
    'A user can belong to at most 100 groups.',
  ]);
  // Already a member: still fine at the limit.
  await op.handle({ UserPoolId: pool.id, Username: 'joiner', GroupName: 'g0' }, deps, ctx);
  assert.equal((await deps.store.groups.allForUser(pool.id, u.usernameKey)).length, MAX_GROUPS_PER_USER);
});

test('unknown user UserNotFoundException, unknown group ResourceNotFoundException, unknown pool', async () => {
  await createTestUser(deps, pool, 'carol', null);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'nobody', GroupName: 'admins' }, deps, ctx)), [
    'UserNotFoundException',
    'User does not exist.',
  ]);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'carol', GroupName: 'nope' }, deps, ctx)), [
    'ResourceNotFoundException',
    'Group not found.',
  ]);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_zzzzzzzzz', Username: 'carol', GroupName: 'admins' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_zzzzzzzzz does not exist.',
  ]);
});
