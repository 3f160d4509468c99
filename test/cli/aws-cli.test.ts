// The AWS CLI (botocore: its own SigV4 signer and JSON parser) against a real server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noAwsCli, runAws } from '../support/aws-cli.ts';
import { startTestServer } from '../support/server.ts';
import { keyPair, metadata } from '../support/saml-idp.ts';

const run = runAws;
const hasAws = noAwsCli === false;

test('aws cognito-idp: create, list and describe pools, clients and domains; errors come back by name', { skip: hasAws ? false : 'the aws CLI is not installed' }, async () => {
  const s = await startTestServer();
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: s.deps.admin.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s.deps.admin.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  const aws = async (...args: string[]) => JSON.parse((await run(['cognito-idp', ...args, '--endpoint-url', s.url, '--output', 'json'], { env })).stdout || '{}');
  try {
    const created = await aws('create-user-pool', '--pool-name', 'demo');
    const id = created.UserPool.Id as string;
    assert.match(id, /^us-east-1_[0-9A-Za-z]{9}$/);
    const listed = await aws('list-user-pools', '--max-results', '10');
    assert.deepEqual(listed.UserPools.map((p: { Id: string }) => p.Id), [id]);
    const client = await aws('create-user-pool-client', '--user-pool-id', id, '--client-name', 'web', '--generate-secret');
    assert.match(client.UserPoolClient.ClientId, /^[a-z0-9]{26}$/);
    assert.match(client.UserPoolClient.ClientSecret, /^[a-z0-9]{52}$/);
    await aws('create-user-pool-domain', '--user-pool-id', id, '--domain', 'demo-cli');
    const d = await aws('describe-user-pool-domain', '--domain', 'demo-cli');
    assert.equal(d.DomainDescription.UserPoolId, id);

    const err = await run(['cognito-idp', 'describe-user-pool', '--user-pool-id', 'us-east-1_missing1', '--endpoint-url', s.url], { env }).catch((e) => e);
    assert.notEqual(err.code, 0);
    assert.match(err.stderr, /ResourceNotFoundException.*User pool us-east-1_missing1 does not exist\./);
    const bad = await run(['cognito-idp', 'list-user-pools', '--max-results', '61', '--endpoint-url', s.url], { env }).catch((e) => e);
    assert.match(bad.stderr, /InvalidParameterException.*Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60/);
  } finally {
    await s.close();
  }
});

test('aws iam: an OpenID Connect provider for identity pools registered, read, listed and deleted', { skip: hasAws ? false : 'the aws CLI is not installed' }, async () => {
  const s = await startTestServer();
  const env = { ...process.env, AWS_ACCESS_KEY_ID: s.deps.admin.accessKeyId, AWS_SECRET_ACCESS_KEY: s.deps.admin.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
  const iam = async (...args: string[]) => JSON.parse((await run(['iam', ...args, '--endpoint-url', s.url, '--output', 'json'], { env })).stdout || '{}');
  try {
    const { OpenIDConnectProviderArn: arn } = await iam('create-open-id-connect-provider', '--url', 'http://127.0.0.1:8080/tenant', '--client-id-list', 'my-app', 'other-app');
    assert.equal(arn, `arn:aws:iam::${s.deps.config.accountId}:oidc-provider/127.0.0.1:8080/tenant`);
    const got = await iam('get-open-id-connect-provider', '--open-id-connect-provider-arn', arn);
    assert.equal(got.Url, '127.0.0.1:8080/tenant');
    assert.deepEqual(got.ClientIDList, ['my-app', 'other-app']);
    assert.deepEqual((await iam('list-open-id-connect-providers')).OpenIDConnectProviderList, [{ Arn: arn }]);
    await iam('delete-open-id-connect-provider', '--open-id-connect-provider-arn', arn);
    const err = await run(['iam', 'get-open-id-connect-provider', '--open-id-connect-provider-arn', arn, '--endpoint-url', s.url], { env }).catch((e) => e);
    assert.match(err.stderr, /NoSuchEntity/);
  } finally {
    await s.close();
  }
});

test('aws iam: a SAML provider for identity pools created, read, listed, updated and deleted', { skip: hasAws ? false : 'the aws CLI is not installed' }, async () => {
  const s = await startTestServer();
  const env = { ...process.env, AWS_ACCESS_KEY_ID: s.deps.admin.accessKeyId, AWS_SECRET_ACCESS_KEY: s.deps.admin.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
  const iam = async (...args: string[]) => JSON.parse((await run(['iam', ...args, '--endpoint-url', s.url, '--output', 'json'], { env })).stdout || '{}');
  const doc = metadata('https://idp.example.com/saml', keyPair('idp.example.com').cert);
  try {
    const { SAMLProviderArn: arn } = await iam('create-saml-provider', '--name', 'Corp', '--saml-metadata-document', doc);
    assert.equal(arn, `arn:aws:iam::${s.deps.config.accountId}:saml-provider/Corp`);
    assert.equal((await iam('get-saml-provider', '--saml-provider-arn', arn)).SAMLMetadataDocument, doc);
    assert.deepEqual((await iam('list-saml-providers')).SAMLProviderList.map((p: { Arn: string }) => p.Arn), [arn]);
    assert.equal((await iam('update-saml-provider', '--saml-provider-arn', arn, '--saml-metadata-document', doc)).SAMLProviderArn, arn);
    const bad = await run(['iam', 'create-saml-provider', '--name', 'Bad', '--saml-metadata-document', 'x'.repeat(1200), '--endpoint-url', s.url], { env }).catch((e) => e);
    assert.match(bad.stderr, /InvalidInput.*Could not parse metadata/);
    await iam('delete-saml-provider', '--saml-provider-arn', arn);
    const err = await run(['iam', 'get-saml-provider', '--saml-provider-arn', arn, '--endpoint-url', s.url], { env }).catch((e) => e);
    assert.match(err.stderr, /NoSuchEntity.*Manifest not found for arn/);
  } finally {
    await s.close();
  }
});
