import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { Store } from '../../storage/store.ts';
import createUserPool from './create-user-pool.ts';
import describeUserPool from './describe-user-pool.ts';
import setUserPoolMfaConfig from './set-user-pool-mfa-config.ts';
import op from './update-user-pool.ts';
import type { CreateUserPoolRequest } from '../shapes.ts';

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
    assert.ok(model.operations.UpdateUserPool!.errors.includes(code), `${code} is not declared for UpdateUserPool`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

const newPool = async (over: Partial<CreateUserPoolRequest> = {}) =>
  (await createUserPool.handle({ PoolName: 'u', ...over }, deps, ctx)).UserPool!.Id!;
const describe = async (id: string) => (await describeUserPool.handle({ UserPoolId: id }, deps, ctx)).UserPool!;

test('sets what it is given, resets what it is not, keeps the schema and sign-in attributes', async () => {
  const id = await newPool({
    UsernameAttributes: ['email'],
    Schema: [{ Name: 'tenant', AttributeDataType: 'String' }],
    DeletionProtection: 'ACTIVE',
    AutoVerifiedAttributes: ['email'],
    Policies: { PasswordPolicy: { MinimumLength: 20 } },
    LambdaConfig: { PreSignUp: 'arn:aws:lambda:us-east-1:000000000000:function:f' },
    UserPoolTags: { keep: 'me' },
  });
  const before = await describe(id);
  clock.advance(60_000);
  const out = await op.handle({ UserPoolId: id, PoolName: 'renamed', AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } }, deps, ctx);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'UpdateUserPool', out), []);
  const after = await describe(id);
  assert.equal(after.Name, 'renamed');
  assert.deepEqual(after.AdminCreateUserConfig, { AllowAdminCreateUserOnly: true, UnusedAccountValidityDays: 7 });
  // Left out, so back to the defaults ("If you don't provide a value for an attribute, it will be set to the default value").
  assert.equal(after.DeletionProtection, 'INACTIVE');
  assert.equal(after.AutoVerifiedAttributes, undefined);
  assert.deepEqual(after.LambdaConfig, {});
  assert.equal(after.Policies!.PasswordPolicy!.MinimumLength, 8);
  // Not updatable, so kept.
  assert.deepEqual(after.SchemaAttributes, before.SchemaAttributes);
  assert.deepEqual(after.UsernameAttributes, ['email']);
  assert.deepEqual(after.UserPoolTags, { keep: 'me' });
  assert.equal(after.CreationDate, before.CreationDate);
  assert.equal(after.LastModifiedDate, before.LastModifiedDate! + 60);
  assert.equal((await deps.store.pools.get(id))!.version, 2);
});

test('UserPoolTags given replace the tags', async () => {
  const id = await newPool({ UserPoolTags: { a: '1' } });
  await op.handle({ UserPoolId: id, UserPoolTags: { b: '2' } }, deps, ctx);
  assert.deepEqual((await describe(id)).UserPoolTags, { b: '2' });
});

test('MFA ON needs a factor: an SMS configuration in the request, or TOTP set before', async () => {
  const id = await newPool();
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: id, MfaConfiguration: 'ON' }, deps, ctx)), [
    'InvalidParameterException',
    'SMS configuration and Auto verification for phone_number are required when MFA is required/optional',
  ]);
  await setUserPoolMfaConfig.handle({ UserPoolId: id, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }, deps, ctx);
  await op.handle({ UserPoolId: id, MfaConfiguration: 'ON' }, deps, ctx);
  assert.equal((await describe(id)).MfaConfiguration, 'ON');
  // Left out, MfaConfiguration goes back to OFF; the TOTP factor stays configured.
  await op.handle({ UserPoolId: id }, deps, ctx);
  assert.equal((await describe(id)).MfaConfiguration, 'OFF');
});

test('an unknown pool is ResourceNotFoundException', async () => {
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_nope' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_nope does not exist.',
  ]);
});

test('a write that loses the race to another is ConcurrentModificationException', async () => {
  const id = await newPool();
  const racing: Store = {
    ...deps.store,
    pools: {
      ...deps.store.pools,
      async update(p) {
        // Another server writes the pool between our read and our write.
        const cur = (await deps.store.pools.get(p.id))!;
        await deps.store.pools.update({ ...cur, version: cur.version + 1 });
        return deps.store.pools.update(p);
      },
    },
  };
  assert.equal((await errorOf(op.handle({ UserPoolId: id }, { ...deps, store: racing }, ctx)))[0], 'ConcurrentModificationException');
});
