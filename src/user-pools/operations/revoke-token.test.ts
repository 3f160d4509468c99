import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { ClientRecord, PoolRecord, UserRecord } from '../../storage/records.ts';
import { issueTokens } from '../../tokens/mint.ts';
import { redeemRefreshToken } from '../../tokens/refresh.ts';
import { authenticateAccessToken } from '../../tokens/verify.ts';
import { usernameKey } from '../domain/usernames.ts';
import type { CreateUserPoolClientRequest } from '../shapes.ts';
import createUserPool from './create-user-pool.ts';
import createClient from './create-user-pool-client.ts';
import op from './revoke-token.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;
let client: ClientRecord;
let user: UserRecord;

async function newClient(input: Partial<CreateUserPoolClientRequest> = {}): Promise<{ client: ClientRecord; secret?: string }> {
  const c = (await createClient.handle({ UserPoolId: pool.id, ClientName: 'web', ...input }, deps, ctx)).UserPoolClient!;
  return { client: (await deps.store.clients.get(c.ClientId!))!, secret: c.ClientSecret };
}

before(async () => {
  deps = await makeTestDeps({ clock: new FixedClock() });
  const id = (await createUserPool.handle({ PoolName: 'p' }, deps, ctx)).UserPool!.Id!;
  pool = (await deps.store.pools.get(id))!;
  client = (await newClient()).client;
  user = await insertUser(pool, 'alice');
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.RevokeToken!.errors.includes(code), `${code} is not declared for RevokeToken`);
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

test('revokes that session only: its refresh token and access tokens die, other sessions live', async () => {
  const a = await issueTokens(deps, { pool, client, user });
  const b = await issueTokens(deps, { pool, client, user });
  const out = await op.handle({ Token: a.RefreshToken!, ClientId: client.id }, deps, ctx);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'RevokeToken', out), []);
  await assert.rejects(redeemRefreshToken(deps, client, a.RefreshToken!), { message: 'Refresh Token has been revoked' });
  await assert.rejects(authenticateAccessToken(deps, a.AccessToken!), { message: 'Access Token has been revoked' });
  await redeemRefreshToken(deps, client, b.RefreshToken!);
  await authenticateAccessToken(deps, b.AccessToken!);
  // Again, and an unknown refresh token: success, nothing to do.
  assert.deepEqual(await op.handle({ Token: a.RefreshToken!, ClientId: client.id }, deps, ctx), {});
  const unknown = a.RefreshToken!.slice(0, -4) + 'AAAA';
  assert.deepEqual(await op.handle({ Token: unknown, ClientId: client.id }, deps, ctx), {});
});

test('an ID or access token is UnsupportedTokenTypeException', async () => {
  const r = await issueTokens(deps, { pool, client, user });
  for (const t of [r.AccessToken!, r.IdToken!, 'garbage'])
    assert.deepEqual(await errorOf(op.handle({ Token: t, ClientId: client.id }, deps, ctx)), [
      'UnsupportedTokenTypeException',
      'Only refresh tokens can be revoked.',
    ]);
});

test('a client with revocation disabled is UnsupportedOperationException', async () => {
  const { client: c } = await newClient({ EnableTokenRevocation: false });
  const r = await issueTokens(deps, { pool, client: c, user });
  assert.deepEqual(await errorOf(op.handle({ Token: r.RefreshToken!, ClientId: c.id }, deps, ctx)), [
    'UnsupportedOperationException',
    'Token revocation is not enabled for this client.',
  ]);
});

test('a secret client needs its secret; unknown clients and other clients\' tokens are UnauthorizedException', async () => {
  const { client: c, secret } = await newClient({ GenerateSecret: true });
  const r = await issueTokens(deps, { pool, client: c, user });
  const unauthorized = ['UnauthorizedException', 'Client authentication failed.'];
  assert.deepEqual(await errorOf(op.handle({ Token: r.RefreshToken!, ClientId: c.id }, deps, ctx)), unauthorized);
  assert.deepEqual(await errorOf(op.handle({ Token: r.RefreshToken!, ClientId: c.id, ClientSecret: 'x'.repeat(52) }, deps, ctx)), unauthorized);
  assert.deepEqual(await errorOf(op.handle({ Token: r.RefreshToken!, ClientId: 'nosuchclient0000000000000a' }, deps, ctx)), unauthorized);
  assert.deepEqual(await errorOf(op.handle({ Token: r.RefreshToken!, ClientId: client.id }, deps, ctx)), unauthorized);
  await redeemRefreshToken(deps, c, r.RefreshToken!);
  assert.deepEqual(await op.handle({ Token: r.RefreshToken!, ClientId: c.id, ClientSecret: secret! }, deps, ctx), {});
  await assert.rejects(redeemRefreshToken(deps, c, r.RefreshToken!), { message: 'Refresh Token has been revoked' });
});
