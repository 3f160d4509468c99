// STS AssumeRoleWithWebIdentity with the identity pools' OpenID token, through the real @aws-sdk/client-sts; the
// credentials it returns then sign later calls, allowed or denied by the role's policy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { STSClient, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand, DeleteRolePolicyCommand } from '@aws-sdk/client-iam';
import { CognitoIdentityProviderClient, DescribeUserPoolCommand, CreateUserPoolCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { trustFor } from '../support/identity-pool.ts';
import { mintOpenIdToken, rotateIdentityKey } from '../../src/identity-pools/openid.ts';
import { decodeProtectedHeader } from 'jose';
import { FixedClock } from '../../src/runtime/clock.ts';

let s: TestServer;
let iam: IAMClient;
let sts: STSClient;
const idPool = 'us-east-1:0f0e0d0c-1111-2222-3333-444455556666';
const identityId = 'us-east-1:aaaabbbb-1111-2222-3333-444455556666';
const trust = trustFor;
const token = (amr: string[], seconds = 600) =>
  mintOpenIdToken(s.deps, { identityId, identityPoolId: idPool, identityPoolArn: `arn:aws:cognito-identity:us-east-1:000000000000:identitypool/${idPool}`, amr, seconds });
let roleArn: string;

before(async () => {
  s = await startServerOnStoreUnderTest(new FixedClock(Date.now()), 'cognate_stswi');
  iam = new IAMClient({ region: 'us-east-1', endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  sts = new STSClient({ region: 'us-east-1', endpoint: s.url, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' }, maxAttempts: 1 });
  roleArn = (await iam.send(new CreateRoleCommand({ RoleName: 'Cognito_Auth', AssumeRolePolicyDocument: trust(idPool, 'authenticated') }))).Role!.Arn!;
});
after(async () => {
  iam.destroy();
  sts.destroy();
  await s.close();
});

testOnPostgres(() => s);

test('an authenticated identity assumes the role; its credentials sign calls its policy allows and no others', async () => {
  const out = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'CognitoIdentityCredentials', WebIdentityToken: await token(['authenticated', 'cognito-idp.us-east-1.amazonaws.com/us-east-1_X']) }));
  const c = out.Credentials!;
  assert.match(c.AccessKeyId!, /^ASIA/);
  assert.equal(out.SubjectFromWebIdentityToken, identityId);
  assert.equal(out.AssumedRoleUser!.Arn, 'arn:aws:sts::000000000000:assumed-role/Cognito_Auth/CognitoIdentityCredentials');
  const left = c.Expiration!.getTime() - s.deps.clock.now();
  assert.ok(left > 3599_000 && left <= 3600_000, `expires in an hour (${left} ms)`);
  const credentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };

  const asRole = new STSClient({ region: 'us-east-1', endpoint: s.url, credentials, maxAttempts: 1 });
  const me = await asRole.send(new GetCallerIdentityCommand({}));
  asRole.destroy();
  assert.equal(me.Arn, 'arn:aws:sts::000000000000:assumed-role/Cognito_Auth/CognitoIdentityCredentials');

  const poolA = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'a' }))).UserPool!.Id!;
  const poolB = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'b' }))).UserPool!.Id!;
  const idp = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: s.url, credentials, maxAttempts: 1 });
  const denied = await awsErrorOf(() => idp.send(new DescribeUserPoolCommand({ UserPoolId: poolA })));
  assert.equal(denied.name, 'AccessDeniedException');
  assert.match(denied.message, /assumed-role\/Cognito_Auth\/CognitoIdentityCredentials is not authorized to perform: cognito-idp:DescribeUserPool/);

  await iam.send(new PutRolePolicyCommand({ RoleName: 'Cognito_Auth', PolicyName: 'read-a', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [
    { Effect: 'Allow', Action: 'cognito-idp:Describe*', Resource: `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${poolA}` },
  ] }) }));
  assert.equal((await idp.send(new DescribeUserPoolCommand({ UserPoolId: poolA }))).UserPool!.Id, poolA);
  assert.equal((await awsErrorOf(() => idp.send(new DescribeUserPoolCommand({ UserPoolId: poolB })))).name, 'AccessDeniedException');
  assert.equal((await awsErrorOf(() => idp.send(new ListUserPoolsCommand({ MaxResults: 10 })))).name, 'AccessDeniedException');
  // a policy change applies at once
  await iam.send(new DeleteRolePolicyCommand({ RoleName: 'Cognito_Auth', PolicyName: 'read-a' }));
  assert.equal((await awsErrorOf(() => idp.send(new DescribeUserPoolCommand({ UserPoolId: poolA })))).name, 'AccessDeniedException');
  idp.destroy();
});

test('refused: an unauthenticated token for the authenticated role, a forged token, an expired one, a role that does not trust the pool', async () => {
  const guestToken = await token(['unauthenticated']);
  const guest = await awsErrorOf(() => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'sess', WebIdentityToken: guestToken })));
  assert.deepEqual([guest.name, guest.status], ['AccessDenied', 403]);
  const t = await token(['authenticated']);
  const forged = t.slice(0, -4) + (t.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  assert.equal((await awsErrorOf(() => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'sess', WebIdentityToken: forged })))).name, 'InvalidIdentityTokenException');
  const old = await token(['authenticated'], 1);
  (s.deps.clock as FixedClock).advance(5_000);
  assert.equal((await awsErrorOf(() => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'sess', WebIdentityToken: old })))).name, 'ExpiredTokenException');
  const other = (await iam.send(new CreateRoleCommand({ RoleName: 'OtherPool', AssumeRolePolicyDocument: trust('us-east-1:other', 'authenticated') }))).Role!.Arn!;
  assert.equal((await awsErrorOf(() => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: other, RoleSessionName: 'sess', WebIdentityToken: t })))).name, 'AccessDenied');
});


test('after an identity-key rotation a token signed before still assumes the role; with --revoke it is refused', async () => {
  const old = await token(['authenticated']);
  await rotateIdentityKey(s.deps);
  const fresh = await token(['authenticated']);
  assert.notEqual(decodeProtectedHeader(fresh).kid, decodeProtectedHeader(old).kid);
  for (const t of [old, fresh]) {
    const out = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'sess', WebIdentityToken: t }));
    assert.match(out.Credentials!.AccessKeyId!, /^ASIA/);
  }
  await rotateIdentityKey(s.deps, { revoke: true });
  for (const t of [old, fresh]) {
    const e = await awsErrorOf(() => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'sess', WebIdentityToken: t })));
    assert.deepEqual([e.name, e.status], ['InvalidIdentityTokenException', 400]);
  }
});
