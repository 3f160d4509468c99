import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import { createTestPool, createTestUser, getTestUser } from '../../../test/support/users.ts';
import op from './admin-enable-user.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let clock: FixedClock;

before(async () => {
  clock = new FixedClock();
  deps = await makeTestDeps({ clock });
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.AdminEnableUser!.errors.includes(code), `${code} is not declared for AdminEnableUser`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('enables a disabled user (by username or sub), changing the modification date; an enabled one is left alone', async () => {
  const pool = await createTestPool(deps);
  const user = await createTestUser(deps, pool, 'alice', 'Passw0rd!', { enabled: false });
  clock.advance(5000);
  const out = await op.handle({ UserPoolId: pool.id, Username: user.sub }, deps, ctx);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'AdminEnableUser', out), []);
  const after = await getTestUser(deps, pool, 'alice');
  assert.equal(after.enabled, true);
  assert.equal(after.updatedAt, clock.now());
  clock.advance(5000);
  await op.handle({ UserPoolId: pool.id, Username: 'alice' }, deps, ctx);
  assert.equal((await getTestUser(deps, pool, 'alice')).version, after.version, 'nothing written');
});

test('unknown users and pools', async () => {
  const pool = await createTestPool(deps);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'nobody' }, deps, ctx)), ['UserNotFoundException', 'User does not exist.']);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_nosuchpool', Username: 'x' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_nosuchpool does not exist.',
  ]);
});
