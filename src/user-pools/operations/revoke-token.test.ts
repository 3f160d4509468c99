import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOutput } from '../../protocol/validate.ts';
import type { ClientRecord, PoolRecord, UserRecord } from '../../storage/records.ts';
import { issueTokens } from '../sign-in/issue-tokens.ts';
import { refreshSession } from '../sign-in/refresh.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { ctx, errorOf as errorIn, model, tokenFixture, type TestDeps, type TokenFixture } from '../../../test/support/fixtures.ts';
import op from './revoke-token.ts';

let deps: TestDeps;
let pool: PoolRecord;
let client: ClientRecord;
let user: UserRecord;
let newClient: TokenFixture['newClient'];

before(async () => {
  let insertUser: TokenFixture['insertUser'];
  ({ deps, pool, client, newClient, insertUser } = await tokenFixture());
  user = await insertUser(pool, 'alice');
});

const errorOf = (p: Promise<unknown>) => errorIn(p, 'RevokeToken');

test('revokes that session only: its refresh token and access tokens die, other sessions live', async () => {
  const a = await issueTokens(deps, { pool, client, user });
  const b = await issueTokens(deps, { pool, client, user });
  const out = await op.handle({ Token: a.RefreshToken!, ClientId: client.id }, deps, ctx);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'RevokeToken', out), []);
  await assert.rejects(refreshSession(deps, client, a.RefreshToken!), { message: 'Refresh Token has been revoked' });
  await assert.rejects(authenticateAccessToken(deps, a.AccessToken!), { message: 'Access Token has been revoked' });
  await refreshSession(deps, client, b.RefreshToken!);
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
  await refreshSession(deps, c, r.RefreshToken!);
  assert.deepEqual(await op.handle({ Token: r.RefreshToken!, ClientId: c.id, ClientSecret: secret! }, deps, ctx), {});
  await assert.rejects(refreshSession(deps, c, r.RefreshToken!), { message: 'Refresh Token has been revoked' });
});
