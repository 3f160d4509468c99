import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FixedClock } from '../../runtime/clock.ts';
import { checkOutput } from '../../protocol/validate.ts';
import { errorOf, model, signUpFixture, type SignUpFixture, type TestDeps } from '../../../test/support/fixtures.ts';

const HOUR = 3600_000;
let deps: TestDeps;
let clock: FixedClock;
let setup: SignUpFixture['setup'];
let codeSentTo: SignUpFixture['codeSentTo'];

before(async () => {
  ({ deps, clock, setup, codeSentTo } = await signUpFixture('confirm'));
});

const other = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
const MISMATCH: [string, string] = ['CodeMismatchException', 'Invalid verification code provided, please try again.'];
const LIMIT: [string, string] = ['LimitExceededException', 'Attempt limit exceeded, please try after some time.'];

test('the code confirms the user and verifies the email it went to; it works once', async () => {
  const { pool, signUp, confirm } = await setup();
  await signUp({ Username: 'alice', UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }] });
  const code = await codeSentTo('alice@example.com');
  const out = await confirm('alice', code);
  // Only the Session for signing in by USER_AUTH (sign-in/sign-up-session.ts).
  assert.deepEqual(Object.keys(out), ['Session']);
  assert.deepEqual(checkOutput(model, 'ConfirmSignUp', out), []);
  const user = (await deps.store.users.get(pool.id, 'alice'))!;
  assert.equal(user.status, 'CONFIRMED');
  assert.deepEqual(user.attributes, { email: 'alice@example.com', email_verified: 'true' });
  assert.equal(user.version, 2);
  assert.equal(await deps.store.codes.get(pool.id, 'alice', 'signup'), null);
  assert.deepEqual(await errorOf(confirm('alice', code)), ['NotAuthorizedException', 'User cannot be confirmed. Current status is CONFIRMED']);
});

test('a wrong code is CodeMismatchException; after five wrong ones the code is dead (LimitExceededException)', async () => {
  const { signUp, confirm } = await setup();
  await signUp({ Username: 'bob', UserAttributes: [{ Name: 'email', Value: 'bob@example.com' }] });
  const code = await codeSentTo('bob@example.com');
  for (let i = 0; i < 5; i++) assert.deepEqual(await errorOf(confirm('bob', other(code))), MISMATCH);
  assert.deepEqual(await errorOf(confirm('bob', code)), LIMIT);
});

test('a code expires after 24 hours: ExpiredCodeException', async () => {
  const { signUp, confirm } = await setup();
  await signUp({ Username: 'carol', UserAttributes: [{ Name: 'email', Value: 'carol@example.com' }] });
  const code = await codeSentTo('carol@example.com');
  clock.advance(24 * HOUR);
  try {
    assert.deepEqual(await errorOf(confirm('carol', code)), ['ExpiredCodeException', 'Invalid code provided, please request a code again.']);
  } finally {
    clock.advance(-24 * HOUR);
  }
});

test('a resent code replaces the previous one', async () => {
  const { signUp, confirm, resend } = await setup();
  await signUp({ Username: 'dan', UserAttributes: [{ Name: 'email', Value: 'dan@example.com' }] });
  const first = await codeSentTo('dan@example.com');
  clock.advance(1);
  await resend('dan');
  const second = await codeSentTo('dan@example.com');
  if (first !== second) assert.deepEqual(await errorOf(confirm('dan', first)), MISMATCH);
  await confirm('dan', second);
});

test('15 ConfirmSignUp calls per user and hour, then LimitExceededException', async () => {
  // A pool that sends no codes: every call is a mismatch, none burns a code.
  const { signUp, confirm } = await setup({});
  await signUp({ Username: 'erin' });
  for (let i = 0; i < 15; i++) assert.deepEqual(await errorOf(confirm('erin', '123456')), MISMATCH);
  assert.deepEqual(await errorOf(confirm('erin', '123456')), LIMIT);
  clock.advance(HOUR);
  assert.deepEqual(await errorOf(confirm('erin', '123456')), MISMATCH);
});

test('unknown users: UserNotFoundException, or CodeMismatchException when the client hides users', async () => {
  const legacy = await setup();
  assert.deepEqual(await errorOf(legacy.confirm('nobody', '123456')), ['UserNotFoundException', 'Username/client id combination not found.']);
  const hiding = await setup({ AutoVerifiedAttributes: ['email'] }, { PreventUserExistenceErrors: 'ENABLED' });
  assert.deepEqual(await errorOf(hiding.confirm('nobody', '123456')), MISMATCH);
});

test('SECRET_HASH over the name sent, the internal username or the sub', async () => {
  const { client, pool, signUp, confirm, hash } = await setup({ UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'] }, { GenerateSecret: true });
  const { UserSub } = await signUp({ Username: 'fay@example.com' });
  const code = await codeSentTo('fay@example.com');
  assert.deepEqual(await errorOf(confirm('fay@example.com', code, { SecretHash: '' })), [
    'NotAuthorizedException',
    `Client ${client.ClientId} is configured for secret but secret was not received`,
  ]);
  assert.deepEqual(await errorOf(confirm('fay@example.com', code, { SecretHash: hash('someone-else') })), [
    'NotAuthorizedException',
    `Unable to verify secret hash for client ${client.ClientId}`,
  ]);
  // Signed in by email, hashed over the sub (= the internal username here).
  await confirm('fay@example.com', code, { SecretHash: hash(UserSub) });
  assert.equal((await deps.store.users.getBySub(pool.id, UserSub))!.status, 'CONFIRMED');
});

test('a verified alias held by another user: AliasExistsException, or moved with ForceAliasCreation', async () => {
  const { pool, signUp, confirm } = await setup({ AliasAttributes: ['email'], AutoVerifiedAttributes: ['email'] });
  const email = [{ Name: 'email', Value: 'shared@example.com' }];
  await signUp({ Username: 'first', UserAttributes: email });
  await confirm('first', await codeSentTo('shared@example.com'));
  clock.advance(1);
  await signUp({ Username: 'second', UserAttributes: email });
  const code = await codeSentTo('shared@example.com');
  assert.deepEqual(await errorOf(confirm('second', code)), ['AliasExistsException', 'An account with the email already exists.']);
  assert.equal((await deps.store.users.get(pool.id, 'second'))!.status, 'UNCONFIRMED');
  // The same code still works, now forcing the alias over.
  await confirm('second', code, { ForceAliasCreation: true });
  assert.equal((await deps.store.users.get(pool.id, 'second'))!.attributes.email_verified, 'true');
  assert.equal((await deps.store.users.get(pool.id, 'first'))!.attributes.email_verified, 'false');
});

test('a phone number confirmed by SMS code gets phone_number_verified', async () => {
  const { pool, signUp, confirm } = await setup({ AutoVerifiedAttributes: ['phone_number'] });
  await signUp({ Username: 'gil', UserAttributes: [{ Name: 'phone_number', Value: '+15555550142' }, { Name: 'email', Value: 'gil@example.com' }] });
  await confirm('gil', await codeSentTo('+15555550142'));
  assert.deepEqual((await deps.store.users.get(pool.id, 'gil'))!.attributes, {
    email: 'gil@example.com',
    phone_number: '+15555550142',
    phone_number_verified: 'true',
  });
});
