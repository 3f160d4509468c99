import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOutput } from '../../protocol/validate.ts';
import { ctx, errorOf, model, signUpFixture, type SignUpFixture, type TestDeps } from '../../../test/support/fixtures.ts';
import op from './admin-confirm-sign-up.ts';

let deps: TestDeps;
let setup: SignUpFixture['setup'];
let codeSentTo: SignUpFixture['codeSentTo'];

before(async () => {
  ({ deps, setup, codeSentTo } = await signUpFixture('adminconfirm'));
});

test('confirms an UNCONFIRMED user without a code; nothing becomes verified', async () => {
  const { pool, signUp, confirm } = await setup();
  await signUp({ Username: 'alice', UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }] });
  const code = await codeSentTo('alice@example.com');
  const out = await op.handle({ UserPoolId: pool.id, Username: 'alice' }, deps, ctx);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'AdminConfirmSignUp', out), []);
  const user = (await deps.store.users.get(pool.id, 'alice'))!;
  assert.equal(user.status, 'CONFIRMED');
  assert.deepEqual(user.attributes, { email: 'alice@example.com' });
  assert.equal(await deps.store.codes.get(pool.id, 'alice', 'signup'), null, 'the sign-up code is gone');
  assert.deepEqual(await errorOf(confirm('alice', code)), ['NotAuthorizedException', 'User cannot be confirmed. Current status is CONFIRMED']);
});

test('a user who is not UNCONFIRMED: NotAuthorizedException naming the status', async () => {
  const { pool, signUp } = await setup();
  await signUp({ Username: 'bob' });
  await op.handle({ UserPoolId: pool.id, Username: 'bob' }, deps, ctx);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'bob' }, deps, ctx)), [
    'NotAuthorizedException',
    'User cannot be confirmed. Current status is CONFIRMED',
  ]);
});

test('unknown users and pools', async () => {
  const { pool } = await setup();
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'nobody' }, deps, ctx)), ['UserNotFoundException', 'User does not exist.']);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_nosuchpool', Username: 'x' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_nosuchpool does not exist.',
  ]);
});

test('email-as-username pools: the email names the user', async () => {
  const { pool, signUp } = await setup({ UsernameAttributes: ['email'] });
  const { UserSub } = await signUp({ Username: 'carol@example.com' });
  await op.handle({ UserPoolId: pool.id, Username: 'Carol@Example.com' }, deps, ctx);
  assert.equal((await deps.store.users.getBySub(pool.id, UserSub))!.status, 'CONFIRMED');
});
