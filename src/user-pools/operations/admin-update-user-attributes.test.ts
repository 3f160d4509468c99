import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import { createTestPool, createTestUser, getTestUser, type TestUserOptions } from '../../../test/support/users.ts';
import type { AttributeType, CreateUserPoolRequest } from '../shapes.ts';
import op from './admin-update-user-attributes.ts';
import { readOutbox } from '../../runtime/delivery.ts';

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
    assert.ok(model.operations.AdminUpdateUserAttributes!.errors.includes(code), `${code} is not declared for AdminUpdateUserAttributes`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

const VERIFIED = { email: 'alice@example.com', email_verified: 'true' };

async function setup(poolIn: Partial<CreateUserPoolRequest> = {}, userIn: TestUserOptions = {}) {
  const pool = await createTestPool(deps, {
    PoolName: `admin-update${++n}`,
    AutoVerifiedAttributes: ['email'],
    Schema: [
      { Name: 'secret', AttributeDataType: 'String', Mutable: true, DeveloperOnlyAttribute: true },
      { Name: 'employee_id', AttributeDataType: 'String', Mutable: false },
    ],
    ...poolIn,
  });
  const user = await createTestUser(deps, pool, 'alice', 'Passw0rd!', { attributes: { ...VERIFIED }, ...userIn });
  const update = (UserAttributes: AttributeType[], Username = 'alice') => op.handle({ UserPoolId: pool.id, Username, UserAttributes }, deps, ctx);
  const stored = (name = 'alice') => getTestUser(deps, pool, name);
  return { pool, user, update, stored };
}

test('an administrator sets any mutable attribute, developer-only ones and the verified flags', async () => {
  const { update, stored } = await setup({}, { attributes: { email: 'alice@example.com' } });
  const out = await update([
    { Name: 'dev:custom:secret', Value: 's3' },
    { Name: 'email_verified', Value: 'True' },
    { Name: 'phone_number', Value: '+15555550100' },
    { Name: 'phone_number_verified', Value: 'true' },
  ]);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'AdminUpdateUserAttributes', out), []);
  assert.deepEqual((await stored()).attributes, {
    email: 'alice@example.com',
    email_verified: 'true',
    'dev:custom:secret': 's3',
    phone_number: '+15555550100',
    phone_number_verified: 'true',
  });
});

test('a new email with email_verified true needs no code; without it the auto-verified email gets one', async () => {
  const { pool, update, stored } = await setup();
  await update([
    { Name: 'email', Value: 'direct@example.com' },
    { Name: 'email_verified', Value: 'true' },
  ]);
  assert.deepEqual((await stored()).attributes, { email: 'direct@example.com', email_verified: 'true' });
  assert.equal((await readOutbox(deps, 'direct@example.com', 5)).length, 0);

  await update([{ Name: 'email', Value: 'coded@example.com' }]);
  assert.deepEqual((await stored()).attributes, { email: 'coded@example.com', email_verified: 'false' });
  assert.equal((await readOutbox(deps, 'coded@example.com', 5)).length, 1);
  assert.deepEqual((await deps.store.codes.get(pool.id, 'alice', 'verify:email'))!.data, { value: 'coded@example.com', pending: false });
});

test('with AttributesRequireVerificationBeforeUpdate the change waits; setting email_verified true applies it', async () => {
  const { pool, update, stored } = await setup({ UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] } });
  await update([{ Name: 'email', Value: 'later@example.com' }]);
  assert.deepEqual((await stored()).attributes, VERIFIED);
  assert.equal((await readOutbox(deps, 'later@example.com', 5)).length, 1);
  await update([{ Name: 'email_verified', Value: 'true' }]);
  assert.deepEqual((await stored()).attributes, { email: 'later@example.com', email_verified: 'true' });
  assert.equal(await deps.store.codes.get(pool.id, 'alice', 'verify:email'), null);
});

test('a verified flag needs its attribute', async () => {
  const { update } = await setup({}, { attributes: {} });
  assert.deepEqual(await errorOf(update([{ Name: 'email_verified', Value: 'true' }])), [
    'InvalidParameterException',
    'Email is required to verify/un-verify an email',
  ]);
  assert.deepEqual(await errorOf(update([{ Name: 'phone_number_verified', Value: 'false' }])), [
    'InvalidParameterException',
    'Phone Number is required to verify/un-verify a phone number',
  ]);
});

test('immutable attributes and sub cannot be updated, even by an administrator', async () => {
  const { update } = await setup();
  assert.deepEqual(await errorOf(update([{ Name: 'custom:employee_id', Value: 'e1' }])), [
    'InvalidParameterException',
    'user.custom:employee_id: Attribute cannot be updated.\n',
  ]);
  assert.deepEqual(await errorOf(update([{ Name: 'sub', Value: 'x' }])), ['InvalidParameterException', 'user.sub: Attribute cannot be updated.\n']);
});

test('verifying an email another user has verified as an alias is AliasExistsException', async () => {
  const { pool, update, stored } = await setup({ AliasAttributes: ['email'] });
  await createTestUser(deps, pool, 'bob', 'Passw0rd!', { attributes: { email: 'bob@example.com', email_verified: 'true' } });
  assert.deepEqual(
    await errorOf(
      update([
        { Name: 'email', Value: 'bob@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ]),
    ),
    ['AliasExistsException', 'An account with the email already exists.'],
  );
  assert.deepEqual((await stored()).attributes, VERIFIED);
  // Unverified, the value is no alias and may be shared.
  await update([{ Name: 'email', Value: 'bob@example.com' }]);
  assert.deepEqual((await stored()).attributes, { email: 'bob@example.com', email_verified: 'false' });
});

test('the user may be named by an alias or the sub; an unknown user is UserNotFoundException', async () => {
  const { user, update, stored } = await setup({ AliasAttributes: ['email'] });
  await update([{ Name: 'name', Value: 'By alias' }], 'alice@example.com');
  assert.equal((await stored()).attributes.name, 'By alias');
  await update([{ Name: 'name', Value: 'By sub' }], user.sub);
  assert.equal((await stored()).attributes.name, 'By sub');
  assert.deepEqual(await errorOf(update([{ Name: 'name', Value: 'x' }], 'nobody')), ['UserNotFoundException', 'User does not exist.']);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_nonexist0', Username: 'alice', UserAttributes: [] }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_nonexist0 does not exist.',
  ]);
});
