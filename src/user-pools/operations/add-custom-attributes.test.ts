import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import { MAX_CUSTOM_ATTRIBUTES } from '../domain/pool-schema.ts';
import createUserPool from './create-user-pool.ts';
import describeUserPool from './describe-user-pool.ts';
import op from './add-custom-attributes.ts';
import type { SchemaAttributeType } from '../shapes.ts';

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
    assert.ok(model.operations.AddCustomAttributes!.errors.includes(code), `${code} is not declared for AddCustomAttributes`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

const newPool = async (Schema?: SchemaAttributeType[]) => (await createUserPool.handle({ PoolName: 'c', Schema }, deps, ctx)).UserPool!.Id!;
const schemaOf = async (id: string) => (await describeUserPool.handle({ UserPoolId: id }, deps, ctx)).UserPool!.SchemaAttributes!;

test('adds custom:<name> attributes after the existing ones', async () => {
  const id = await newPool([{ Name: 'first', AttributeDataType: 'String' }]);
  clock.advance(1000);
  const out = await op.handle(
    { UserPoolId: id, CustomAttributes: [{ Name: 'plan', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MaxLength: '32' } }, { Name: 'seen', AttributeDataType: 'DateTime' }] },
    deps,
    ctx,
  );
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'AddCustomAttributes', out), []);
  const schema = await schemaOf(id);
  assert.deepEqual(schema.slice(20).map((a) => a.Name), ['custom:first', 'custom:plan', 'custom:seen']);
  assert.deepEqual(schema[21], {
    Name: 'custom:plan',
    AttributeDataType: 'String',
    DeveloperOnlyAttribute: false,
    Mutable: true,
    Required: false,
    StringAttributeConstraints: { MaxLength: '32' },
  });
  assert.equal((await deps.store.pools.get(id))!.updatedAt, clock.now());
});

test('a name the pool has already is refused with Cognito’s message', async () => {
  const id = await newPool([{ Name: 'dup', AttributeDataType: 'String' }]);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: id, CustomAttributes: [{ Name: 'dup', AttributeDataType: 'Number' }] }, deps, ctx)), [
    'InvalidParameterException',
    'custom:dup: Existing attribute already has name custom:dup.',
  ]);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: id, CustomAttributes: [{ Name: 'req', AttributeDataType: 'String', Required: true }] }, deps, ctx)), [
    'InvalidParameterException',
    'Required custom attributes are not supported currently.',
  ]);
});

test(`no more than ${MAX_CUSTOM_ATTRIBUTES} custom attributes per pool`, async () => {
  const id = await newPool();
  const attrs = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ Name: `a${from + i}`, AttributeDataType: 'String' as const }));
  await op.handle({ UserPoolId: id, CustomAttributes: attrs(0, 25) }, deps, ctx);
  await op.handle({ UserPoolId: id, CustomAttributes: attrs(25, 25) }, deps, ctx);
  const [code, message] = await errorOf(op.handle({ UserPoolId: id, CustomAttributes: attrs(50, 1) }, deps, ctx));
  assert.equal(code, 'InvalidParameterException');
  assert.match(message, /at most 50 custom attributes/);
  assert.equal((await schemaOf(id)).length, 70);
});

test('an unknown pool is ResourceNotFoundException', async () => {
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_nope', CustomAttributes: [{ Name: 'x', AttributeDataType: 'String' }] }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_nope does not exist.',
  ]);
});
