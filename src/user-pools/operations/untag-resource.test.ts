import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import createUserPool from './create-user-pool.ts';
import listTagsForResource from './list-tags-for-resource.ts';
import op from './untag-resource.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
before(async () => {
  deps = await makeTestDeps({ clock: new FixedClock() });
});

test('removes the named tags and ignores keys the pool does not have', async () => {
  const arn = (await createUserPool.handle({ PoolName: 't', UserPoolTags: { a: '1', b: '2', c: '3' } }, deps, ctx)).UserPool!.Arn!;
  const out = await op.handle({ ResourceArn: arn, TagKeys: ['a', 'c', 'zzz'] }, deps, ctx);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'UntagResource', out), []);
  assert.deepEqual((await listTagsForResource.handle({ ResourceArn: arn }, deps, ctx)).Tags, { b: '2' });
});

test('an unknown pool ARN is ResourceNotFoundException', async () => {
  const a = 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_nope';
  await assert.rejects(op.handle({ ResourceArn: a, TagKeys: ['a'] }, deps, ctx), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'ResourceNotFoundException');
    assert.ok(model.operations.UntagResource!.errors.includes(e.code!));
    return true;
  });
});
