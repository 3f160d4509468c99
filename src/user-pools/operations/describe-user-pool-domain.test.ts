import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOutput } from '../../protocol/validate.ts';
import op from './describe-user-pool-domain.ts';
import { CERT, createTestDomains, ctx, model, poolFixture, type TestDeps } from '../../../test/support/fixtures.ts';

let deps: TestDeps;
let poolId: string;

before(async () => {
  // 2026-11-22T12:00:00Z
  ({ deps, poolId } = await poolFixture({ publicUrl: 'https://auth.cognate.test', accountId: '123456789012' }));
  await createTestDomains(deps, poolId);
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
