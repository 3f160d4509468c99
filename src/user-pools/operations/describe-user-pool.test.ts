import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import createUserPool from './create-user-pool.ts';
import op from './describe-user-pool.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const clock = new FixedClock();
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
before(async () => {
  deps = await makeTestDeps({ clock });
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.DescribeUserPool!.errors.includes(code), `${code} is not declared for DescribeUserPool`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('describes the pool as CreateUserPool answered, in modelled members only', async () => {
  const created = (await createUserPool.handle({ PoolName: 'd', UserPoolTags: { a: 'b' } }, deps, ctx)).UserPool!;
  const out = await op.handle({ UserPoolId: created.Id! }, deps, ctx);
  assert.deepEqual(out.UserPool, created);
  assert.deepEqual(out.UserPool!.UserPoolTags, { a: 'b' });
  assert.deepEqual(checkOutput(model, 'DescribeUserPool', out), []);
});

test("shows the pool's prefix and custom domains", async () => {
  const id = (await createUserPool.handle({ PoolName: 'dom' }, deps, ctx)).UserPool!.Id!;
  const t = clock.now();
  await deps.store.domains.create({ domain: 'my-prefix', poolId: id, custom: false, createdAt: t, updatedAt: t, settings: {} });
  await deps.store.domains.create({ domain: 'auth.example.com', poolId: id, custom: true, createdAt: t, updatedAt: t, settings: {} });
  const p = (await op.handle({ UserPoolId: id }, deps, ctx)).UserPool!;
  assert.equal(p.Domain, 'my-prefix');
  assert.equal(p.CustomDomain, 'auth.example.com');
});

test('EstimatedNumberOfUsers counts the users of the pool', async () => {
  const id = (await createUserPool.handle({ PoolName: 'users' }, deps, ctx)).UserPool!.Id!;
  assert.equal((await op.handle({ UserPoolId: id }, deps, ctx)).UserPool!.EstimatedNumberOfUsers, 0);
  const t = clock.now();
  for (const username of ['ann', 'bob'])
    await deps.store.users.create({
      poolId: id,
      username,
      usernameKey: username,
      sub: `00000000-0000-4000-8000-00000000000${username.length}${username[0] === 'a' ? 1 : 2}`,
      status: 'CONFIRMED',
      enabled: true,
      attributes: {},
      credentialsSealed: null,
      mfa: {},
      passwordSetAt: null,
      createdAt: t,
      updatedAt: t,
      version: 1,
    });
  assert.equal((await op.handle({ UserPoolId: id }, deps, ctx)).UserPool!.EstimatedNumberOfUsers, 2);
});

test('a pool record with bare settings still describes with the defaults', async () => {
  const t = clock.now();
  await deps.store.pools.create({ id: 'us-east-1_bare', name: 'bare', arn: 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_bare', createdAt: t, updatedAt: t, version: 1, settings: {}, tags: {} }, [], 1000);
  const p = (await op.handle({ UserPoolId: 'us-east-1_bare' }, deps, ctx)).UserPool!;
  assert.equal(p.MfaConfiguration, 'OFF');
  assert.equal(p.SchemaAttributes!.length, 20);
  assert.equal(p.UserPoolTier, 'ESSENTIALS');
});

test('an unknown pool is ResourceNotFoundException', async () => {
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_nope' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_nope does not exist.',
  ]);
});
