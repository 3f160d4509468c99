import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import { issueTokens } from '../sign-in/issue-tokens.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { createTestClient, createTestPool, createTestUser } from '../../../test/support/users.ts';
import { issueCode } from '../domain/codes.ts';
import op from './admin-delete-user.ts';

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
    assert.ok(model.operations.AdminDeleteUser!.errors.includes(code), `${code} is not declared for AdminDeleteUser`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('deletes the user with their codes and sessions: their tokens are refused, the name is free again', async () => {
  const pool = await createTestPool(deps, { UsernameConfiguration: { CaseSensitive: false } });
  const client = await createTestClient(deps, pool.id);
  const user = await createTestUser(deps, pool, 'alice', 'Passw0rd!');
  const tokens = await issueTokens(deps, { pool, client: client.record, user });
  await issueCode(deps, { poolId: pool.id, username: 'alice', purpose: 'forgot', ttlMs: 3_600_000 });
  const out = await op.handle({ UserPoolId: pool.id, Username: 'ALICE' }, deps, ctx);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'AdminDeleteUser', out), []);
  assert.equal(await deps.store.users.get(pool.id, 'alice'), null);
  assert.equal(await deps.store.codes.get(pool.id, 'alice', 'forgot'), null);
  await assert.rejects(authenticateAccessToken(deps, tokens.AccessToken!), { name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'alice' }, deps, ctx)), ['UserNotFoundException', 'User does not exist.']);
  await createTestUser(deps, pool, 'alice', 'Passw0rd!');
});

test('by sub; unknown pools', async () => {
  const pool = await createTestPool(deps);
  const user = await createTestUser(deps, pool, 'bob', 'Passw0rd!');
  await op.handle({ UserPoolId: pool.id, Username: user.sub }, deps, ctx);
  assert.equal(await deps.store.users.get(pool.id, 'bob'), null);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_nosuchpool', Username: 'x' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_nosuchpool does not exist.',
  ]);
});
