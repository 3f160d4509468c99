import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import { issueTokens } from '../sign-in/issue-tokens.ts';
import { createTestClient, createTestPool, createTestUser, getTestUser, type TestUserOptions } from '../../../test/support/users.ts';
import { findUserBySignInName } from '../domain/users.ts';
import type { AttributeType, CreateUserPoolClientRequest, CreateUserPoolRequest } from '../shapes.ts';
import op from './update-user-attributes.ts';
import { readOutbox } from '../../runtime/delivery.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let clock: FixedClock;
let n = 0;

before(async () => {
  clock = new FixedClock();
  deps = await makeTestDeps({ clock });
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.UpdateUserAttributes!.errors.includes(code), `${code} is not declared for UpdateUserAttributes`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

const VERIFIED = { email: 'alice@example.com', email_verified: 'true' };

/** A pool (email auto-verified, two custom attributes), a client and a signed-in user; `update` sends with their token. */
async function setup(poolIn: Partial<CreateUserPoolRequest> = {}, clientIn: Partial<CreateUserPoolClientRequest> = {}, userIn: TestUserOptions = {}) {
  const pool = await createTestPool(deps, {
    PoolName: `update${++n}`,
    AutoVerifiedAttributes: ['email'],
    Schema: [
      { Name: 'tier', AttributeDataType: 'Number', Mutable: true, NumberAttributeConstraints: { MinValue: '1', MaxValue: '5' } },
      { Name: 'code', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MinLength: '2', MaxLength: '4' } },
      { Name: 'employee_id', AttributeDataType: 'String', Mutable: false },
    ],
    ...poolIn,
  });
  const client = await createTestClient(deps, pool.id, clientIn);
  const user = await createTestUser(deps, pool, 'alice', 'Passw0rd!', { attributes: { ...VERIFIED }, ...userIn });
  const { AccessToken } = await issueTokens(deps, { pool, client: client.record, user });
  const update = (UserAttributes: AttributeType[]) => op.handle({ AccessToken: AccessToken!, UserAttributes }, deps, ctx);
  const stored = () => getTestUser(deps, pool, 'alice');
  return { pool, client, update, stored };
}

async function outboxTo(to: string) {
  return readOutbox(deps, to, 10);
}

test('sets standard and custom attributes; unchanged ones stay', async () => {
  const { update, stored } = await setup();
  const out = await update([
    { Name: 'name', Value: 'Alice' },
    { Name: 'custom:tier', Value: '3' },
    { Name: 'custom:code', Value: 'ab' },
  ]);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'UpdateUserAttributes', out), []);
  assert.deepEqual((await stored()).attributes, { ...VERIFIED, name: 'Alice', 'custom:tier': '3', 'custom:code': 'ab' });
});

test('a new email is unverified and gets a code when email is auto-verified (CodeDeliveryDetailsList)', async () => {
  const { pool, update, stored } = await setup();
  const out = await update([{ Name: 'email', Value: 'new@example.com' }]);
  assert.deepEqual(out, { CodeDeliveryDetailsList: [{ Destination: 'n***@e***.com', DeliveryMedium: 'EMAIL', AttributeName: 'email' }] });
  assert.deepEqual(checkOutput(model, 'UpdateUserAttributes', out), []);
  assert.deepEqual((await stored()).attributes, { email: 'new@example.com', email_verified: 'false' });
  assert.match((await outboxTo('new@example.com'))[0]!.body, /^Your verification code is \d{6}\. $/);
  const code = (await deps.store.codes.get(pool.id, 'alice', 'verify:email'))!;
  assert.deepEqual(code.data, { value: 'new@example.com', pending: false });
  assert.equal(code.expiresAt - code.createdAt, 24 * 3600_000);
});

test('without auto-verification a new email is just unverified: no code, no list', async () => {
  const { update, stored } = await setup({ AutoVerifiedAttributes: [] });
  assert.deepEqual(await update([{ Name: 'email', Value: 'quiet@example.com' }]), {});
  assert.deepEqual((await stored()).attributes, { email: 'quiet@example.com', email_verified: 'false' });
  assert.equal((await outboxTo('quiet@example.com')).length, 0);
});

test('AttributesRequireVerificationBeforeUpdate: the verified email stays (and signs in) until the new one is verified', async () => {
  const { pool, update, stored } = await setup({
    AliasAttributes: ['email'],
    UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
  });
  const out = await update([{ Name: 'email', Value: 'next@example.com' }]);
  assert.equal(out.CodeDeliveryDetailsList![0]!.Destination, 'n***@e***.com');
  assert.deepEqual((await stored()).attributes, VERIFIED);
  assert.deepEqual((await deps.store.codes.get(pool.id, 'alice', 'verify:email'))!.data, { value: 'next@example.com', pending: true });
  assert.equal((await findUserBySignInName(deps, pool, 'alice@example.com'))?.username, 'alice');
  assert.equal(await findUserBySignInName(deps, pool, 'next@example.com'), null);
});

test('the client\'s WriteAttributes, the verified flags and sub are not the user\'s to write', async () => {
  const { update } = await setup({}, { WriteAttributes: ['email', 'name'] });
  const refused: [string, string] = ['NotAuthorizedException', 'A client attempted to write unauthorized attribute'];
  assert.deepEqual(await errorOf(update([{ Name: 'custom:tier', Value: '2' }])), refused);
  assert.deepEqual(await errorOf(update([{ Name: 'email_verified', Value: 'true' }])), refused);
  assert.deepEqual(await errorOf(update([{ Name: 'sub', Value: 'x' }])), refused);
  await update([{ Name: 'name', Value: 'A' }]);
});

test('unknown and immutable attributes are refused, one line each', async () => {
  const { update, stored } = await setup();
  assert.deepEqual(await errorOf(update([{ Name: 'custom:nope', Value: '1' }, { Name: 'custom:employee_id', Value: 'e1' }])), [
    'InvalidParameterException',
    'user.custom:nope: Attribute does not exist in the schema.\nuser.custom:employee_id: Attribute cannot be updated.\n',
  ]);
  assert.deepEqual((await stored()).attributes, VERIFIED);
});

test('custom attribute constraints and the email format are checked', async () => {
  const { update } = await setup();
  assert.equal((await errorOf(update([{ Name: 'custom:tier', Value: '9' }])))[0], 'InvalidParameterException');
  assert.equal((await errorOf(update([{ Name: 'custom:tier', Value: 'x' }])))[0], 'InvalidParameterException');
  assert.equal((await errorOf(update([{ Name: 'custom:code', Value: 'toolong' }])))[0], 'InvalidParameterException');
  assert.deepEqual(await errorOf(update([{ Name: 'email', Value: 'not-an-email' }])), ['InvalidParameterException', 'Invalid email address format.']);
});

test('an email with address-list syntax is refused: a mailer would deliver to another address than the one verified', async () => {
  const { update, stored } = await setup();
  for (const value of ['me@a.test,evil@b.test', 'evil.test<me@a.test>', 'me@a.test>', 'me@a.test;x', 'grp:me@a.test', '(c)me@a.test', '"me"@a.test', 'me@[a.test]', 'me\\x@a.test'])
    assert.deepEqual(await errorOf(update([{ Name: 'email', Value: value }])), ['InvalidParameterException', 'Invalid email address format.'], value);
  assert.deepEqual((await stored()).attributes, VERIFIED);
  await update([{ Name: 'email', Value: "o'brien+tag@mail.a-b.test" }]); // what mailboxes use stays accepted
});

test('a blank value deletes; a required attribute cannot be deleted', async () => {
  const { update, stored } = await setup({ Schema: [{ Name: 'name', AttributeDataType: 'String', Required: true, Mutable: true }] }, {}, {
    attributes: { ...VERIFIED, name: 'Alice', nickname: 'Al' },
  });
  await update([{ Name: 'nickname', Value: '' }]);
  assert.deepEqual((await stored()).attributes, { ...VERIFIED, name: 'Alice' });
  assert.deepEqual(await errorOf(update([{ Name: 'name', Value: '' }])), ['InvalidParameterException', 'user.name: Required attribute cannot be deleted.']);
  await update([{ Name: 'email', Value: '' }]);
  assert.deepEqual((await stored()).attributes, { name: 'Alice' });
});

test('in a pool signing in by email, another account\'s email is AliasExistsException', async () => {
  const { pool, update } = await setup({ UsernameAttributes: ['email'] });
  await createTestUser(deps, pool, 'bob', 'Passw0rd!', { attributes: { email: 'bob@example.com' } });
  assert.deepEqual(await errorOf(update([{ Name: 'email', Value: 'bob@example.com' }])), [
    'AliasExistsException',
    'An account with the email already exists.',
  ]);
});

test('a code that cannot be delivered is CodeDeliveryFailureException', async () => {
  const failing = await makeTestDeps({
    clock,
    delivery: { send: async () => ({ delivered: false, error: 'smtp down' }) },
  });
  const pool = await createTestPool(failing, { PoolName: 'failing', AutoVerifiedAttributes: ['email'] });
  const client = await createTestClient(failing, pool.id);
  const user = await createTestUser(failing, pool, 'zed', 'Passw0rd!', { attributes: { email: 'zed@example.com', email_verified: 'true' } });
  const { AccessToken } = await issueTokens(failing, { pool, client: client.record, user });
  try {
    await op.handle({ AccessToken: AccessToken!, UserAttributes: [{ Name: 'email', Value: 'z2@example.com' }] }, failing, ctx);
    assert.fail('expected CodeDeliveryFailureException');
  } catch (e) {
    assert.deepEqual([(e as { code: string }).code, (e as Error).message], [
      'CodeDeliveryFailureException',
      'Invalid email provided/Unable to send the email',
    ]);
  }
});

test('setting the current email again gives up a value awaiting verification', async () => {
  const { pool, update, stored } = await setup({ UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] } });
  await update([{ Name: 'email', Value: 'maybe@example.com' }]);
  assert.ok(await deps.store.codes.get(pool.id, 'alice', 'verify:email'));
  assert.deepEqual(await update([{ Name: 'email', Value: 'alice@example.com' }]), {});
  assert.equal(await deps.store.codes.get(pool.id, 'alice', 'verify:email'), null);
  assert.deepEqual((await stored()).attributes, VERIFIED);
});
