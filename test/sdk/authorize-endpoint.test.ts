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

test('another S3 action behind a subresource or a copy header is refused (403), not decided as PutObject/GetObject', async () => {
  const path = s3Path('uploads', `${alice.identityId}/notes.txt`);
  for (const [method, query] of [['PUT', 'retention'], ['PUT', 'legal-hold'], ['POST', 'restore'], ['GET', 'torrent']] as const) {
    const r = await ask(method, `${path}?${query}`, await sign(alice, method, path, { query: { [query]: '' }, ...(method === 'GET' ? {} : { body: 'x' }) }));
    assert.equal(r.status, 403, `${method} ?${query}: ${r.body}`);
    assert.match(JSON.parse(r.body).message, /is not decided here/);
  }
  // a copy into her own folder would also read bob's object, which her role may not
  const copy = await ask('PUT', path, await sign(alice, 'PUT', path, { body: '' }), { 'x-amz-copy-source': `/uploads/${bob.identityId}/secret.txt` });
  assert.equal(copy.status, 403, copy.body);
});

test('a listing whose prefix is given twice is refused, though the first is the own folder the policy allows', async () => {
  const listing = await uploadsPool(s.url, s.deps.admin, s.deps.config.region, 'listing', {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::uploads', Condition: { StringLike: { 's3:prefix': '${cognito-identity.amazonaws.com:sub}/*' } } }],
  });
  try {
    const dan = await listing.guest();
    const own = { 'list-type': '2', prefix: `${dan.identityId}/` };
    const ok = await ask('GET', `/uploads?list-type=2&prefix=${encodeURIComponent(own.prefix)}`, await sign(dan, 'GET', '/uploads', { query: own }));
    assert.equal(ok.status, 200, ok.body);
    const query = { 'list-type': '2', prefix: [`${dan.identityId}/`, `${alice.identityId}/`] };
    const uri = `/uploads?list-type=2&prefix=${encodeURIComponent(query.prefix[0]!)}&prefix=${encodeURIComponent(query.prefix[1]!)}`;
    const r = await ask('GET', uri, await sign(dan, 'GET', '/uploads', { query: query as never }));
    assert.equal(r.status, 403, r.body);
    assert.match(JSON.parse(r.body).message, /given more than once/);
  } finally {
    listing.destroy();
  }
});

test('a path with an empty bucket (//uploads/…) is not the bucket list: a role allowed s3:ListAllMyBuckets gets no object by it', async () => {
  const lister = await uploadsPool(s.url, s.deps.admin, s.deps.config.region, 'lister', {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }],
  });
  try {
    const eve = await lister.guest();
    assert.equal((await ask('GET', '/', await sign(eve, 'GET', '/'))).status, 200);
    // nginx merges the slashes and serves /uploads/{alice}/notes.txt
    const path = `/${s3Path('uploads', `${alice.identityId}/notes.txt`)}`;
    const r = await ask('GET', path, await sign(eve, 'GET', path));
    assert.equal(r.status, 403, r.body);
  } finally {
    lister.destroy();
  }
});

test("a doubled slash does not slip past a Deny: GET /uploads//private/x is refused where uploads/private/* is denied", async () => {
  const denier = await uploadsPool(s.url, s.deps.admin, s.deps.config.region, 'denier', {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::uploads/*' },
      { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::uploads/private/*' },
    ],
  });
  try {
    const fay = await denier.guest();
    assert.equal((await ask('GET', '/uploads/public/x', await sign(fay, 'GET', '/uploads/public/x'))).status, 200);
    assert.equal((await ask('GET', '/uploads/private/x', await sign(fay, 'GET', '/uploads/private/x'))).status, 403);
    for (const path of ['/uploads//private/x', '/uploads/%2Fprivate/x']) {
      const r = await ask('GET', path, await sign(fay, 'GET', path));
      assert.equal(r.status, 403, `${path}: ${r.body}`);
    }
  } finally {
    denier.destroy();
  }
});

test('execute-api: the Host cannot dodge a Deny by its case, nor write path segments into the resource', async () => {
  const api = 'arn:aws:execute-api:*:*:api.example.test';
  const caller = await uploadsPool(s.url, s.deps.admin, s.deps.config.region, 'caller', {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: `${api}/$default/GET/public/*` },
      { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:*:*:other.example.test/*' },
      { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:*:*:other.example.test/$default/GET/admin/*' },
    ],
  });
  try {
    const gus = await caller.guest();
    const call = async (host: string, path: string) => {
      const signed = await signS3(host, gus.credentials, s.deps.config.region, { method: 'GET', path, signingDate: new Date(clock.now()), service: 'execute-api' });
      return ask('GET', path, signed, { 'x-original-host': host });
    };
    assert.equal((await call('api.example.test', '/public/x')).status, 200);
    assert.equal((await call('other.example.test', '/admin/x')).status, 403);
    for (const [host, path] of [['OTHER.example.test', '/admin/x'], ['other.example.test.', '/admin/x'], ['api.example.test/$default/GET/public', '/admin/x']]) {
      const r = await call(host!, path!);
      assert.equal(r.status, 403, `${host} ${path}: ${r.body}`);
    }
  } finally {
    caller.destroy();
  }
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
