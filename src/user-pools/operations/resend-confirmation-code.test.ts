import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDelivery, readOutbox } from '../../runtime/delivery.ts';
import type { FixedClock } from '../../runtime/clock.ts';
import { checkOutput } from '../../protocol/validate.ts';
import { ctx, errorOf, model, signUpFixture, type SignUpFixture, type TestDeps } from '../../../test/support/fixtures.ts';
import op from './resend-confirmation-code.ts';

const HOUR = 3600_000;
let deps: TestDeps;
let clock: FixedClock;
let setup: SignUpFixture['setup'];
let codeSentTo: SignUpFixture['codeSentTo'];

before(async () => {
  ({ deps, clock, setup, codeSentTo } = await signUpFixture('resend'));
});

const LIMIT: [string, string] = ['LimitExceededException', 'Attempt limit exceeded, please try after some time.'];

test('sends a new code to the auto-verified attribute and answers where it went', async () => {
  const { signUp, resend, confirm } = await setup();
  await signUp({ Username: 'alice', UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }] });
  clock.advance(1);
  const out = await resend('alice');
  assert.deepEqual(checkOutput(model, 'ResendConfirmationCode', out), []);
  assert.deepEqual(out, { CodeDeliveryDetails: { Destination: 'a***@e***.com', DeliveryMedium: 'EMAIL', AttributeName: 'email' } });
  const messages = await readOutbox(deps, 'alice@example.com', 10);
  assert.equal(messages.length, 2);
  assert.equal(messages[0]!.subject, 'Your verification code');
  await confirm('alice', await codeSentTo('alice@example.com'));
});

test('a confirmed user: InvalidParameterException "User is already confirmed."', async () => {
  const { signUp, resend, confirm } = await setup();
  await signUp({ Username: 'bob', UserAttributes: [{ Name: 'email', Value: 'bob@example.com' }] });
  await confirm('bob', await codeSentTo('bob@example.com'));
  assert.deepEqual(await errorOf(resend('bob')), ['InvalidParameterException', 'User is already confirmed.']);
});

test('five resends per user and hour, then LimitExceededException', async () => {
  const { signUp, resend } = await setup();
  await signUp({ Username: 'carol', UserAttributes: [{ Name: 'email', Value: 'carol@example.com' }] });
  for (let i = 0; i < 5; i++) await resend('carol');
  assert.deepEqual(await errorOf(resend('carol')), LIMIT);
  clock.advance(HOUR);
  await resend('carol');
});

test('unknown users: UserNotFoundException, or a simulated delivery when the client hides users', async () => {
  const legacy = await setup();
  assert.deepEqual(await errorOf(legacy.resend('nobody')), ['UserNotFoundException', 'Username/client id combination not found.']);
  const hiding = await setup({ AutoVerifiedAttributes: ['email'] }, { PreventUserExistenceErrors: 'ENABLED' });
  const a = await hiding.resend('nobody');
  assert.deepEqual(a, await hiding.resend('nobody'), 'the same answer for the same name');
  assert.equal(a.CodeDeliveryDetails!.DeliveryMedium, 'EMAIL');
  assert.match(a.CodeDeliveryDetails!.Destination!, /^[a-z]\*\*\*@[a-z]\*\*\*\.com$/);
  assert.deepEqual(await hiding.resend('nobody@example.org'), {
    CodeDeliveryDetails: { Destination: 'n***@e***.org', DeliveryMedium: 'EMAIL', AttributeName: 'email' },
  });
  assert.equal((await readOutbox(deps, 'nobody@example.org', 1)).length, 0, 'nothing is sent');
});

test('a pool that verifies nothing the user has cannot resend', async () => {
  const { signUp, resend } = await setup({ AutoVerifiedAttributes: ['phone_number'] });
  await signUp({ Username: 'dan', UserAttributes: [{ Name: 'email', Value: 'dan@example.com' }] });
  assert.deepEqual(await errorOf(resend('dan')), ['InvalidParameterException', 'Cannot resend codes. Auto verification not turned on.']);
});

test('SECRET_HASH is required for a client with a secret', async () => {
  const { client, signUp } = await setup({ AutoVerifiedAttributes: ['email'] }, { GenerateSecret: true });
  await signUp({ Username: 'erin', UserAttributes: [{ Name: 'email', Value: 'erin@example.com' }] });
  assert.deepEqual(await errorOf(op.handle({ ClientId: client.ClientId!, Username: 'erin' }, deps, ctx)), [
    'NotAuthorizedException',
    `Client ${client.ClientId} is configured for secret but secret was not received`,
  ]);
});

test('a failed SMS: CodeDeliveryFailureException, recorded as failed in the outbox', async () => {
  const { signUp, resend } = await setup({ AutoVerifiedAttributes: ['phone_number'] });
  await signUp({ Username: 'fay', UserAttributes: [{ Name: 'phone_number', Value: '+15555550177' }] });
  const saved = deps.delivery;
  deps.delivery = makeDelivery(deps, {
    sms: {
      async send() {
        throw new Error('SMS webhook answered HTTP 503');
      },
    },
  });
  try {
    clock.advance(1);
    assert.deepEqual(await errorOf(resend('fay')), ['CodeDeliveryFailureException', 'Invalid phone number provided/Unable to send the message.']);
    const [m] = await readOutbox(deps, '+15555550177', 1);
    assert.equal(m!.delivery, 'failed: SMS webhook answered HTTP 503');
  } finally {
    deps.delivery = saved;
  }
});
