// /_cognate/authorize asked directly, as a proxy asks it: an s3 request signed by the SDK's signer with credentials from
// GetCredentialsForIdentity is allowed into the identity's own folder (the policy's ${cognito-identity.amazonaws.com:sub})
// and denied elsewhere; a missing, wrong or expired signature is 401; the admin key and unsafe paths are 403.
// Runs on PostgreSQL too when COGNATE_TEST_DATABASE_URL is set.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { FixedClock } from '../../src/runtime/clock.ts';
import { ROLE_RECHECK_MS } from '../../src/identity-pools/role-policies.ts';
import { rawRequest } from '../support/raw-http.ts';
import type { TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { s3Path, signS3, uploadsPool, type Guest, type UploadsPool } from '../support/identity-uploads.ts';

const HOST = 'files.example.test:8080';
const clock = new FixedClock(Date.now());
let s: TestServer;
let pool: UploadsPool;
let alice: Guest;
let bob: Guest;

before(async () => {
  s = await startServerOnStoreUnderTest(clock, 'authorize_endpoint');
  pool = await uploadsPool(s.url, s.deps.admin, s.deps.config.region);
  alice = await pool.guest();
  bob = await pool.guest();
});
after(async () => {
  pool.destroy();
  await s.close();
});
testOnPostgres(() => s);

/** Asks the endpoint about `method uri` sent to HOST with `signed` (the original request's headers). */
function ask(method: string, uri: string, signed: Record<string, string>, extra: Record<string, string> = {}) {
  const { host, ...rest } = signed;
  const length = rest['content-length'];
  delete rest['content-length'];
  return rawRequest(s.url, {
    method: 'GET',
    path: '/_cognate/authorize',
    headers: { ...rest, 'x-original-method': method, 'x-original-uri': uri, 'x-original-host': host ?? HOST, ...(length ? { 'x-original-content-length': length } : {}), ...extra },
  });
}
const sign = (who: Guest, method: string, path: string, more: { body?: string; query?: Record<string, string>; signingDate?: Date; service?: string } = {}) =>
  signS3(HOST, who.credentials, s.deps.config.region, { method, path, signingDate: new Date(clock.now()), ...more });

test('the owner may PUT and GET in its own folder: 200 with its identity id and role', async () => {
  const path = s3Path('uploads', `${alice.identityId}/notes.txt`);
  const put = await ask('PUT', path, await sign(alice, 'PUT', path, { body: 'hello' }));
  assert.equal(put.status, 200, put.body);
  assert.equal(put.headers['x-cognate-identity-id'], alice.identityId);
  assert.equal(put.headers['x-cognate-role-arn'], pool.roleArn);
  assert.deepEqual(JSON.parse(put.body), { allow: true, identityId: alice.identityId, roleArn: pool.roleArn, action: 's3:PutObject', resource: `arn:aws:s3:::uploads/${alice.identityId}/notes.txt` });
  const get = await ask('GET', path, await sign(alice, 'GET', path));
  assert.equal(get.status, 200, get.body);
  assert.equal(JSON.parse(get.body).action, 's3:GetObject');
});

test("another identity's folder, or an action the policy lacks: 403 AccessDeniedException", async () => {
  const path = s3Path('uploads', `${alice.identityId}/notes.txt`);
  const r = await ask('PUT', path, await sign(bob, 'PUT', path, { body: 'x' }));
  assert.equal(r.status, 403);
  assert.equal(JSON.parse(r.body).__type, 'AccessDeniedException');
  assert.match(JSON.parse(r.body).message, new RegExp(`not authorized to perform: s3:PutObject on resource: arn:aws:s3:::uploads/${alice.identityId}/notes.txt`));
  assert.equal(r.headers['x-cognate-identity-id'], undefined);
  const del = await ask('DELETE', path, await sign(alice, 'DELETE', path));
  assert.equal(del.status, 403);
  const list = await ask('GET', '/uploads?prefix=x', await sign(alice, 'GET', '/uploads', { query: { prefix: 'x' } }));
  assert.equal(list.status, 403);
  assert.match(JSON.parse(list.body).message, /s3:ListBucket on resource: arn:aws:s3:::uploads /);
});

test('a path that climbs out of the folder is refused, though the policy pattern would match it', async () => {
  for (const key of [`${alice.identityId}/../${bob.identityId}/x`, `${alice.identityId}/%2E%2E/${bob.identityId}/x`]) {
    const path = `/uploads/${key.replace(/:/g, '%3A')}`;
    const r = await ask('PUT', path, await sign(alice, 'PUT', path, { body: 'x' }));
    assert.equal(r.status, 403, key);
    assert.match(JSON.parse(r.body).message, /"\." or "\.\." segment/);
  }
});

test('no signature, a wrong one, one for another request or another service: 401', async () => {
  const path = s3Path('uploads', `${alice.identityId}/a.txt`);
  const none = await ask('PUT', path, { host: HOST });
  assert.equal(none.status, 401);
  assert.equal(JSON.parse(none.body).__type, 'MissingAuthenticationTokenException');
  const good = await sign(alice, 'PUT', path, { body: 'x' });
  const sig = good.authorization!;
  const last = sig.at(-1) === '0' ? '1' : '0';
  const wrong = await ask('PUT', path, { ...good, authorization: sig.slice(0, -1) + last });
  assert.equal(wrong.status, 401);
  assert.equal(JSON.parse(wrong.body).__type, 'InvalidSignatureException');
  assert.doesNotMatch(wrong.body, /AWS4-HMAC-SHA256\n|Canonical/); // yes or no, never what was computed
  // the signature of alice's own-folder PUT does not carry over to another path, method or host
  assert.equal((await ask('PUT', s3Path('uploads', `${bob.identityId}/a.txt`), good)).status, 401);
  assert.equal((await ask('DELETE', path, good)).status, 401);
  assert.equal((await ask('PUT', path, { ...good, host: 'other.example.test' })).status, 401);
  assert.equal((await ask('PUT', path, await sign(alice, 'PUT', path, { body: 'x', service: 'lambda' }))).status, 401);
});

test('expired credentials: 401', async () => {
  const carol = await pool.guest();
  const path = s3Path('uploads', `${carol.identityId}/a.txt`);
  assert.equal((await ask('PUT', path, await sign(carol, 'PUT', path, { body: 'x' }))).status, 200);
  const start = clock.now();
  clock.advance(3601 * 1000);
  try {
    const r = await ask('PUT', path, await sign(carol, 'PUT', path, { body: 'x' }));
    assert.equal(r.status, 401);
    assert.equal(JSON.parse(r.body).__type, 'ExpiredTokenException');
  } finally {
    clock.set(start);
  }
});

test('the admin key is not spoken for here (403); a request without X-Original-URI is 400', async () => {
  const path = s3Path('uploads', 'anything');
  const r = await ask('PUT', path, await signS3(HOST, { ...s.deps.admin, sessionToken: undefined as unknown as string }, s.deps.config.region, { method: 'PUT', path, body: 'x', signingDate: new Date(clock.now()) }));
  assert.equal(r.status, 403);
  assert.equal(JSON.parse(r.body).__type, 'AccessDeniedException');
  const bad = await rawRequest(s.url, { method: 'GET', path: '/_cognate/authorize', headers: { 'x-original-method': 'PUT' } });
  assert.equal(bad.status, 400);
});

test("a policy change through IAM applies to the next decision at once; another server's change (straight to the store), within 5 s", async () => {
  const iam = new IAMClient({ region: s.deps.config.region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  const path = s3Path('uploads', `${alice.identityId}/notes.txt`);
  const status = async () => (await ask('GET', path, await sign(alice, 'GET', path))).status;
  const denyGet = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }] });
  try {
    assert.equal(await status(), 200);
    await iam.send(new PutRolePolicyCommand({ RoleName: 'uploads-guest', PolicyName: 'deny-get', PolicyDocument: denyGet }));
    assert.equal(await status(), 403);
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'uploads-guest', PolicyName: 'deny-get' }));
    assert.equal(await status(), 200);

    // another server sharing the database changes the policies: this one reads them again within ROLE_RECHECK_MS
    await s.deps.store.roles.putPolicy({ roleName: 'uploads-guest', policyName: 'deny-get', document: denyGet });
    clock.advance(ROLE_RECHECK_MS);
    assert.equal(await status(), 403);
    await s.deps.store.roles.deletePolicy('uploads-guest', 'deny-get');
    clock.advance(ROLE_RECHECK_MS);
    assert.equal(await status(), 200);
  } finally {
    iam.destroy();
  }
});
