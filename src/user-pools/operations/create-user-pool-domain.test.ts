import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import createUserPool from './create-user-pool.ts';
import op from './create-user-pool-domain.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000';
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let poolId: string;
let otherPoolId: string;

before(async () => {
  deps = await makeTestDeps({ clock: new FixedClock(), config: { publicUrl: 'https://auth.cognate.test:9330' } });
  poolId = (await createUserPool.handle({ PoolName: 'p' }, deps, ctx)).UserPool!.Id!;
  otherPoolId = await quickPool(deps, 'us-east-1_other0001');
});

/** Another pool, inserted straight into the store (no signing keys: cheaper than CreateUserPool). */
async function quickPool(deps: Awaited<ReturnType<typeof makeTestDeps>>, id: string): Promise<string> {
  const now = deps.clock.now();
  const arn = `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${id}`;
  await deps.store.pools.create({ id, name: id, arn, createdAt: now, updatedAt: now, version: 1, settings: {}, tags: {} }, [], 1000);
  return id;
}

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    return [(e as { code?: string }).code ?? String(e), (e as Error).message];
  }
  assert.fail('expected an error');
}

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
