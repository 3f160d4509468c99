import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import { MAX_TAGS } from '../domain/pools.ts';
import createUserPool from './create-user-pool.ts';
import listTagsForResource from './list-tags-for-resource.ts';
import op from './tag-resource.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let arn: string;
before(async () => {
  deps = await makeTestDeps({ clock: new FixedClock() });
  arn = (await createUserPool.handle({ PoolName: 't', UserPoolTags: { a: '1' } }, deps, ctx)).UserPool!.Arn!;
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.TagResource!.errors.includes(code), `${code} is not declared for TagResource`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('adds and overwrites tags', async () => {
  const out = await op.handle({ ResourceArn: arn, Tags: { a: '2', b: '3' } }, deps, ctx);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'TagResource', out), []);
  assert.deepEqual((await listTagsForResource.handle({ ResourceArn: arn }, deps, ctx)).Tags, { a: '2', b: '3' });
});

test(`no more than ${MAX_TAGS} tags in all`, async () => {
  const tags = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v']));
  assert.equal((await errorOf(op.handle({ ResourceArn: arn, Tags: tags }, deps, ctx)))[0], 'InvalidParameterException');
  assert.deepEqual((await listTagsForResource.handle({ ResourceArn: arn }, deps, ctx)).Tags, { a: '2', b: '3' });
});

test('an ARN that is not an existing pool of this account is ResourceNotFoundException', async () => {
  const missing = arn.replace(/userpool\/.*/, 'userpool/us-east-1_nope');
  for (const a of [missing, arn.replace(/:\d{12}:/, ':999999999999:'), 'arn:aws:s3:us-east-1:000000000000:bucket/x'])
    assert.deepEqual(await errorOf(op.handle({ ResourceArn: a, Tags: { x: 'y' } }, deps, ctx)), ['ResourceNotFoundException', `Resource ${a} does not exist.`]);
});
