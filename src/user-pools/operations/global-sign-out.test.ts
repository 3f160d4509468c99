import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { ClientRecord, PoolRecord, UserRecord } from '../../storage/records.ts';
import { issueTokens } from '../../tokens/mint.ts';
import { redeemRefreshToken } from '../../tokens/refresh.ts';
import { usernameKey } from '../domain/usernames.ts';
import createUserPool from './create-user-pool.ts';
import createClient from './create-user-pool-client.ts';
import getUser from './get-user.ts';
import op from './global-sign-out.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;
let client: ClientRecord;

before(async () => {
  deps = await makeTestDeps({ clock: new FixedClock() });
  const id = (await createUserPool.handle({ PoolName: 'p' }, deps, ctx)).UserPool!.Id!;
  pool = (await deps.store.pools.get(id))!;
  const c = (await createClient.handle({ UserPoolId: id, ClientName: 'web' }, deps, ctx)).UserPoolClient!;
  client = (await deps.store.clients.get(c.ClientId!))!;
});

async function errorOf(p: Promise<unknown>, operation: string): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations[operation]!.errors.includes(code), `${code} is not declared for ${operation}`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}


/** A user inserted straight into the store (no password: these tests mint tokens without signing in). */
async function insertUser(
  p: PoolRecord,
  username: string,
  o: { attributes?: Record<string, string>; mfa?: Record<string, unknown> } = {},
): Promise<UserRecord> {
  const now = deps.clock.now();
  const user: UserRecord = {
    poolId: p.id,
    username,
    usernameKey: usernameKey(p, username),
    sub: deps.random.uuid(),
    status: 'CONFIRMED',
    enabled: true,
    attributes: { ...o.attributes },
    credentialsSealed: null,
    mfa: o.mfa ?? {},
    passwordSetAt: null,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  assert.equal(await deps.store.users.create(user), 'ok');
  return user;
}

test('ends every session of the user and no one else\'s', async () => {
  const alice = await insertUser(pool, 'alice');
  const bob = await insertUser(pool, 'bob');
  const phone = await issueTokens(deps, { pool, client, user: alice });
  const laptop = await issueTokens(deps, { pool, client, user: alice });
  const bobs = await issueTokens(deps, { pool, client, user: bob });

  const out = await op.handle({ AccessToken: phone.AccessToken! }, deps, ctx);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'GlobalSignOut', out), []);

  for (const t of [phone, laptop]) {
    assert.deepEqual(await errorOf(getUser.handle({ AccessToken: t.AccessToken! }, deps, ctx), 'GetUser'), [
      'NotAuthorizedException',
      'Access Token has been revoked',
    ]);
    await assert.rejects(redeemRefreshToken(deps, client, t.RefreshToken!), { message: 'Refresh Token has been revoked' });
  }
  assert.equal((await getUser.handle({ AccessToken: bobs.AccessToken! }, deps, ctx)).Username, 'bob');
  // A second sign-out with a revoked token is refused.
  assert.deepEqual(await errorOf(op.handle({ AccessToken: phone.AccessToken! }, deps, ctx), 'GlobalSignOut'), [
    'NotAuthorizedException',
    'Access Token has been revoked',
  ]);
  // Signing in again gives a working session.
  const again = await issueTokens(deps, { pool, client, user: alice });
  assert.equal((await getUser.handle({ AccessToken: again.AccessToken! }, deps, ctx)).Username, 'alice');
});

test('a bad token is NotAuthorizedException', async () => {
  assert.deepEqual(await errorOf(op.handle({ AccessToken: 'x.y.z' }, deps, ctx), 'GlobalSignOut'), [
    'NotAuthorizedException',
    'Invalid Access Token',
  ]);
});
