import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import createUserPool from './create-user-pool.ts';
import createDomain from './create-user-pool-domain.ts';
import describe from './describe-user-pool-domain.ts';
import op from './update-user-pool-domain.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000';
const CERT2 = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-1111-1111-1111-111111111111';
const clock = new FixedClock();
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let poolId: string;
let otherPoolId: string;

before(async () => {
  deps = await makeTestDeps({ clock, config: { publicUrl: 'https://auth.cognate.test' } });
  poolId = (await createUserPool.handle({ PoolName: 'p' }, deps, ctx)).UserPool!.Id!;
  otherPoolId = await quickPool(deps, 'us-east-1_other0001');
  await createDomain.handle({ UserPoolId: poolId, Domain: 'my-app' }, deps, ctx);
  await createDomain.handle({ UserPoolId: poolId, Domain: 'auth.example.com', CustomDomainConfig: { CertificateArn: CERT } }, deps, ctx);
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
