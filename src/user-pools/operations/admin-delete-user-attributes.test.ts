import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import { createTestPool, createTestUser, getTestUser } from '../../../test/support/users.ts';
import op from './admin-delete-user-attributes.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let n = 0;

before(async () => {
  deps = await makeTestDeps({ clock: new FixedClock() });
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.AdminDeleteUserAttributes!.errors.includes(code), `${code} is not declared for AdminDeleteUserAttributes`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

async function setup() {
  const pool = await createTestPool(deps, {
    PoolName: `admin-delete-attrs${++n}`,
    Schema: [
      { Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true },
      { Name: 'secret', AttributeDataType: 'String', Mutable: true, DeveloperOnlyAttribute: true },
    ],
  });
  await createTestUser(deps, pool, 'alice', 'Passw0rd!', {
    attributes: { email: 'alice@example.com', email_verified: 'true', phone_number: '+15555550100', phone_number_verified: 'true', 'dev:custom:secret': 's' },
  });
  const del = (UserAttributeNames: string[], Username = 'alice') => op.handle({ UserPoolId: pool.id, Username, UserAttributeNames }, deps, ctx);
  return { pool, del };
}

test('an administrator deletes attributes, developer-only ones and verified flags included', async () => {
  const { pool, del } = await setup();
  const out = await del(['phone_number', 'dev:custom:secret', 'email_verified']);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'AdminDeleteUserAttributes', out), []);
  assert.deepEqual((await getTestUser(deps, pool, 'alice')).attributes, { email: 'alice@example.com' });
});

test('required attributes and sub stay; unknown users and attributes are refused', async () => {
  const { del } = await setup();
  assert.deepEqual(await errorOf(del(['email'])), ['InvalidParameterException', 'user.email: Required attribute cannot be deleted.']);
  assert.deepEqual(await errorOf(del(['sub'])), ['InvalidParameterException', 'user.sub: Attribute cannot be updated.\n']);
  assert.deepEqual(await errorOf(del(['custom:nope'])), ['InvalidParameterException', 'user.custom:nope: Attribute does not exist in the schema.\n']);
  assert.deepEqual(await errorOf(del(['name'], 'nobody')), ['UserNotFoundException', 'User does not exist.']);
});
