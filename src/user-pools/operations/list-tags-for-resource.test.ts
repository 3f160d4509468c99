import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import createUserPool from './create-user-pool.ts';
import op from './list-tags-for-resource.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
before(async () => {
  deps = await makeTestDeps({ clock: new FixedClock() });
});

test("lists the pool's tags, {} when it has none", async () => {
  const tagged = (await createUserPool.handle({ PoolName: 't', UserPoolTags: { env: 'dev' } }, deps, ctx)).UserPool!.Arn!;
  const bare = (await createUserPool.handle({ PoolName: 'u' }, deps, ctx)).UserPool!.Arn!;
  const out = await op.handle({ ResourceArn: tagged }, deps, ctx);
  assert.deepEqual(out, { Tags: { env: 'dev' } });
  assert.deepEqual(checkOutput(model, 'ListTagsForResource', out), []);
  assert.deepEqual(await op.handle({ ResourceArn: bare }, deps, ctx), { Tags: {} });
});

test('an unknown pool ARN is ResourceNotFoundException', async () => {
  const a = 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_nope';
  await assert.rejects(op.handle({ ResourceArn: a }, deps, ctx), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'ResourceNotFoundException');
    assert.equal(e.message, `Resource ${a} does not exist.`);
    assert.ok(model.operations.ListTagsForResource!.errors.includes(e.code!));
    return true;
  });
});
