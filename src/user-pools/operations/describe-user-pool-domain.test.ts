import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import createUserPool from './create-user-pool.ts';
import createDomain from './create-user-pool-domain.ts';
import op from './describe-user-pool-domain.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000';
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let poolId: string;

before(async () => {
  // 2026-11-22T12:00:00Z
  deps = await makeTestDeps({ clock: new FixedClock(), config: { publicUrl: 'https://auth.cognate.test', accountId: '123456789012' } });
  poolId = (await createUserPool.handle({ PoolName: 'p' }, deps, ctx)).UserPool!.Id!;
  await createDomain.handle({ UserPoolId: poolId, Domain: 'my-app' }, deps, ctx);
  await createDomain.handle({ UserPoolId: poolId, Domain: 'auth.example.com', CustomDomainConfig: { CertificateArn: CERT } }, deps, ctx);
});

test('a prefix domain', async () => {
  const out = await op.handle({ Domain: 'my-app' }, deps, ctx);
  assert.deepEqual(out, {
    DomainDescription: {
      UserPoolId: poolId,
      AWSAccountId: '123456789012',
      Domain: 'my-app',
      CloudFrontDistribution: 'auth.cognate.test',
      Version: '20261122120000',
      Status: 'ACTIVE',
      ManagedLoginVersion: 1,
    },
  });
  assert.deepEqual(checkOutput(model, 'DescribeUserPoolDomain', out), []);
});

test('a custom domain carries its CustomDomainConfig', async () => {
  const out = await op.handle({ Domain: 'auth.example.com' }, deps, ctx);
  assert.deepEqual(out.DomainDescription!.CustomDomainConfig, { CertificateArn: CERT });
  assert.equal(out.DomainDescription!.Domain, 'auth.example.com');
});

test('an unknown domain answers an empty description, not an error', async () => {
  assert.deepEqual(await op.handle({ Domain: 'nobody-here' }, deps, ctx), { DomainDescription: {} });
});
