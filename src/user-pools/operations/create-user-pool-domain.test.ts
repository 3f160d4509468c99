import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOutput } from '../../protocol/validate.ts';
import op from './create-user-pool-domain.ts';
import { CERT, ctx, errorOf, model, poolFixture, quickPool, type TestDeps } from '../../../test/support/fixtures.ts';

let deps: TestDeps;
let poolId: string;
let otherPoolId: string;

before(async () => {
  ({ deps, poolId } = await poolFixture({ publicUrl: 'https://auth.cognate.test:9330' }));
  otherPoolId = await quickPool(deps, 'us-east-1_other0001');
});

test('a prefix domain answers only ManagedLoginVersion', async () => {
  const out = await op.handle({ UserPoolId: poolId, Domain: 'my-app' }, deps, ctx);
  assert.deepEqual(out, { ManagedLoginVersion: 1 });
  assert.deepEqual(checkOutput(model, 'CreateUserPoolDomain', out), []);
  const d = (await deps.store.domains.get('my-app'))!;
  assert.equal(d.poolId, poolId);
  assert.equal(d.custom, false);
});

test('one prefix domain per pool, and a name taken by any pool is refused', async () => {
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: poolId, Domain: 'my-app-two' }, deps, ctx)), [
    'InvalidParameterException',
    'User pool already has a domain configured.',
  ]);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: otherPoolId, Domain: 'my-app' }, deps, ctx)), [
    'InvalidParameterException',
    'Domain already associated with another user pool',
  ]);
});

test('prefixes with reserved words are refused', async () => {
  for (const d of ['my-aws-app', 'amazonian', 'mycognito']) {
    const [name, message] = await errorOf(op.handle({ UserPoolId: otherPoolId, Domain: d }, deps, ctx));
    assert.equal(name, 'InvalidParameterException');
    assert.match(message, /reserved word/);
  }
});

test('a custom domain answers its alias target and sits beside the prefix domain', async () => {
  const out = await op.handle(
    { UserPoolId: poolId, Domain: 'auth.example.com', CustomDomainConfig: { CertificateArn: CERT }, ManagedLoginVersion: 2 },
    deps,
    ctx,
  );
  assert.deepEqual(out, { ManagedLoginVersion: 2, CloudFrontDomain: 'auth.cognate.test:9330' });
  assert.deepEqual(checkOutput(model, 'CreateUserPoolDomain', out), []);
  assert.equal((await deps.store.domains.get('auth.example.com'))!.custom, true);
  assert.deepEqual(
    await errorOf(op.handle({ UserPoolId: poolId, Domain: 'login.example.com', CustomDomainConfig: { CertificateArn: CERT } }, deps, ctx)),
    ['InvalidParameterException', 'User pool already has a domain configured.'],
  );
});

test('bad ManagedLoginVersion and unknown pools are refused', async () => {
  const [name] = await errorOf(op.handle({ UserPoolId: otherPoolId, Domain: 'other-app', ManagedLoginVersion: 3 }, deps, ctx));
  assert.equal(name, 'InvalidParameterException');
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_zzzzzzzzz', Domain: 'other-app' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_zzzzzzzzz does not exist.',
  ]);
});
