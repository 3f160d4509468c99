// Temporary credentials: issued, then proven by a request the SDK's own signer (@smithy/signature-v4) signs with them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { credentialAuthority } from './credentials.ts';
import { FixedClock } from '../runtime/clock.ts';
import { cryptoRandom } from '../runtime/random.ts';
import { verifySigV4 } from '../protocol/sigv4.ts';
import { signedHeaders } from '../../test/support/raw-http.ts';

const claims = {
  roleArn: 'arn:aws:iam::000000000000:role/Cognito_Auth',
  identityId: 'us-east-1:11111111-2222-3333-4444-555555555555',
  roleSessionName: 'CognitoIdentityCredentials',
  keys: { 'cognito-identity.amazonaws.com:sub': 'us-east-1:11111111-2222-3333-4444-555555555555', 'cognito-identity.amazonaws.com:amr': ['authenticated'] },
};

async function verify(authority: ReturnType<typeof credentialAuthority>, creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, clock: FixedClock) {
  const body = '{}';
  const headers = await signedHeaders('http://127.0.0.1:9330', creds, {
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.ListUserPools' },
    body,
    signingDate: new Date(clock.now()),
  });
  return verifySigV4(
    { method: 'POST', path: '/', query: '', headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), body: Buffer.from(body) },
    { resolver: { resolve: async (id, token) => authority.resolve(id, token) }, region: 'us-east-1', services: ['cognito-idp'], nowMs: clock.now() },
  );
}

test('issued credentials sign a request that verifies, carrying their role and identity', async () => {
  const clock = new FixedClock();
  const authority = credentialAuthority(randomBytes(32), cryptoRandom, clock);
  const c = authority.issue(claims, 3600);
  assert.match(c.AccessKeyId, /^ASIA[A-Z2-7]{16}$/);
  assert.equal(c.SecretKey.length, 40);
  assert.equal(c.Expiration.getTime(), clock.now() + 3600_000);
  assert.ok(!c.SessionToken.includes(claims.identityId) && !Buffer.from(c.SessionToken.slice(3), 'base64').toString('latin1').includes('Cognito_Auth'), 'the token is sealed');
  const p = await verify(authority, { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken }, clock);
  const ctx = p.context as { roleArn: string; identityId: string; keys: unknown };
  assert.equal(ctx.roleArn, claims.roleArn);
  assert.equal(ctx.identityId, claims.identityId);
  assert.deepEqual(ctx.keys, claims.keys);
});

test('refused: without the token, a token of other credentials, an altered token, another master key', async () => {
  const clock = new FixedClock();
  const key = randomBytes(32);
  const authority = credentialAuthority(key, cryptoRandom, clock);
  const a = authority.issue(claims, 900);
  const b = authority.issue({ ...claims, roleArn: 'arn:aws:iam::000000000000:role/Admin' }, 900);
  const refused = async (creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, auth = authority) =>
    assert.rejects(verify(auth, creds, clock), (e: Error) => e.name === 'UnrecognizedClientException');
  await refused({ accessKeyId: a.AccessKeyId, secretAccessKey: a.SecretKey });
  await refused({ accessKeyId: a.AccessKeyId, secretAccessKey: a.SecretKey, sessionToken: b.SessionToken });
  const raw = Buffer.from(a.SessionToken.slice(3), 'base64');
  raw[raw.length - 1] ^= 1;
  await refused({ accessKeyId: a.AccessKeyId, secretAccessKey: a.SecretKey, sessionToken: 'CG1' + raw.toString('base64') });
  await refused({ accessKeyId: a.AccessKeyId, secretAccessKey: a.SecretKey, sessionToken: a.SessionToken }, credentialAuthority(randomBytes(32), cryptoRandom, clock));
  // the right token with a guessed secret fails the signature, not the lookup
  await assert.rejects(verify(authority, { accessKeyId: a.AccessKeyId, secretAccessKey: 'x'.repeat(40), sessionToken: a.SessionToken }, clock), (e: Error) => e.name === 'InvalidSignatureException');
  // another server with the same master key verifies it (stateless, shared by workers and servers); expired, it is refused
  await verify(credentialAuthority(key, cryptoRandom, clock), { accessKeyId: a.AccessKeyId, secretAccessKey: a.SecretKey, sessionToken: a.SessionToken }, clock);
  clock.advance(900_000);
  await assert.rejects(verify(authority, { accessKeyId: a.AccessKeyId, secretAccessKey: a.SecretKey, sessionToken: a.SessionToken }, clock), (e: Error) => {
    assert.deepEqual([e.name, e.message], ['ExpiredTokenException', 'The security token included in the request is expired']);
    return true;
  });
});
