import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import { issueTokens } from '../sign-in/issue-tokens.ts';
import { createTestClient, createTestPool, createTestUser, getTestUser, type TestUserOptions } from '../../../test/support/users.ts';
import { findUserBySignInName } from '../domain/users.ts';
import type { AttributeType, CreateUserPoolRequest } from '../shapes.ts';
import getCodeOp from './get-user-attribute-verification-code.ts';
import updateOp from './update-user-attributes.ts';
import op from './verify-user-attribute.ts';
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
    assert.ok(model.operations.VerifyUserAttribute!.errors.includes(code), `${code} is not declared for VerifyUserAttribute`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

const MISMATCH: [string, string] = ['CodeMismatchException', 'Invalid verification code provided, please try again.'];
const other = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

async function setup(poolIn: Partial<CreateUserPoolRequest> = {}, userIn: TestUserOptions = {}) {
  const pool = await createTestPool(deps, { PoolName: `verify${++n}`, AutoVerifiedAttributes: ['email'], ...poolIn });
  const client = await createTestClient(deps, pool.id);
  const user = await createTestUser(deps, pool, 'alice', 'Passw0rd!', { attributes: { email: 'alice@example.com' }, ...userIn });
  const token = async () => (await issueTokens(deps, { pool, client: client.record, user })).AccessToken!;
  const first = await token();
  const verify = (Code: string, AttributeName = 'email', AccessToken = first) => op.handle({ AccessToken, AttributeName, Code }, deps, ctx);
  const getCode = (AttributeName = 'email') => getCodeOp.handle({ AccessToken: first, AttributeName }, deps, ctx);
  const update = (UserAttributes: AttributeType[]) => updateOp.handle({ AccessToken: first, UserAttributes }, deps, ctx);
  const stored = () => getTestUser(deps, pool, 'alice');
  return { pool, verify, getCode, update, stored, token };
}

async function codeSentTo(to: string): Promise<string> {
  const [m] = await readOutbox(deps, to, 1);
  return /\d{6}/.exec(m!.body)![0];
}

test('the code marks the email verified, once', async () => {
  const { pool, verify, getCode, stored } = await setup();
  await getCode();
  const code = await codeSentTo('alice@example.com');
  const out = await verify(code);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'VerifyUserAttribute', out), []);
  assert.deepEqual((await stored()).attributes, { email: 'alice@example.com', email_verified: 'true' });
  assert.equal(await deps.store.codes.get(pool.id, 'alice', 'verify:email'), null);
  assert.deepEqual(await errorOf(verify(code)), MISMATCH);
});

test('verifying a value awaiting verification applies it: the new email signs in, the old one no longer', async () => {
  const { pool, verify, update, stored } = await setup(
    { AliasAttributes: ['email'], UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] } },
    { attributes: { email: 'alice@example.com', email_verified: 'true' } },
  );
  await update([{ Name: 'email', Value: 'next@example.com' }]);
  await verify(await codeSentTo('next@example.com'));
  assert.deepEqual((await stored()).attributes, { email: 'next@example.com', email_verified: 'true' });
  assert.equal((await findUserBySignInName(deps, pool, 'next@example.com'))?.username, 'alice');
  assert.equal(await findUserBySignInName(deps, pool, 'alice@example.com'), null);
});

test('a changed email is verified with the code sent on the change', async () => {
  const { verify, update, stored } = await setup({}, { attributes: { email: 'alice@example.com', email_verified: 'true' } });
  await update([{ Name: 'email', Value: 'new@example.com' }]);
  assert.equal((await stored()).attributes.email_verified, 'false');
  await verify(await codeSentTo('new@example.com'));
  assert.deepEqual((await stored()).attributes, { email: 'new@example.com', email_verified: 'true' });
});

test('wrong codes, expired codes, codes for a value since replaced', async () => {
  const { verify, getCode, update, token } = await setup({ AutoVerifiedAttributes: [] });
  assert.deepEqual(await errorOf(verify('123456')), MISMATCH);
  await getCode();
  const code = await codeSentTo('alice@example.com');
  assert.deepEqual(await errorOf(verify(other(code))), MISMATCH);
  clock.advance(24 * HOUR);
  assert.deepEqual(await errorOf(verify(code, 'email', await token())), ['ExpiredCodeException', 'Invalid code provided, please request a code again.']);
  clock.advance(-24 * HOUR);
  // The email changes afterwards (no code sent in this pool): the old code verifies nothing.
  await update([{ Name: 'email', Value: 'changed@example.com' }]);
  assert.deepEqual(await errorOf(verify(code)), MISMATCH);
  assert.deepEqual(await errorOf(verify('123456', 'name')), MISMATCH);
});

test('an email another user has verified as an alias is AliasExistsException', async () => {
  const { pool, verify, getCode, stored } = await setup({ AliasAttributes: ['email'] }, { attributes: { email: 'shared@example.com' } });
  await createTestUser(deps, pool, 'bob', 'Passw0rd!', { attributes: { email: 'shared@example.com', email_verified: 'true' } });
  await getCode();
  const code = await codeSentTo('shared@example.com');
  assert.deepEqual(await errorOf(verify(code)), ['AliasExistsException', 'An account with the email already exists.']);
  assert.equal((await stored()).attributes.email_verified, undefined);
});

test('fifteen calls per user and hour, then LimitExceededException', async () => {
  const { verify, token } = await setup();
  for (let i = 0; i < 15; i++) assert.deepEqual(await errorOf(verify('123456')), MISMATCH);
  assert.deepEqual(await errorOf(verify('123456')), ['LimitExceededException', 'Attempt limit exceeded, please try after some time.']);
  clock.advance(HOUR);
  assert.deepEqual(await errorOf(verify('123456', 'email', await token())), MISMATCH);
});
