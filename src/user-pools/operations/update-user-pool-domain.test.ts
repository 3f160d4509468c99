import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FixedClock } from '../../runtime/clock.ts';
import { checkOutput } from '../../protocol/validate.ts';
import describe from './describe-user-pool-domain.ts';
import op from './update-user-pool-domain.ts';
import { CERT, createTestDomains, ctx, errorOf, model, poolFixture, quickPool, type TestDeps } from '../../../test/support/fixtures.ts';

const CERT2 = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-1111-1111-1111-111111111111';
let clock: FixedClock;
let deps: TestDeps;
let poolId: string;
let otherPoolId: string;

before(async () => {
  ({ deps, clock, poolId } = await poolFixture({ publicUrl: 'https://auth.cognate.test' }));
  otherPoolId = await quickPool(deps, 'us-east-1_other0001');
  await createTestDomains(deps, poolId);
});

test('changes the managed login version and bumps Version', async () => {
  clock.advance(61_000);
  const out = await op.handle({ UserPoolId: poolId, Domain: 'my-app', ManagedLoginVersion: 2 }, deps, ctx);
  assert.deepEqual(out, { ManagedLoginVersion: 2 });
  assert.deepEqual(checkOutput(model, 'UpdateUserPoolDomain', out), []);
  const d = (await describe.handle({ Domain: 'my-app' }, deps, ctx)).DomainDescription!;
  assert.equal(d.ManagedLoginVersion, 2);
  assert.equal(d.Version, '20261122120101');
});

test("changes a custom domain's certificate", async () => {
  const out = await op.handle({ UserPoolId: poolId, Domain: 'auth.example.com', CustomDomainConfig: { CertificateArn: CERT2 } }, deps, ctx);
  assert.deepEqual(out, { ManagedLoginVersion: 1, CloudFrontDomain: 'auth.cognate.test' });
  const d = (await describe.handle({ Domain: 'auth.example.com' }, deps, ctx)).DomainDescription!;
  assert.deepEqual(d.CustomDomainConfig, { CertificateArn: CERT2 });
});

test('a domain the pool does not own, or a certificate for a prefix domain, is refused', async () => {
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: otherPoolId, Domain: 'my-app', ManagedLoginVersion: 1 }, deps, ctx)), [
    'InvalidParameterException',
    'No such domain or user pool exists.',
  ]);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: poolId, Domain: 'not-there' }, deps, ctx)), [
    'InvalidParameterException',
    'No such domain or user pool exists.',
  ]);
  const [name] = await errorOf(op.handle({ UserPoolId: poolId, Domain: 'my-app', CustomDomainConfig: { CertificateArn: CERT } }, deps, ctx));
  assert.equal(name, 'InvalidParameterException');
});
