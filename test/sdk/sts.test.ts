// The AWS Query edge (STS/IAM) with the real @aws-sdk/client-sts: XML answers, XML errors under STS's names.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { STSClient, GetCallerIdentityCommand, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { FixedClock } from '../../src/runtime/clock.ts';
import { rawRequest } from '../support/raw-http.ts';

let s: TestServer;
const sts = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
  new STSClient({ region: s.deps.config.region, endpoint: s.url, credentials, maxAttempts: 1 });

before(async () => {
  s = await startServerOnStoreUnderTest(new FixedClock(Date.now()), 'cognate_sts');
});
after(() => s.close());

testOnPostgres(() => s);

test('GetCallerIdentity signed by the admin key names the account and the key', async () => {
  const c = sts(s.deps.admin);
  const out = await c.send(new GetCallerIdentityCommand({}));
  c.destroy();
  assert.equal(out.Account, s.deps.config.accountId);
  assert.equal(out.UserId, s.deps.admin.accessKeyId);
  assert.equal(out.Arn, `arn:aws:iam::${s.deps.config.accountId}:user/cognate-admin`);
});

test('an unknown key and a wrong secret answer STS error names in XML', async () => {
  const unknown = sts({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x'.repeat(40) });
  const e1 = await awsErrorOf(() => unknown.send(new GetCallerIdentityCommand({})));
  unknown.destroy();
  assert.equal(e1.name, 'InvalidClientTokenId');
  assert.equal(e1.status, 403);
  const wrong = sts({ accessKeyId: s.deps.admin.accessKeyId, secretAccessKey: 'y'.repeat(40) });
  const e2 = await awsErrorOf(() => wrong.send(new GetCallerIdentityCommand({})));
  wrong.destroy();
  assert.equal(e2.name, 'SignatureDoesNotMatch');
  assert.match(e2.message, /signature we calculated does not match/);
});

test('an Action not served yet says so; an unknown Action and a missing one are InvalidAction / MissingAction', async () => {
  const c = sts(s.deps.admin);
  const e = await awsErrorOf(() => c.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/r', RoleSessionName: 's' })));
  c.destroy();
  assert.equal(e.name, 'InvalidAction');
  assert.match(e.message, /does not implement AssumeRole yet/);
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const r1 = await rawRequest(s.url, { headers: form, body: 'Action=Frobnicate&Version=2011-06-15' });
  assert.equal(r1.status, 400);
  assert.match(r1.body, /<Code>InvalidAction<\/Code>/);
  assert.match(r1.body, /Could not find operation Frobnicate for version 2011-06-15/);
  const r2 = await rawRequest(s.url, { headers: form, body: 'Version=2011-06-15' });
  assert.equal(r2.status, 400);
  assert.match(r2.body, /<Code>MissingAction<\/Code>/);
});

test('an unsigned GetCallerIdentity is refused', async () => {
  const r = await rawRequest(s.url, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' });
  assert.equal(r.status, 403);
  assert.match(r.body, /<Code>MissingAuthenticationToken<\/Code>/);
});
