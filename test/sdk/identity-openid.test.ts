// The identity pools' OpenID issuer: discovery and JWKS served from the public URL, tokens a relying party verifies
// with jose's remote JWKS (as IAM, MinIO or Vault would), one key shared by every server on the store.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest } from '../support/store-under-test.ts';
import { FixedClock } from '../../src/runtime/clock.ts';
import { identityKey, mintOpenIdToken } from '../../src/identity-pools/openid.ts';

let s: TestServer;
before(async () => {
  s = await startServerOnStoreUnderTest(new FixedClock(Date.now()), 'cognate_idoidc');
});
after(() => s.close());

const poolId = 'us-east-1:0f0e0d0c-1111-2222-3333-444455556666';
const identityId = 'us-east-1:aaaabbbb-1111-2222-3333-444455556666';
const userPool = 'cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123';

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
  const other = { ...s.deps, store: new Proxy(s.deps.store, {}) };
  const b = await identityKey(other);
  assert.notEqual(a, b, 'read afresh');
  assert.deepEqual(b.jwk, a.jwk);
  const jwks = (await (await fetch(`${s.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
  assert.deepEqual(jwks.keys.map((k) => k.kid), [a.kid]);
});
