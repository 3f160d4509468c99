// The identity pools' OpenID issuer: discovery and JWKS served from the public URL, tokens a relying party verifies
// with jose's remote JWKS (as IAM, MinIO or Vault would), one key set shared by every server on the store, rotated
// with tokens signed before a rotation still verifying.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { FixedClock } from '../../src/runtime/clock.ts';
import { identityKey, identityVerificationKey, mintOpenIdToken, rotateIdentityKey } from '../../src/identity-pools/openid.ts';
import { makeCaches } from '../../src/deps.ts';

let s: TestServer;
before(async () => {
  s = await startServerOnStoreUnderTest(new FixedClock(Date.now()), 'cognate_idoidc');
});
after(() => s.close());

const poolId = 'us-east-1:0f0e0d0c-1111-2222-3333-444455556666';
const identityId = 'us-east-1:aaaabbbb-1111-2222-3333-444455556666';
const userPool = 'cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123';

testOnPostgres(() => s);

test('discovery names this server as issuer and a JWKS whose key verifies the minted token', async () => {
  const doc = (await (await fetch(`${s.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  assert.equal(doc.issuer, s.url);
  assert.equal(doc.jwks_uri, `${s.url}/.well-known/jwks_uri`);
  assert.deepEqual(doc.id_token_signing_alg_values_supported, ['RS512']);

  const amr = ['authenticated', userPool, `${userPool}:CognitoSignIn:8f0c1d2e-0000-4000-8000-000000000001`];
  const token = await mintOpenIdToken(s.deps, { identityId, identityPoolId: poolId, identityPoolArn: `arn:aws:cognito-identity:us-east-1:${s.deps.config.accountId}:identitypool/${poolId}`, amr, seconds: 600 });
  const header = decodeProtectedHeader(token);
  assert.deepEqual([header.alg, header.typ, header.kid], ['RS512', 'JWS', 'us-east-11']);
  const jwks = createRemoteJWKSet(new URL(String(doc.jwks_uri)));
  const { payload } = await jwtVerify(token, jwks, { issuer: String(doc.issuer), audience: poolId, currentDate: new Date(s.deps.clock.now()) });
  assert.equal(payload.sub, identityId);
  assert.deepEqual(payload.amr, amr);
  assert.equal(payload.exp! - payload.iat!, 600);
  assert.match(String(payload['https://cognito-identity.amazonaws.com/identity-pool-arn']), /:identitypool\/us-east-1:/);

  // a token for another audience, or altered, does not verify
  await assert.rejects(jwtVerify(token, jwks, { issuer: String(doc.issuer), audience: 'us-east-1:other', currentDate: new Date(s.deps.clock.now()) }));
  const [h, p, sig] = token.split('.');
  const forged = Buffer.from(JSON.stringify({ ...payload, sub: 'us-east-1:someone-else' })).toString('base64url');
  await assert.rejects(jwtVerify(`${h}.${forged}.${sig}`, jwks, { currentDate: new Date(s.deps.clock.now()) }));
  assert.ok(p);
});

test('the key is made once, sealed at rest, and the same for every server on the store', async () => {
  const a = await identityKey(s.deps);
  const sealed = await s.deps.store.meta.get('identity_openid_key');
  assert.ok(sealed && !sealed.includes('PRIVATE KEY') && !Buffer.from(sealed).toString('latin1').includes(a.jwk.n.slice(0, 40)));
  // another server: same store and master key, its own key cache
  const other = { ...s.deps, caches: makeCaches() };
  const b = await identityKey(other);
  assert.notEqual(a, b, 'read afresh');
  assert.deepEqual(b.jwk, a.jwk);
  const jwks = (await (await fetch(`${s.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
  assert.deepEqual(jwks.keys.map((k) => k.kid), [a.kid]);
});

const arn = (id: string) => `arn:aws:cognito-identity:us-east-1:000000000000:identitypool/${id}`;
const mint = (deps: typeof s.deps) => mintOpenIdToken(deps, { identityId, identityPoolId: poolId, identityPoolArn: arn(poolId), amr: ['unauthenticated'], seconds: 600 });
const kids = async () => ((await (await fetch(`${s.url}/.well-known/jwks_uri`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

test('rotation: new tokens carry the new kid, tokens signed before verify by the JWKS until the old key retires, every server follows', async () => {
  const clock = s.deps.clock as FixedClock;
  const other = { ...s.deps, caches: makeCaches() }; // another server on the same store, its key set already loaded
  const before = await mint(other);
  assert.equal(decodeProtectedHeader(before).kid, 'us-east-11');

  const r = await rotateIdentityKey(s.deps);
  assert.equal(r.kid, 'us-east-12');
  assert.deepEqual(r.retiring, [{ kid: 'us-east-11', retiresAt: clock.now() + 24 * 3600_000 }]);
  const after = await mint(s.deps);
  assert.equal(decodeProtectedHeader(after).kid, 'us-east-12');
  assert.deepEqual(await kids(), ['us-east-12', 'us-east-11']);
  const jwks = createRemoteJWKSet(new URL(`${s.url}/.well-known/jwks_uri`));
  for (const token of [before, after]) {
    const { payload } = await jwtVerify(token, jwks, { issuer: s.url, audience: poolId, currentDate: new Date(clock.now()) });
    assert.equal(payload.sub, identityId);
  }

  // the other server signs with the key it has until its cache is re-checked (a few seconds), then with the new one
  assert.equal(decodeProtectedHeader(await mint(other)).kid, 'us-east-11');
  clock.advance(5_000);
  assert.equal(decodeProtectedHeader(await mint(other)).kid, 'us-east-12');

  // a day later the old key has left the JWKS and verifies nothing; the next rotation drops it from the store
  clock.advance(24 * 3600_000);
  assert.deepEqual(await kids(), ['us-east-12']);
  assert.equal(await identityVerificationKey(s.deps, 'us-east-11'), undefined);
  assert.ok(await identityVerificationKey(s.deps, 'us-east-12'));
  const again = await rotateIdentityKey(s.deps);
  assert.deepEqual([again.kid, again.retiring.map((k) => k.kid)], ['us-east-13', ['us-east-12']]);

  // revoke: the previous keys leave the JWKS at once, and the token they signed no longer verifies
  const signed13 = await mint(s.deps);
  const revoked = await rotateIdentityKey(s.deps, { revoke: true });
  assert.deepEqual([revoked.kid, revoked.retiring], ['us-east-14', []]);
  assert.deepEqual(await kids(), ['us-east-14']);
  await assert.rejects(jwtVerify(signed13, createRemoteJWKSet(new URL(`${s.url}/.well-known/jwks_uri`)), { currentDate: new Date(clock.now()) }));
});

test('a key stored by an earlier version (a single {kid, pem}) is read as the signing key, rotates, and the new set still reads as one key to it', async () => {
  const current = (await s.deps.store.meta.get('identity_openid_key'))!;
  const k = await identityKey(s.deps);
  const legacy = s.deps.secrets.encrypt(JSON.stringify({ kid: 'us-east-11', pem: k.privateKey.export({ format: 'pem', type: 'pkcs8' }) }));
  assert.ok(await s.deps.store.meta.replace('identity_openid_key', current, legacy));
  const fresh = { ...s.deps, caches: makeCaches() };
  assert.deepEqual((await identityKey(fresh)).jwk, { ...k.jwk, kid: 'us-east-11' });
  const r = await rotateIdentityKey(fresh);
  assert.deepEqual([r.kid, r.retiring.map((x) => x.kid)], ['us-east-12', ['us-east-11']]);
  // what an earlier version reads from the new set, mid-upgrade: the signing key
  const stored = JSON.parse(s.deps.secrets.decryptString((await s.deps.store.meta.get('identity_openid_key'))!)) as { kid: string; pem: string };
  assert.equal(stored.kid, 'us-east-12');
  assert.equal(createPublicKey(stored.pem).export({ format: 'jwk' }).n, (await identityKey(fresh)).jwk.n);
});
