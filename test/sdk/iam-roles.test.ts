// IAM roles and inline policies over the Query protocol, driven by the real @aws-sdk/client-iam.
// The SDK names modeled errors by their shape (EntityAlreadyExistsException for the wire code EntityAlreadyExists): a
// name ending in Exception below proves the wire code matched IAM's model.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient, CreateRoleCommand, GetRoleCommand, ListRolesCommand, UpdateAssumeRolePolicyCommand, DeleteRoleCommand,
  PutRolePolicyCommand, GetRolePolicyCommand, ListRolePoliciesCommand, DeleteRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { FixedClock } from '../../src/runtime/clock.ts';

let s: TestServer;
let iam: IAMClient;
const trust = (aud: string) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': aud }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } } }],
});
const uploads = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::uploads/${cognito-identity.amazonaws.com:sub}/*'] }] });

before(async () => {
  s = await startServerOnStoreUnderTest(new FixedClock(Date.now()), 'cognate_iam');
  iam = new IAMClient({ region: s.deps.config.region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
});
after(async () => {
  iam.destroy();
  await s.close();
});

testOnPostgres(() => s);

test('create, get and list roles; names unique case-insensitively; the trust policy round-trips', async () => {
  const created = await iam.send(new CreateRoleCommand({ RoleName: 'Cognito_AppAuth_Role', AssumeRolePolicyDocument: trust('us-east-1:a'), Description: 'signed-in users' }));
  const r = created.Role!;
  assert.equal(r.RoleName, 'Cognito_AppAuth_Role');
  assert.equal(r.Arn, `arn:aws:iam::${s.deps.config.accountId}:role/Cognito_AppAuth_Role`);
  assert.match(r.RoleId!, /^AROA[A-Z0-9]{17}$/);
  assert.equal(r.Path, '/');
  assert.equal(r.MaxSessionDuration, 3600);
  assert.ok(r.CreateDate instanceof Date);
  assert.deepEqual(JSON.parse(decodeURIComponent(r.AssumeRolePolicyDocument!)), JSON.parse(trust('us-east-1:a')));

  const got = (await iam.send(new GetRoleCommand({ RoleName: 'cognito_appauth_role' }))).Role!;
  assert.equal(got.RoleId, r.RoleId);
  assert.equal(got.Description, 'signed-in users');

  const dup = await awsErrorOf(() => iam.send(new CreateRoleCommand({ RoleName: 'COGNITO_APPAUTH_ROLE', AssumeRolePolicyDocument: trust('x') })));
  assert.equal(dup.name, 'EntityAlreadyExistsException');
  assert.equal(dup.status, 409);

  await iam.send(new CreateRoleCommand({ RoleName: 'guest', Path: '/cognito/', AssumeRolePolicyDocument: trust('us-east-1:a'), MaxSessionDuration: 7200 }));
  await iam.send(new CreateRoleCommand({ RoleName: 'other', AssumeRolePolicyDocument: trust('us-east-1:a') }));
  const first = await iam.send(new ListRolesCommand({ MaxItems: 2 }));
  assert.deepEqual(first.Roles!.map((x) => x.RoleName), ['Cognito_AppAuth_Role', 'guest']);
  assert.equal(first.IsTruncated, true);
  const second = await iam.send(new ListRolesCommand({ MaxItems: 2, Marker: first.Marker }));
  assert.deepEqual(second.Roles!.map((x) => x.RoleName), ['other']);
  assert.equal(second.IsTruncated, false);
  const byPath = await iam.send(new ListRolesCommand({ PathPrefix: '/cognito/' }));
  assert.deepEqual(byPath.Roles!.map((x) => [x.RoleName, x.Arn, x.MaxSessionDuration]), [['guest', `arn:aws:iam::${s.deps.config.accountId}:role/cognito/guest`, 7200]]);

  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'other', PolicyDocument: trust('us-east-1:b') }));
  const updated = (await iam.send(new GetRoleCommand({ RoleName: 'other' }))).Role!;
  assert.match(decodeURIComponent(updated.AssumeRolePolicyDocument!), /us-east-1:b/);
});

test('inline policies: put, get, list, replace, delete; a role with policies cannot be deleted', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'uploader', AssumeRolePolicyDocument: trust('us-east-1:a') }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'uploader', PolicyName: 'own-folder', PolicyDocument: uploads }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'uploader', PolicyName: 'another', PolicyDocument: uploads }));
  const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'uploader', PolicyName: 'own-folder' }));
  assert.equal(got.PolicyName, 'own-folder');
  assert.deepEqual(JSON.parse(decodeURIComponent(got.PolicyDocument!)), JSON.parse(uploads));
  assert.deepEqual((await iam.send(new ListRolePoliciesCommand({ RoleName: 'uploader' }))).PolicyNames, ['another', 'own-folder']);

  const conflict = await awsErrorOf(() => iam.send(new DeleteRoleCommand({ RoleName: 'uploader' })));
  assert.deepEqual([conflict.name, conflict.message, conflict.status], ['DeleteConflictException', 'Cannot delete entity, must delete policies first.', 409]);

  await iam.send(new DeleteRolePolicyCommand({ RoleName: 'uploader', PolicyName: 'another' }));
  await iam.send(new DeleteRolePolicyCommand({ RoleName: 'uploader', PolicyName: 'own-folder' }));
  const gone = await awsErrorOf(() => iam.send(new GetRolePolicyCommand({ RoleName: 'uploader', PolicyName: 'own-folder' })));
  assert.deepEqual([gone.name, gone.message, gone.status], ['NoSuchEntityException', 'The role policy with name own-folder cannot be found.', 404]);
  await iam.send(new DeleteRoleCommand({ RoleName: 'uploader' }));
  const noRole = await awsErrorOf(() => iam.send(new GetRoleCommand({ RoleName: 'uploader' })));
  assert.deepEqual([noRole.name, noRole.message], ['NoSuchEntityException', 'The role with name uploader cannot be found.']);
  const putOnMissing = await awsErrorOf(() => iam.send(new PutRolePolicyCommand({ RoleName: 'uploader', PolicyName: 'p', PolicyDocument: uploads })));
  assert.equal(putOnMissing.name, 'NoSuchEntityException');
});

test('bad input is refused with IAM error names and changes nothing', async () => {
  const bad = await awsErrorOf(() => iam.send(new CreateRoleCommand({ RoleName: 'bad name!', AssumeRolePolicyDocument: trust('a') })));
  assert.equal(bad.name, 'ValidationError');
  assert.match(bad.message, /roleName/);
  const malformed = await awsErrorOf(() => iam.send(new CreateRoleCommand({ RoleName: 'malformed', AssumeRolePolicyDocument: '{"Statement":' })));
  assert.equal(malformed.name, 'MalformedPolicyDocumentException');
  assert.equal((await awsErrorOf(() => iam.send(new GetRoleCommand({ RoleName: 'malformed' })))).name, 'NoSuchEntityException');
  const effect = await awsErrorOf(() => iam.send(new CreateRoleCommand({ RoleName: 'x1', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Perhaps","Action":"*"}]}' })));
  assert.equal(effect.name, 'MalformedPolicyDocumentException');
  // A permission policy must name resources and no principal; a trust policy the reverse.
  const noResource = await awsErrorOf(() => iam.send(new PutRolePolicyCommand({ RoleName: 'uploader', PolicyName: 'p2', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}' })));
  assert.equal(noResource.name, 'MalformedPolicyDocumentException');
  assert.equal(noResource.message, 'Policy statement must contain resources.');
  const withPrincipal = await awsErrorOf(() => iam.send(new PutRolePolicyCommand({ RoleName: 'uploader', PolicyName: 'p3', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}' })));
  assert.equal(withPrincipal.message, 'Policy document should not specify a principal.');
  const trustResource = await awsErrorOf(() => iam.send(new CreateRoleCommand({ RoleName: 'x3', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity","Resource":"*"}]}' })));
  assert.equal(trustResource.message, 'Has prohibited field Resource');
  assert.equal((await awsErrorOf(() => iam.send(new GetRoleCommand({ RoleName: 'x3' })))).name, 'NoSuchEntityException');
  const duration = await awsErrorOf(() => iam.send(new CreateRoleCommand({ RoleName: 'x2', AssumeRolePolicyDocument: trust('a'), MaxSessionDuration: 60 })));
  assert.equal(duration.name, 'ValidationError');
  const marker = await awsErrorOf(() => iam.send(new ListRolesCommand({ Marker: 'not-a-marker' })));
  assert.equal(marker.name, 'ValidationError');
});

test('IAM calls need the admin signature', async () => {
  const stranger = new IAMClient({ region: s.deps.config.region, endpoint: s.url, credentials: { accessKeyId: 'AKIASTRANGER0000000', secretAccessKey: 'z'.repeat(40) }, maxAttempts: 1 });
  const e = await awsErrorOf(() => stranger.send(new ListRolesCommand({})));
  stranger.destroy();
  assert.equal(e.name, 'InvalidClientTokenId');
});
