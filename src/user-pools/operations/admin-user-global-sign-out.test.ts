import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { ClientRecord, PoolRecord, UserRecord } from '../../storage/records.ts';
import { issueTokens } from '../../tokens/mint.ts';
import { authenticateAccessToken } from '../../tokens/verify.ts';
import { usernameKey } from '../domain/usernames.ts';
import createUserPool from './create-user-pool.ts';
import createClient from './create-user-pool-client.ts';
import op from './admin-user-global-sign-out.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;
let client: ClientRecord;

before(async () => {
  deps = await makeTestDeps({ clock: new FixedClock() });
  const id = (
    await createUserPool.handle({ PoolName: 'p', AliasAttributes: ['email'], UsernameConfiguration: { CaseSensitive: false } }, deps, ctx)
  ).UserPool!.Id!;
  pool = (await deps.store.pools.get(id))!;
  const c = (await createClient.handle({ UserPoolId: id, ClientName: 'web' }, deps, ctx)).UserPoolClient!;
  client = (await deps.store.clients.get(c.ClientId!))!;
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.AdminUserGlobalSignOut!.errors.includes(code), `${code} is not declared`);
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

test('revokes every session of the user named (any case in a case-insensitive pool, or a verified alias)', async () => {
  const carol = await insertUser(pool, 'Carol', { attributes: { email: 'carol@example.com', email_verified: 'true' } });
  const dave = await insertUser(pool, 'dave');
  const a = await issueTokens(deps, { pool, client, user: carol });
  const d = await issueTokens(deps, { pool, client, user: dave });
  const out = await op.handle({ UserPoolId: pool.id, Username: 'CAROL' }, deps, ctx);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'AdminUserGlobalSignOut', out), []);
  await assert.rejects(authenticateAccessToken(deps, a.AccessToken!), { message: 'Access Token has been revoked' });
  await authenticateAccessToken(deps, d.AccessToken!);

  const b = await issueTokens(deps, { pool, client, user: carol });
  await op.handle({ UserPoolId: pool.id, Username: 'carol@example.com' }, deps, ctx);
  await assert.rejects(authenticateAccessToken(deps, b.AccessToken!), { message: 'Access Token has been revoked' });
});

test('an unknown user or pool', async () => {
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'nobody' }, deps, ctx)), [
    'UserNotFoundException',
    'User does not exist.',
  ]);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_zzzzzzzzz', Username: 'nobody' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_zzzzzzzzz does not exist.',
  ]);
});
