// Amplify JS v6 (aws-amplify), unmodified, under Node against a real Cognate server: signIn (default USER_SRP_AUTH and
// USER_PASSWORD_AUTH), NEW_PASSWORD_REQUIRED via confirmSignIn, fetchAuthSession({forceRefresh}) and signOut.
//
// Node 20 has fetch and globalThis.crypto (webcrypto), which is all Amplify's SRP and HTTP code need; its default
// token store falls back to an in-memory store when there is no window.localStorage.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchAuthSession, getCurrentUser, signIn, signOut } from 'aws-amplify/auth';
import { CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createTestUser, getTestUser } from '../support/users.ts';
import type { PoolRecord } from '../../src/storage/records.ts';

let s: TestServer;
let pool: PoolRecord;
let clientId: string;
const PW = 'Passw0rd!';

before(async () => {
  s = await startTestServer();
  const id = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'amplify' }))).UserPool!.Id!;
  pool = (await s.deps.store.pools.get(id))!;
  clientId = (
    await s.idp.send(
      new CreateUserPoolClientCommand({
        UserPoolId: id,
        ClientName: 'amplify',
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    )
  ).UserPoolClient!.ClientId!;
  await createTestUser(s.deps, pool, 'alice', PW, { attributes: { email: 'alice@example.com', email_verified: 'true' } });
  await createTestUser(s.deps, pool, 'newbie', 'Temp0rary!', { status: 'FORCE_CHANGE_PASSWORD' });
  Amplify.configure({ Auth: { Cognito: { userPoolId: id, userPoolClientId: clientId, userPoolEndpoint: s.url } } });
});
after(async () => {
  await signOut().catch(() => {});
  await s.close();
});

async function verify(token: string, audience?: string) {
  const issuer = `${s.url}/${pool.id}`;
  const keys = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  return (await jwtVerify(token, keys, { issuer, ...(audience ? { audience } : {}) })).payload;
}

test('signIn (USER_SRP_AUTH) → fetchAuthSession({forceRefresh}) → signOut', async () => {
  const out = await signIn({ username: 'alice', password: PW });
  assert.equal(out.isSignedIn, true);
  assert.equal(out.nextStep.signInStep, 'DONE');
  assert.equal((await getCurrentUser()).username, 'alice');

  const first = await fetchAuthSession();
  const idToken = first.tokens!.idToken!.toString();
  assert.equal((await verify(idToken, clientId))['cognito:username'], 'alice');

  // Amplify refreshes with GetTokensFromRefreshToken.
  const refreshed = await fetchAuthSession({ forceRefresh: true });
  const access = refreshed.tokens!.accessToken.toString();
  assert.notEqual(access, first.tokens!.accessToken.toString());
  assert.equal((await verify(access)).client_id, clientId);

  // signOut revokes the refresh token (RevokeToken): its session is marked revoked in the store.
  await signOut();
  await assert.rejects(getCurrentUser(), (e: Error) => e.name === 'UserUnAuthenticatedException');
  const sessions = await s.deps.store.sessions.get(String((await verify(access)).origin_jti));
  assert.notEqual(sessions?.revokedAt, null);
});

test('a wrong password rejects with NotAuthorizedException', async () => {
  await assert.rejects(signIn({ username: 'alice', password: 'wrong-password' }), (e: Error) => {
    assert.equal(e.name, 'NotAuthorizedException');
    assert.equal(e.message, 'Incorrect username or password.');
    return true;
  });
});

test('signIn with USER_PASSWORD_AUTH', async () => {
  const out = await signIn({ username: 'alice', password: PW, options: { authFlowType: 'USER_PASSWORD_AUTH' } });
  assert.equal(out.isSignedIn, true);
  await signOut();
});

test('NEW_PASSWORD_REQUIRED: CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED, then confirmSignIn', async () => {
  const out = await signIn({ username: 'newbie', password: 'Temp0rary!' });
  assert.equal(out.isSignedIn, false);
  assert.equal(out.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED');
  const done = await confirmSignIn({ challengeResponse: 'N3w-Passw0rd' });
  assert.equal(done.isSignedIn, true);
  assert.equal((await getTestUser(s.deps, pool, 'newbie')).status, 'CONFIRMED');
  await signOut();
});
