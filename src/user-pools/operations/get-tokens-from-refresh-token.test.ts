import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import type { FixedClock } from '../../runtime/clock.ts';
import { checkOutput } from '../../protocol/validate.ts';
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import { issueTokens } from '../sign-in/issue-tokens.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { ctx, errorOf as errorIn, model, NOW, tokenFixture, type TestDeps, type TokenFixture } from '../../../test/support/fixtures.ts';
import op from './get-tokens-from-refresh-token.ts';

let deps: TestDeps;
let clock: FixedClock;
let pool: PoolRecord;
let user: UserRecord;
let newClient: TokenFixture['newClient'];

before(async () => {
  let insertUser: TokenFixture['insertUser'];
  ({ deps, clock, pool, newClient, insertUser } = await tokenFixture());
  user = await insertUser(pool, 'alice');
});

const errorOf = (p: Promise<unknown>) => errorIn(p, 'GetTokensFromRefreshToken');

test('without rotation: new ID and access tokens, no refresh token, auth_time and origin_jti carried over', async () => {
  clock.set(NOW);
  const { client } = await newClient();
  const first = await issueTokens(deps, { pool, client, user });
  clock.advance(3_600_000);
  const out = await op.handle({ ClientId: client.id, RefreshToken: first.RefreshToken! }, deps, ctx);
  assert.deepEqual(checkOutput(model, 'GetTokensFromRefreshToken', out), []);
  const r = out.AuthenticationResult!;
  assert.deepEqual(Object.keys(r), ['AccessToken', 'ExpiresIn', 'TokenType', 'IdToken']);
  assert.equal(r.ExpiresIn, 3600);
  assert.equal(r.TokenType, 'Bearer');
  const before = decodeJwt(first.IdToken!);
  for (const t of [r.IdToken!, r.AccessToken!]) {
    const p = decodeJwt(t);
    assert.equal(p.auth_time, before.auth_time);
    assert.equal(p.origin_jti, before.origin_jti);
    assert.equal(p.iat, NOW / 1000 + 3600);
  }
  await authenticateAccessToken(deps, r.AccessToken!);
  // The refresh token keeps working.
  await op.handle({ ClientId: client.id, RefreshToken: first.RefreshToken! }, deps, ctx);
});

test('with rotation: a new refresh token; the old one is honoured for the grace period, then RefreshTokenReuseException, which ends the session', async () => {
  clock.set(NOW);
  const { client } = await newClient({ RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 20 } });
  const first = await issueTokens(deps, { pool, client, user });
  const out = await op.handle({ ClientId: client.id, RefreshToken: first.RefreshToken! }, deps, ctx);
  const r = out.AuthenticationResult!;
  assert.deepEqual(Object.keys(r), ['AccessToken', 'ExpiresIn', 'TokenType', 'RefreshToken', 'IdToken']);
  assert.notEqual(r.RefreshToken, first.RefreshToken);
  assert.deepEqual(checkOutput(model, 'GetTokensFromRefreshToken', out), []);

  clock.advance(20_000);
  const retry = await op.handle({ ClientId: client.id, RefreshToken: first.RefreshToken! }, deps, ctx);
  assert.equal(retry.AuthenticationResult!.RefreshToken, r.RefreshToken);
  // The successor rotates in turn, in the same session.
  const next = (await op.handle({ ClientId: client.id, RefreshToken: r.RefreshToken! }, deps, ctx)).AuthenticationResult!;
  assert.equal(decodeJwt(next.IdToken!).origin_jti, decodeJwt(first.IdToken!).origin_jti);
  await authenticateAccessToken(deps, next.AccessToken!);
  clock.advance(1);
  assert.deepEqual(await errorOf(op.handle({ ClientId: client.id, RefreshToken: first.RefreshToken! }, deps, ctx)), [
    'RefreshTokenReuseException',
    'Refresh Token has been rotated and can no longer be used',
  ]);
  // The reuse ended the session: whoever holds the newest refresh token, or an access token of the session, is refused.
  assert.deepEqual(await errorOf(op.handle({ ClientId: client.id, RefreshToken: next.RefreshToken! }, deps, ctx)), [
    'NotAuthorizedException',
    'Refresh Token has been revoked',
  ]);
  await assert.rejects(authenticateAccessToken(deps, next.AccessToken!), { name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
});

test('secret clients: a missing or wrong ClientSecret is NotAuthorizedException', async () => {
  const { client, secret } = await newClient({ GenerateSecret: true });
  const first = await issueTokens(deps, { pool, client, user });
  assert.deepEqual(await errorOf(op.handle({ ClientId: client.id, RefreshToken: first.RefreshToken! }, deps, ctx)), [
    'NotAuthorizedException',
    `Client ${client.id} is configured for secret but secret was not received`,
  ]);
  assert.deepEqual(
    await errorOf(op.handle({ ClientId: client.id, RefreshToken: first.RefreshToken!, ClientSecret: 'w'.repeat(52) }, deps, ctx)),
    ['NotAuthorizedException', `Unable to verify secret hash for client ${client.id}`],
  );
  const ok = await op.handle({ ClientId: client.id, RefreshToken: first.RefreshToken!, ClientSecret: secret! }, deps, ctx);
  assert.ok(ok.AuthenticationResult!.AccessToken);
});

test('unknown clients, bad and revoked tokens', async () => {
  const { client } = await newClient();
  const first = await issueTokens(deps, { pool, client, user });
  assert.deepEqual(await errorOf(op.handle({ ClientId: 'nosuchclient0000000000000a', RefreshToken: first.RefreshToken! }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool client nosuchclient0000000000000a does not exist.',
  ]);
  assert.deepEqual(await errorOf(op.handle({ ClientId: client.id, RefreshToken: first.AccessToken! }, deps, ctx)), [
    'NotAuthorizedException',
    'Invalid Refresh Token.',
  ]);
  await deps.store.sessions.revoke(decodeJwt(first.IdToken!).origin_jti as string, clock.now());
  assert.deepEqual(await errorOf(op.handle({ ClientId: client.id, RefreshToken: first.RefreshToken! }, deps, ctx)), [
    'NotAuthorizedException',
    'Refresh Token has been revoked',
  ]);
});

test('a DeviceKey the session was not signed in with is not copied into the access token (the session\'s own is kept)', async () => {
  clock.set(NOW);
  const { client } = await newClient();
  const first = await issueTokens(deps, { pool, client, user });
  const out = await op.handle({ ClientId: client.id, RefreshToken: first.RefreshToken!, DeviceKey: 'us-east-1_11111111-2222-3333-4444-555555555555' }, deps, ctx);
  const access = decodeJwt(out.AuthenticationResult!.AccessToken!);
  assert.equal(access.device_key, undefined);
  // A session signed in on a device keeps its own key, whatever the request names.
  const onDevice = await issueTokens(deps, { pool, client, user, deviceKey: 'us-east-1_device-of-the-session' });
  for (const DeviceKey of [undefined, 'us-east-1_device-of-the-session', 'us-east-1_another-device']) {
    const r = await op.handle({ ClientId: client.id, RefreshToken: onDevice.RefreshToken!, ...(DeviceKey ? { DeviceKey } : {}) }, deps, ctx);
    assert.equal(decodeJwt(r.AuthenticationResult!.AccessToken!).device_key, 'us-east-1_device-of-the-session', DeviceKey);
  }
});
