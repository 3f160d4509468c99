import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import { issueTokens } from '../sign-in/issue-tokens.ts';
import { createTestClient, createTestPool, createTestUser } from '../../../test/support/users.ts';
import op from './delete-user.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;

before(async () => {
  deps = await makeTestDeps({ clock: new FixedClock() });
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.DeleteUser!.errors.includes(code), `${code} is not declared for DeleteUser`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('the signed-in user deletes themselves; that token (and their others) are refused afterwards; others stay', async () => {
  const pool = await createTestPool(deps);
  const client = await createTestClient(deps, pool.id);
  const alice = await createTestUser(deps, pool, 'alice', 'Passw0rd!');
  const bob = await createTestUser(deps, pool, 'bob', 'Passw0rd!');
  const a1 = await issueTokens(deps, { pool, client: client.record, user: alice });
  const a2 = await issueTokens(deps, { pool, client: client.record, user: alice });
  const b = await issueTokens(deps, { pool, client: client.record, user: bob });
  const out = await op.handle({ AccessToken: a1.AccessToken! }, deps, ctx);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'DeleteUser', out), []);
  assert.equal(await deps.store.users.get(pool.id, 'alice'), null);
  assert.equal(await deps.store.users.get(pool.id, 'bob') !== null, true);
  assert.deepEqual(await errorOf(op.handle({ AccessToken: a1.AccessToken! }, deps, ctx)), ['NotAuthorizedException', 'Access Token has been revoked']);
  assert.deepEqual(await errorOf(op.handle({ AccessToken: a2.AccessToken! }, deps, ctx)), ['NotAuthorizedException', 'Access Token has been revoked']);
  assert.ok(b.AccessToken);
});

test('a bad or disabled user\'s token is refused and deletes nothing', async () => {
  const pool = await createTestPool(deps);
  const client = await createTestClient(deps, pool.id);
  assert.deepEqual(await errorOf(op.handle({ AccessToken: 'not-a-token' }, deps, ctx)), ['NotAuthorizedException', 'Invalid Access Token']);
  const carol = await createTestUser(deps, pool, 'carol', 'Passw0rd!');
  const t = await issueTokens(deps, { pool, client: client.record, user: carol });
  await deps.store.users.update({ ...carol, enabled: false, version: carol.version + 1 });
  assert.deepEqual(await errorOf(op.handle({ AccessToken: t.AccessToken! }, deps, ctx)), ['NotAuthorizedException', 'User is disabled.']);
  assert.notEqual(await deps.store.users.get(pool.id, 'carol'), null);
});
