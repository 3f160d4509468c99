import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { ClientRecord, PoolRecord, UserRecord } from '../../storage/records.ts';
import { issueTokens } from '../../tokens/mint.ts';
import { usernameKey } from '../domain/usernames.ts';
import createUserPool from './create-user-pool.ts';
import createClient from './create-user-pool-client.ts';
import op from './get-user.ts';

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

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.GetUser!.errors.includes(code), `${code} is not declared for GetUser`);
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

test('answers the username and attributes, sub first, and no MFA members for a user without MFA', async () => {
  const user = await insertUser(pool, 'alice', {
    attributes: { email: 'alice@example.com', email_verified: 'true', 'custom:tier': '5' },
  });
  const { AccessToken } = await issueTokens(deps, { pool, client, user });
  const out = await op.handle({ AccessToken: AccessToken! }, deps, ctx);
  assert.deepEqual(out, {
    Username: 'alice',
    UserAttributes: [
      { Name: 'sub', Value: user.sub },
      { Name: 'custom:tier', Value: '5' },
      { Name: 'email', Value: 'alice@example.com' },
      { Name: 'email_verified', Value: 'true' },
    ],
  });
  assert.deepEqual(checkOutput(model, 'GetUser', out), []);
});

test('MFA settings appear when the user has them', async () => {
  const user = await insertUser(pool, 'mfa-user', {
    mfa: { PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA', UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] },
  });
  const { AccessToken } = await issueTokens(deps, { pool, client, user });
  const out = await op.handle({ AccessToken: AccessToken! }, deps, ctx);
  assert.equal(out.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
  assert.deepEqual(out.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  assert.equal('MFAOptions' in out, false);
  assert.deepEqual(checkOutput(model, 'GetUser', out), []);
});

test('bad and revoked tokens are NotAuthorizedException', async () => {
  assert.deepEqual(await errorOf(op.handle({ AccessToken: 'nonsense' }, deps, ctx)), ['NotAuthorizedException', 'Invalid Access Token']);
  const user = await insertUser(pool, 'bob');
  const r = await issueTokens(deps, { pool, client, user });
  await deps.store.sessions.revokeAllForUser(pool.id, 'bob', deps.clock.now());
  assert.deepEqual(await errorOf(op.handle({ AccessToken: r.AccessToken! }, deps, ctx)), [
    'NotAuthorizedException',
    'Access Token has been revoked',
  ]);
});
