import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, SignJWT, UnsecuredJWT } from 'jose';
import type { FixedClock } from '../../runtime/clock.ts';
import type { ClientRecord, PoolRecord, UserRecord } from '../../storage/records.ts';
import { errorOf, NOW, tokenFixture, type TestDeps, type TokenFixture } from '../../../test/support/fixtures.ts';
import { createTestPool } from '../../../test/support/users.ts';
import { activeKey } from '../../tokens/keys.ts';
import { issueTokens } from '../sign-in/issue-tokens.ts';
import { authenticateAccessToken } from './access-token.ts';

let deps: TestDeps;
let clock: FixedClock;
let pool: PoolRecord;
let otherPool: PoolRecord;
let client: ClientRecord;
let user: UserRecord;
let insertUser: TokenFixture['insertUser'];

const newPool = (name: string) => createTestPool(deps, { PoolName: name });

before(async () => {
  ({ deps, clock, pool, client, insertUser } = await tokenFixture());
  otherPool = await newPool('q');
  user = await insertUser(pool, 'alice', { attributes: { email: 'alice@example.com' } });
});

async function signIn(u: UserRecord = user) {
  clock.set(NOW);
  return issueTokens(deps, { pool, client, user: u });
}

const refusal = (token: string) => errorOf(authenticateAccessToken(deps, token));

/** Signs `claims` with the pool's own access key, as a token Cognate could have issued. */
async function signWithPoolKey(p: PoolRecord, claims: Record<string, unknown>, use: 'id' | 'access' = 'access'): Promise<string> {
  const key = activeKey(await deps.store.keys.listForPool(p.id), use)!;
  return new SignJWT(claims).setProtectedHeader({ kid: key.kid, alg: 'RS256' }).sign(deps.privateKeys.get(key));
}

test('a fresh access token authenticates its user, pool and session', async () => {
  const r = await signIn();
  const a = await authenticateAccessToken(deps, r.AccessToken!);
  assert.equal(a.pool.id, pool.id);
  assert.equal(a.user.username, 'alice');
  assert.equal(a.session.originJti, decodeJwt(r.AccessToken!).origin_jti);
  assert.equal(a.claims.username, 'alice');
});

test('garbage, an ID token and forged tokens are "Invalid Access Token"', async () => {
  const r = await signIn();
  const invalid = ['NotAuthorizedException', 'Invalid Access Token'];
  for (const t of ['abc', 'a.b.c', 'eyJhbGciOiJSUzI1NiJ9.e30.', r.RefreshToken!, r.IdToken!]) assert.deepEqual(await refusal(t), invalid, t);
  // Payload changed after signing.
  const [h, , s] = r.AccessToken!.split('.');
  const claims = { ...decodeJwt(r.AccessToken!), username: 'mallory' };
  assert.deepEqual(await refusal(`${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`), invalid);
  // Unsigned, and signed by a key that is not the pool's (with the pool's kid).
  assert.deepEqual(await refusal(new UnsecuredJWT(claims).encode()), invalid);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = activeKey(await deps.store.keys.listForPool(pool.id), 'access')!.kid;
  assert.deepEqual(await refusal(await new SignJWT(claims).setProtectedHeader({ kid, alg: 'RS256' }).sign(privateKey)), invalid);
  // Signed with the pool's ID key, or claiming token_use id.
  assert.deepEqual(await refusal(await signWithPoolKey(pool, decodeJwt(r.AccessToken!), 'id')), invalid);
  assert.deepEqual(await refusal(await signWithPoolKey(pool, { ...decodeJwt(r.AccessToken!), token_use: 'id' })), invalid);
});

test('a token of another pool, or naming another pool, is "Invalid Access Token"', async () => {
  const r = await signIn();
  const claims = decodeJwt(r.AccessToken!);
  // Signed by the other pool but claiming this one's issuer, and the reverse.
  assert.deepEqual(await refusal(await signWithPoolKey(otherPool, claims)), ['NotAuthorizedException', 'Invalid Access Token']);
  const moved = { ...claims, iss: String(claims.iss).replace(pool.id, otherPool.id) };
  assert.deepEqual(await refusal(await signWithPoolKey(pool, moved)), ['NotAuthorizedException', 'Invalid Access Token']);
  // A well-signed token of the other pool whose session is this pool's.
  assert.deepEqual(await refusal(await signWithPoolKey(otherPool, moved)), ['NotAuthorizedException', 'Invalid Access Token']);
  // A pool that no longer exists.
  const gone = await newPool('gone');
  const t = await signWithPoolKey(gone, { ...claims, iss: String(claims.iss).replace(pool.id, gone.id) });
  await deps.store.pools.delete(gone.id);
  assert.deepEqual(await refusal(t), ['NotAuthorizedException', 'Invalid Access Token']);
});

test('an expired token is "Access Token has expired"', async () => {
  const r = await signIn();
  clock.set(NOW + 3600_000 - 1000);
  await authenticateAccessToken(deps, r.AccessToken!);
  clock.set(NOW + 3600_000);
  assert.deepEqual(await refusal(r.AccessToken!), ['NotAuthorizedException', 'Access Token has expired']);
});

test('a token of a revoked or vanished session is "Access Token has been revoked"', async () => {
  const r = await signIn();
  const other = await signIn();
  await deps.store.sessions.revoke(decodeJwt(r.AccessToken!).origin_jti as string, NOW);
  assert.deepEqual(await refusal(r.AccessToken!), ['NotAuthorizedException', 'Access Token has been revoked']);
  await authenticateAccessToken(deps, other.AccessToken!);
  const forged = await signWithPoolKey(pool, { ...decodeJwt(other.AccessToken!), origin_jti: deps.random.uuid() });
  assert.deepEqual(await refusal(forged), ['NotAuthorizedException', 'Access Token has been revoked']);
});

test('a token without aws.cognito.signin.user.admin is refused for lack of scope', async () => {
  const r = await signIn();
  const t = await signWithPoolKey(pool, { ...decodeJwt(r.AccessToken!), scope: 'openid email' });
  assert.deepEqual(await refusal(t), ['NotAuthorizedException', 'Access Token does not have required scopes']);
});

test('a disabled user is refused; a deleted one takes its sessions along', async () => {
  const bob = await insertUser(pool, 'bob');
  const r = await signIn(bob);
  await deps.store.users.update({ ...bob, enabled: false, version: bob.version + 1 });
  assert.deepEqual(await refusal(r.AccessToken!), ['NotAuthorizedException', 'User is disabled.']);
  await deps.store.users.delete(pool.id, bob.usernameKey);
  assert.deepEqual(await refusal(r.AccessToken!), ['NotAuthorizedException', 'Access Token has been revoked']);
});
