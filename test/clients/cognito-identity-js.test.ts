// amazon-cognito-identity-js, unmodified, against a real Cognate server: its default SRP sign-in, the password flow,
// NEW_PASSWORD_REQUIRED and refresh. The library has no client-secret support, so its app clients have no secret.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  type CognitoUserSession,
} from 'amazon-cognito-identity-js';
import { CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createTestUser, getTestUser } from '../support/users.ts';
import type { PoolRecord } from '../../src/storage/records.ts';

let s: TestServer;
let pool: PoolRecord;
let srpClientId: string; // created without ExplicitAuthFlows: SRP, custom and refresh, no secret
let passwordClientId: string;
const PW = 'Passw0rd!';

before(async () => {
  s = await startTestServer();
  const id = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'identity-js' }))).UserPool!.Id!;
  pool = (await s.deps.store.pools.get(id))!;
  srpClientId = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: id, ClientName: 'web' }))).UserPoolClient!.ClientId!;
  passwordClientId = (
    await s.idp.send(
      new CreateUserPoolClientCommand({ UserPoolId: id, ClientName: 'pw', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
    )
  ).UserPoolClient!.ClientId!;
  await createTestUser(s.deps, pool, 'alice', PW, { attributes: { email: 'alice@example.com', email_verified: 'true' } });
  await createTestUser(s.deps, pool, 'newbie', 'Temp0rary!', { status: 'FORCE_CHANGE_PASSWORD', attributes: { email: 'newbie@example.com' } });
});
after(() => s.close());

const userPool = (ClientId: string) => new CognitoUserPool({ UserPoolId: pool.id, ClientId, endpoint: s.url + '/' });

type Outcome =
  | { kind: 'success'; session: CognitoUserSession }
  | { kind: 'failure'; err: { code?: string; name?: string; message: string } }
  | { kind: 'newPasswordRequired'; userAttributes: Record<string, string>; requiredAttributes: string[] };

function authenticate(user: CognitoUser, Username: string, Password: string): Promise<Outcome> {
  return new Promise((resolve) =>
    user.authenticateUser(new AuthenticationDetails({ Username, Password }), {
      onSuccess: (session) => resolve({ kind: 'success', session }),
      onFailure: (err) => resolve({ kind: 'failure', err }),
      newPasswordRequired: (userAttributes, requiredAttributes) => resolve({ kind: 'newPasswordRequired', userAttributes, requiredAttributes }),
    }),
  );
}

async function verifies(session: CognitoUserSession, clientId: string): Promise<Record<string, unknown>> {
  const issuer = `${s.url}/${pool.id}`;
  const keys = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  const id = await jwtVerify(session.getIdToken().getJwtToken(), keys, { issuer, audience: clientId });
  const access = await jwtVerify(session.getAccessToken().getJwtToken(), keys, { issuer });
  assert.equal(access.payload.client_id, clientId);
  return id.payload;
}

test('authenticateUser (default USER_SRP_AUTH) succeeds and the tokens verify', async () => {
  const user = new CognitoUser({ Username: 'alice', Pool: userPool(srpClientId) });
  const out = await authenticate(user, 'alice', PW);
  assert.equal(out.kind, 'success', JSON.stringify(out));
  if (out.kind !== 'success') return;
  assert.equal(out.session.isValid(), true);
  const id = await verifies(out.session, srpClientId);
  assert.equal(id['cognito:username'], 'alice');
  assert.equal(id.email, 'alice@example.com');
  assert.ok(out.session.getRefreshToken().getToken());
});

test('a wrong password ends in onFailure with NotAuthorizedException', async () => {
  const user = new CognitoUser({ Username: 'alice', Pool: userPool(srpClientId) });
  const out = await authenticate(user, 'alice', 'wrong-password');
  assert.equal(out.kind, 'failure');
  if (out.kind !== 'failure') return;
  assert.equal(out.err.code, 'NotAuthorizedException');
  assert.equal(out.err.message, 'Incorrect username or password.');
});

test('an unknown user ends in onFailure with UserNotFoundException (LEGACY client)', async () => {
  const out = await authenticate(new CognitoUser({ Username: 'ghost', Pool: userPool(srpClientId) }), 'ghost', PW);
  assert.equal(out.kind === 'failure' && out.err.code, 'UserNotFoundException');
});

test('USER_PASSWORD_AUTH, then refreshSession (REFRESH_TOKEN_AUTH)', async () => {
  const user = new CognitoUser({ Username: 'alice', Pool: userPool(passwordClientId) });
  user.setAuthenticationFlowType('USER_PASSWORD_AUTH');
  const out = await authenticate(user, 'alice', PW);
  assert.equal(out.kind, 'success', JSON.stringify(out));
  if (out.kind !== 'success') return;
  const refreshed = await new Promise<CognitoUserSession>((resolve, reject) =>
    user.refreshSession(out.session.getRefreshToken(), (err: Error | null, session: CognitoUserSession) => (err ? reject(err) : resolve(session))),
  );
  await verifies(refreshed, passwordClientId);
  // Cognito sends no new refresh token on this flow; the library keeps the one it has.
  assert.equal(refreshed.getRefreshToken().getToken(), out.session.getRefreshToken().getToken());
  const srpOnly = await authenticate(new CognitoUser({ Username: 'alice', Pool: userPool(passwordClientId) }), 'alice', PW);
  assert.equal(srpOnly.kind === 'failure' && srpOnly.err.message, 'USER_SRP_AUTH is not enabled for the client.');
});

test('newPasswordRequired, then completeNewPasswordChallenge', async () => {
  const user = new CognitoUser({ Username: 'newbie', Pool: userPool(srpClientId) });
  const out = await authenticate(user, 'newbie', 'Temp0rary!');
  assert.equal(out.kind, 'newPasswordRequired', JSON.stringify(out));
  if (out.kind !== 'newPasswordRequired') return;
  assert.deepEqual(out.userAttributes, { email: 'newbie@example.com' });
  assert.deepEqual(out.requiredAttributes, []);
  const session = await new Promise<CognitoUserSession>((resolve, reject) =>
    user.completeNewPasswordChallenge('N3w-Passw0rd', {}, { onSuccess: resolve, onFailure: reject }),
  );
  await verifies(session, srpClientId);
  assert.equal((await getTestUser(s.deps, pool, 'newbie')).status, 'CONFIRMED');
  const again = await authenticate(new CognitoUser({ Username: 'newbie', Pool: userPool(srpClientId) }), 'newbie', 'N3w-Passw0rd');
  assert.equal(again.kind, 'success');
});

test('a client that hides users: sign-in by email alias, and by an email nobody has (a UUID USER_ID_FOR_SRP, then a wrong password)', async () => {
  const id = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'identity-js-alias', AliasAttributes: ['email'] }))).UserPool!.Id!;
  const aliasPool = (await s.deps.store.pools.get(id))!;
  const ClientId = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: id, ClientName: 'web', PreventUserExistenceErrors: 'ENABLED' }))).UserPoolClient!
    .ClientId!;
  await createTestUser(s.deps, aliasPool, 'carol', PW, { attributes: { email: 'carol@example.com', email_verified: 'true' } });
  const Pool = new CognitoUserPool({ UserPoolId: id, ClientId, endpoint: s.url + '/' });
  const carol = new CognitoUser({ Username: 'Carol@Example.com', Pool });
  const out = await authenticate(carol, 'Carol@Example.com', PW);
  assert.equal(out.kind, 'success', JSON.stringify(out));
  if (out.kind !== 'success') return;
  // The library signs with USER_ID_FOR_SRP (the username, as on AWS) and keeps it as the user's name.
  assert.equal(carol.getUsername(), 'carol');
  assert.equal(out.session.getIdToken().payload['cognito:username'], 'carol');
  const failure = { kind: 'failure', code: 'NotAuthorizedException', message: 'Incorrect username or password.' };
  const result = (o: Outcome) => (o.kind === 'failure' ? { kind: o.kind, code: o.err.code, message: o.err.message } : { kind: o.kind });
  assert.deepEqual(result(await authenticate(new CognitoUser({ Username: 'carol@example.com', Pool }), 'carol@example.com', 'wrong-password')), failure);
  const ghost = new CognitoUser({ Username: 'ghost@example.com', Pool });
  assert.deepEqual(result(await authenticate(ghost, 'ghost@example.com', PW)), failure);
  assert.match(ghost.getUsername(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'the simulated USER_ID_FOR_SRP');
});
