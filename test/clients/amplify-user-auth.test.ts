// Amplify JS v6 (aws-amplify), unmodified, with choice-based sign-in (USER_AUTH): passwordless email-OTP sign-in
// (preferredChallenge EMAIL_OTP → CONFIRM_SIGN_IN_WITH_EMAIL_CODE → the code from the outbox → DONE), and
// CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION without a preference. Runs on PostgreSQL too when
// COGNATE_TEST_DATABASE_URL is set.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import { autoSignIn, confirmSignIn, confirmSignUp, fetchAuthSession, signIn, signOut, signUp } from 'aws-amplify/auth';
import { CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { FixedClock } from '../../src/runtime/clock.ts';
import type { TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { codeSentTo, createConfirmedUser } from '../support/mfa.ts';

const PW = 'Passw0rd!';
const clock = new FixedClock(Date.now());
let s: TestServer;

before(async () => {
  s = await startServerOnStoreUnderTest(clock, 'amplify_user_auth', 2, { dev: true });
});
after(async () => {
  await signOut().catch(() => {});
  await s.close();
});
testOnPostgres(() => s);

/** A pool allowing PASSWORD and EMAIL_OTP first, a USER_AUTH app client for Amplify, and a user with an email. */
async function poolWithUser(name: string, Username: string, email: string) {
  const UserPoolId = (
    await s.idp.send(new CreateUserPoolCommand({ PoolName: name, Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] } } }))
  ).UserPool!.Id!;
  const clientId = (
    await s.idp.send(
      new CreateUserPoolClientCommand({ UserPoolId, ClientName: 'amplify', ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
    )
  ).UserPoolClient!.ClientId!;
  await createConfirmedUser(s.idp, UserPoolId, Username, PW, { email });
  Amplify.configure({ Auth: { Cognito: { userPoolId: UserPoolId, userPoolClientId: clientId, userPoolEndpoint: s.url } } });
}

test('passwordless email OTP: USER_AUTH + EMAIL_OTP → CONFIRM_SIGN_IN_WITH_EMAIL_CODE → confirmSignIn(code) → DONE', async () => {
  await poolWithUser('amplify-otp', 'olga', 'olga@example.com');
  const first = await signIn({ username: 'olga', options: { authFlowType: 'USER_AUTH', preferredChallenge: 'EMAIL_OTP' } });
  assert.equal(first.isSignedIn, false);
  assert.equal(first.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
  const { code } = await codeSentTo(s.url, 'olga@example.com');
  const done = await confirmSignIn({ challengeResponse: code });
  assert.equal(done.isSignedIn, true);
  assert.equal(done.nextStep.signInStep, 'DONE');
  await signOut();
});

test('no preference: CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION, then the password', async () => {
  await poolWithUser('amplify-select', 'fran', 'fran@example.com');
  const first = await signIn({ username: 'fran', options: { authFlowType: 'USER_AUTH' } });
  assert.equal(first.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION');
  if (first.nextStep.signInStep !== 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION') return;
  assert.deepEqual(first.nextStep.availableChallenges, ['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP']);
  const chosen = await confirmSignIn({ challengeResponse: 'PASSWORD' });
  assert.equal(chosen.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_PASSWORD');
  const done = await confirmSignIn({ challengeResponse: PW });
  assert.equal(done.nextStep.signInStep, 'DONE');
  await signOut();
});

test('passwordless sign-up with autoSignIn: signUp (no password) → confirmSignUp(code) → COMPLETE_AUTO_SIGN_IN → autoSignIn() → DONE, no second code', async () => {
  const UserPoolId = (
    await s.idp.send(
      new CreateUserPoolCommand({ PoolName: 'amplify-autosignin', AutoVerifiedAttributes: ['email'], Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] } } }),
    )
  ).UserPool!.Id!;
  const clientId = (
    await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId, ClientName: 'amplify', ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))
  ).UserPoolClient!.ClientId!;
  Amplify.configure({ Auth: { Cognito: { userPoolId: UserPoolId, userPoolClientId: clientId, userPoolEndpoint: s.url } } });
  const up = await signUp({
    username: 'nina',
    options: { userAttributes: { email: 'nina@example.com' }, autoSignIn: { authFlowType: 'USER_AUTH' } },
  });
  assert.equal(up.nextStep.signUpStep, 'CONFIRM_SIGN_UP');
  const { code } = await codeSentTo(s.url, 'nina@example.com');
  const confirmed = await confirmSignUp({ username: 'nina', confirmationCode: code });
  assert.equal(confirmed.nextStep.signUpStep, 'COMPLETE_AUTO_SIGN_IN');
  const done = await autoSignIn();
  assert.equal(done.isSignedIn, true);
  assert.equal(done.nextStep.signInStep, 'DONE');
  const { tokens } = await fetchAuthSession();
  assert.equal(tokens?.idToken?.payload['cognito:username'], 'nina');
  await signOut();
});
