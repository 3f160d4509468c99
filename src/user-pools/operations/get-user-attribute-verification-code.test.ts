import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import { issueTokens } from '../sign-in/issue-tokens.ts';
import { createTestClient, createTestPool, createTestUser, type TestUserOptions } from '../../../test/support/users.ts';
import type { CreateUserPoolRequest } from '../shapes.ts';
import updateOp from './update-user-attributes.ts';
import op from './get-user-attribute-verification-code.ts';
import { readOutbox } from '../../runtime/delivery.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const HOUR = 3600_000;
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
    assert.ok(model.operations.GetUserAttributeVerificationCode!.errors.includes(code), `${code} is not declared`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

async function setup(poolIn: Partial<CreateUserPoolRequest> = {}, userIn: TestUserOptions = {}) {
  const pool = await createTestPool(deps, { PoolName: `getcode${++n}`, AutoVerifiedAttributes: ['email'], ...poolIn });
  const client = await createTestClient(deps, pool.id);
  const user = await createTestUser(deps, pool, 'alice', 'Passw0rd!', { attributes: { email: 'alice@example.com' }, ...userIn });
  const token = async () => (await issueTokens(deps, { pool, client: client.record, user })).AccessToken!;
  const first = await token();
  const getCode = (AttributeName: string, AccessToken = first) => op.handle({ AccessToken, AttributeName }, deps, ctx);
  return { pool, getCode, token, first };
}

test('sends a 24-hour code to the user\'s email and answers where it went', async () => {
  const { pool, getCode } = await setup();
  const out = await getCode('email');
  assert.deepEqual(out, { CodeDeliveryDetails: { Destination: 'a***@e***.com', DeliveryMedium: 'EMAIL', AttributeName: 'email' } });
  assert.deepEqual(checkOutput(model, 'GetUserAttributeVerificationCode', out), []);
  const [m] = await readOutbox(deps, 'alice@example.com', 1);
  assert.match(m!.body, /^Your verification code is \d{6}\. $/);
  const record = (await deps.store.codes.get(pool.id, 'alice', 'verify:email'))!;
  assert.equal(record.expiresAt - record.createdAt, 24 * HOUR);
  assert.deepEqual(record.data, { value: 'alice@example.com', pending: false });
});

test('a phone number gets its code by SMS', async () => {
  const { getCode } = await setup({}, { attributes: { phone_number: '+15555550100' } });
  assert.deepEqual((await getCode('phone_number')).CodeDeliveryDetails, {
    Destination: '+********0100',
    DeliveryMedium: 'SMS',
    AttributeName: 'phone_number',
  });
  const [m] = await readOutbox(deps, '+15555550100', 1);
  assert.equal(m!.channel, 'sms');
});

test('a value awaiting verification (AttributesRequireVerificationBeforeUpdate) gets the new code', async () => {
  const { pool, getCode, first } = await setup(
    { UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] } },
    { attributes: { email: 'alice@example.com', email_verified: 'true' } },
  );
  await updateOp.handle({ AccessToken: first, UserAttributes: [{ Name: 'email', Value: 'next@example.com' }] }, deps, ctx);
  assert.equal((await getCode('email')).CodeDeliveryDetails!.Destination, 'n***@e***.com');
  assert.equal((await readOutbox(deps, 'next@example.com', 5)).length, 2);
  assert.deepEqual((await deps.store.codes.get(pool.id, 'alice', 'verify:email'))!.data, { value: 'next@example.com', pending: true });
});

test('only email and phone_number, and only one the user has', async () => {
  const { getCode } = await setup();
  assert.equal((await errorOf(getCode('name')))[0], 'InvalidParameterException');
  assert.equal((await errorOf(getCode('phone_number')))[0], 'InvalidParameterException');
});

test('five codes per user and hour, then LimitExceededException', async () => {
  const { getCode, token } = await setup();
  for (let i = 0; i < 5; i++) await getCode('email');
  assert.deepEqual(await errorOf(getCode('email')), ['LimitExceededException', 'Attempt limit exceeded, please try after some time.']);
  clock.advance(HOUR);
  await getCode('email', await token());
});

test('a bad token is NotAuthorizedException', async () => {
  const { getCode } = await setup();
  assert.deepEqual(await errorOf(getCode('email', 'not.a.token')), ['NotAuthorizedException', 'Invalid Access Token']);
});
