// The AWS JSON edge through the real SDK: every protocol error, and the server still serving after each.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, awsErrorOf, type TestServer } from '../support/server.ts';
import { openSqliteStore } from '../../src/storage/sqlite/index.ts';

let s: TestServer;
let poolId: string;

before(async () => {
  s = await startTestServer();
  poolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'protocol' }))).UserPool!.Id!;
});
after(() => s.close());

/** The server answers a normal call: checked after every error case. */
async function stillServing() {
  const d = await s.idp.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
  assert.equal(d.UserPool!.Id, poolId);
}

/** An SDK client whose outgoing request is altered by `edit` (as a proxy or a broken client would). */
function alteredClient(edit: (req: { headers: Record<string, string>; body: string }) => void): CognitoIdentityProviderClient {
  const c = s.idpWith(s.deps.admin);
  c.middlewareStack.add(
    (next) => async (args: any) => {
      edit(args.request);
      if (typeof args.request.body === 'string') args.request.headers['content-length'] = String(Buffer.byteLength(args.request.body));
      return next(args);
    },
    { step: 'build', name: 'alter-request', priority: 'low' },
  );
  return c;
}

test('a success carries x-amzn-RequestId and the x-amz-json-1.1 content type', async () => {
  const out = await s.idp.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
  assert.match(out.$metadata.requestId!, /^[0-9a-f-]{36}$/);
});

test('malformed JSON → SerializationException', async () => {
  const c = alteredClient((r) => (r.body = '{"UserPoolId": '));
  const e = await awsErrorOf(() => c.send(new DescribeUserPoolCommand({ UserPoolId: poolId })));
  assert.equal(e.name, 'SerializationException');
  assert.equal(e.status, 400);
  await stillServing();
});

test('a body that is not an object → SerializationException', async () => {
  const c = alteredClient((r) => (r.body = '[1,2]'));
  const e = await awsErrorOf(() => c.send(new DescribeUserPoolCommand({ UserPoolId: poolId })));
  assert.equal(e.name, 'SerializationException');
  await stillServing();
});

test('unknown target → UnknownOperationException; a known but unimplemented one says so', async () => {
  const c = alteredClient((r) => (r.headers['x-amz-target'] = 'AWSCognitoIdentityProviderService.NoSuchOperation'));
  const e = await awsErrorOf(() => c.send(new DescribeUserPoolCommand({ UserPoolId: poolId })));
  assert.equal(e.name, 'UnknownOperationException');
  const c2 = alteredClient((r) => (r.headers['x-amz-target'] = 'SomeOtherService.DescribeUserPool'));
  assert.equal((await awsErrorOf(() => c2.send(new DescribeUserPoolCommand({ UserPoolId: poolId })))).name, 'UnknownOperationException');
  const raw = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
  assert.equal(raw.status, 400);
  assert.equal(raw.headers.get('x-amzn-errortype'), 'UnknownOperationException:');
  assert.equal(((await raw.json()) as any).__type, 'UnknownOperationException');
  await stillServing();
});

test('schema violations → InvalidParameterException naming the field, in Coral wording', async () => {
  const e = await awsErrorOf(() => s.idp.send(new DescribeUserPoolCommand({ UserPoolId: 'not a pool id' })));
  assert.equal(e.name, 'InvalidParameterException');
  assert.equal(
    e.message,
    "1 validation error detected: Value 'not a pool id' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+",
  );
  const missing = await awsErrorOf(() => s.idp.send(new DescribeUserPoolCommand({} as any)));
  assert.equal(missing.name, 'InvalidParameterException');
  assert.match(missing.message, /Value null at 'userPoolId' failed to satisfy constraint: Member must not be null/);
  const enumErr = await awsErrorOf(() => s.idp.send(new CreateUserPoolCommand({ PoolName: 'x', MfaConfiguration: 'MAYBE' as any })));
  assert.match(enumErr.message, /at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: \[/);
  await stillServing();
});

test('a body over the limit is refused cleanly', async () => {
  const c = alteredClient((r) => (r.body = r.body.replace(/}$/, ' '.repeat(s.deps.config.bodyLimit + 10) + '}')));
  const e = await awsErrorOf(() => c.send(new DescribeUserPoolCommand({ UserPoolId: poolId })));
  assert.equal(e.name, 'RequestEntityTooLargeException');
  assert.equal(e.status, 413);
  await stillServing();
});

test('SigV4: missing, wrong secret, unknown key, wrong region are refused with AWS names', async () => {
  const unsigned = alteredClient((r) => {
    delete r.headers['authorization'];
  });
  // The signer runs after 'build'; strip the header at the end of the chain instead.
  unsigned.middlewareStack.add(
    (next) => async (args: any) => {
      delete args.request.headers['authorization'];
      return next(args);
    },
    { step: 'finalizeRequest', name: 'strip-auth', priority: 'low' },
  );
  const e1 = await awsErrorOf(() => unsigned.send(new DescribeUserPoolCommand({ UserPoolId: poolId })));
  assert.equal(e1.name, 'MissingAuthenticationTokenException');

  const wrongSecret = s.idpWith({ accessKeyId: s.deps.admin.accessKeyId, secretAccessKey: 'wrong' });
  const e2 = await awsErrorOf(() => wrongSecret.send(new DescribeUserPoolCommand({ UserPoolId: poolId })));
  assert.equal(e2.name, 'InvalidSignatureException');
  assert.match(e2.message, /The request signature we calculated does not match/);

  const unknown = s.idpWith({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' });
  const e3 = await awsErrorOf(() => unknown.send(new DescribeUserPoolCommand({ UserPoolId: poolId })));
  assert.equal(e3.name, 'UnrecognizedClientException');
  assert.equal(e3.message, 'The security token included in the request is invalid.');

  const otherRegion = new CognitoIdentityProviderClient({ region: 'eu-west-1', endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  const e4 = await awsErrorOf(() => otherRegion.send(new DescribeUserPoolCommand({ UserPoolId: poolId })));
  assert.equal(e4.name, 'InvalidSignatureException');
  assert.match(e4.message, /Credential should be scoped to a valid region/);
  assert.match(e4.message, /This server expects credentials scoped to region 'us-east-1'/);
  await stillServing();
});

test('an unexpected failure → 500 InternalErrorException; the stack goes to the log, not the reply', async () => {
  const store = openSqliteStore(':memory:');
  await store.migrate();
  const broken = { ...store, pools: { ...store.pools, get: async () => { throw new Error('disk on fire at /secret/path'); } } };
  const t = await startTestServer({ store: broken });
  try {
    const e = await awsErrorOf(() => t.idp.send(new DescribeUserPoolCommand({ UserPoolId: 'us-east-1_abc' })));
    assert.equal(e.name, 'InternalErrorException');
    assert.equal(e.status, 500);
    assert.doesNotMatch(e.message, /disk on fire|secret/);
    const logged = t.deps.logger.entries.find((x) => x.level === 'error');
    assert.match(String(logged?.fields?.error), /disk on fire/);
    const ok = await t.idp.send(new CreateUserPoolCommand({ PoolName: 'after-crash' }));
    assert.ok(ok.UserPool!.Id);
  } finally {
    await t.close();
  }
});

test('CORS: preflight admits the SDK headers; answers expose the AWS headers', async () => {
  const pre = await fetch(s.url, {
    method: 'OPTIONS',
    headers: { origin: 'http://app.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-amz-target,content-type,x-amz-user-agent' },
  });
  assert.equal(pre.status, 200);
  assert.equal(pre.headers.get('access-control-allow-origin'), 'http://app.test');
  assert.match(pre.headers.get('access-control-allow-headers')!, /x-amz-target/);
  const r = await fetch(s.url, { method: 'POST', headers: { origin: 'http://app.test', 'x-amz-target': 'X.Y' }, body: '{}' });
  assert.match(r.headers.get('access-control-expose-headers')!, /x-amzn-ErrorType/);
});

test('a NUL character in any string is refused with InvalidParameterException, nothing stored', async () => {
  const c = alteredClient((r) => (r.body = JSON.stringify({ PoolName: 'nul\u0000pool' })));
  const e = await awsErrorOf(() => c.send(new CreateUserPoolCommand({ PoolName: 'placeholder' })));
  assert.equal(e.name, 'InvalidParameterException');
  assert.match(e.message, /NUL/);
  await stillServing();
});

test('SignedHeaders naming prototype keys is a signature error, not a 500', async () => {
  for (const bad of ['host;constructor', 'host;__proto__']) {
    const r = await fetch(s.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.DescribeUserPool',
        'x-amz-date': new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, ''),
        authorization: `AWS4-HMAC-SHA256 Credential=${s.deps.admin.accessKeyId}/${new Date().toISOString().slice(0, 10).replace(/-/g, '')}/us-east-1/cognito-idp/aws4_request, SignedHeaders=${bad}, Signature=${'0'.repeat(64)}`,
      },
      body: JSON.stringify({ UserPoolId: poolId }),
    });
    assert.equal(r.status, 403, bad);
    assert.equal(((await r.json()) as any).__type, 'InvalidSignatureException');
  }
  await stillServing();
});
