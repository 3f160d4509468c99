// Sign-in through the real AWS SDK: every flow (password, admin password, SRP with the real client's maths, refresh),
// NEW_PASSWORD_REQUIRED, SECRET_HASH, status gates, lockout, session expiry — and the exact wire bodies.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type AuthFlowType,
  type CreateUserPoolClientCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { awsErrorOf, startTestServer, type TestServer } from '../support/server.ts';
import { ALL_FLOWS, createTestUser, getTestUser, secretHashOf, srpClient } from '../support/users.ts';
import { FixedClock } from '../../src/runtime/clock.ts';
import type { PoolRecord } from '../../src/storage/records.ts';

let s: TestServer;
// Near the real time: SigV4 allows 15 minutes of skew; the clock moves by hand for lockouts and session expiry.
const clock = new FixedClock(Date.now());
let pool: PoolRecord;
let clientId: string; // every flow, LEGACY
let secretClient: { id: string; secret: string };
let strictClientId: string; // PreventUserExistenceErrors ENABLED
let defaultClientId: string; // no ExplicitAuthFlows
const PW = 'Passw0rd!';

async function newClient(over: Partial<CreateUserPoolClientCommandInput> = {}) {
  const c = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool.id, ClientName: 'app', ExplicitAuthFlows: ALL_FLOWS, ...over })))
    .UserPoolClient!;
  return { id: c.ClientId!, secret: c.ClientSecret };
}

before(async () => {
  s = await startTestServer({ clock });
  const id = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'sign-in' }))).UserPool!.Id!;
  pool = (await s.deps.store.pools.get(id))!;
  clientId = (await newClient()).id;
  const sc = await newClient({ GenerateSecret: true });
  secretClient = { id: sc.id, secret: sc.secret! };
  strictClientId = (await newClient({ PreventUserExistenceErrors: 'ENABLED' })).id;
  defaultClientId = (await newClient({ ExplicitAuthFlows: undefined })).id;
  await createTestUser(s.deps, pool, 'alice', PW, { attributes: { email: 'alice@example.com', email_verified: 'true' } });
});
after(() => s.close());

const initiate = (AuthFlow: AuthFlowType, AuthParameters: Record<string, string>, ClientId = clientId) =>
  s.idp.send(new InitiateAuthCommand({ AuthFlow, ClientId, AuthParameters }));

/** Raw POST of an idp operation: the exact JSON the server answers. */
async function raw(op: string, body: unknown): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const r = await fetch(s.url + '/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${op}` },
    body: JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown>, headers: r.headers };
}

async function srpSignIn(USERNAME: string, password: string, o: { clientId?: string; hash?: (name: string) => string; admin?: boolean } = {}) {
  const ClientId = o.clientId ?? clientId;
  const srp = await srpClient(pool.id);
  const AuthParameters = { USERNAME, SRP_A: srp.A, ...(o.hash ? { SECRET_HASH: o.hash(USERNAME) } : {}) };
  const first = o.admin
    ? await s.idp.send(new AdminInitiateAuthCommand({ UserPoolId: pool.id, ClientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters }))
    : await s.idp.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters }));
  const answer = await srp.answer(first.ChallengeParameters!, password);
  const ChallengeResponses = { ...answer, ...(o.hash ? { SECRET_HASH: o.hash(answer.USERNAME!) } : {}) };
  const respond = () =>
    o.admin
      ? s.idp.send(new AdminRespondToAuthChallengeCommand({ UserPoolId: pool.id, ClientId, ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses }))
      : s.idp.send(new RespondToAuthChallengeCommand({ ClientId, ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses, Session: first.Session }));
  return { first, respond };
}

// ---------------------------------------------------------------------------------------------------------

test('USER_PASSWORD_AUTH on the wire: ChallengeParameters {} next to the tokens; the tokens verify with the JWKS', async () => {
  const r = await raw('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', PASSWORD: PW } });
  assert.equal(r.status, 200);
  assert.deepEqual(Object.keys(r.json), ['ChallengeParameters', 'AuthenticationResult']);
  assert.deepEqual(r.json.ChallengeParameters, {});
  const result = r.json.AuthenticationResult as Record<string, string | number>;
  assert.deepEqual(Object.keys(result), ['AccessToken', 'ExpiresIn', 'TokenType', 'RefreshToken', 'IdToken']);
  assert.equal(result.TokenType, 'Bearer');
  const issuer = `${s.url}/${pool.id}`;
  const keys = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  const id = await jwtVerify(result.IdToken as string, keys, { issuer, audience: clientId, currentDate: new Date(clock.now()) });
  assert.equal(id.payload['cognito:username'], 'alice');
  assert.equal(id.payload.email, 'alice@example.com');
  const access = await jwtVerify(result.AccessToken as string, keys, { issuer, currentDate: new Date(clock.now()) });
  assert.equal(access.payload.client_id, clientId);
  // The access token works for the self-service API.
  const me = await s.idp.send(new GetUserCommand({ AccessToken: result.AccessToken as string }));
  assert.equal(me.Username, 'alice');
});

test('USER_SRP_AUTH with the real client maths: PASSWORD_VERIFIER without a Session, then tokens', async () => {
  const srp = await srpClient(pool.id);
  const r = await raw('InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', SRP_A: srp.A } });
  assert.deepEqual(Object.keys(r.json), ['ChallengeName', 'ChallengeParameters']);
  assert.equal(r.json.ChallengeName, 'PASSWORD_VERIFIER');
  const p = r.json.ChallengeParameters as Record<string, string>;
  assert.deepEqual(Object.keys(p), ['SALT', 'SECRET_BLOCK', 'SRP_B', 'USERNAME', 'USER_ID_FOR_SRP']);
  assert.equal(p.USER_ID_FOR_SRP, 'alice');
  const out = await s.idp.send(
    new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: await srp.answer(p, PW) }),
  );
  assert.deepEqual(out.ChallengeParameters, {});
  assert.ok(out.AuthenticationResult?.RefreshToken);
  assert.deepEqual(await awsErrorOf(() => srpSignIn('alice', 'wrong').then((x) => x.respond())), {
    name: 'NotAuthorizedException',
    message: 'Incorrect username or password.',
    status: 400,
  });
});

test('AdminInitiateAuth: ADMIN_USER_PASSWORD_AUTH, ADMIN_NO_SRP_AUTH, USER_SRP_AUTH, REFRESH_TOKEN_AUTH', async () => {
  const base = { UserPoolId: pool.id, ClientId: clientId };
  let refresh = '';
  for (const AuthFlow of ['ADMIN_USER_PASSWORD_AUTH', 'ADMIN_NO_SRP_AUTH'] as const) {
    const out = await s.idp.send(new AdminInitiateAuthCommand({ ...base, AuthFlow, AuthParameters: { USERNAME: 'alice', PASSWORD: PW } }));
    assert.ok(out.AuthenticationResult?.AccessToken, AuthFlow);
    refresh = out.AuthenticationResult!.RefreshToken!;
  }
  assert.ok((await (await srpSignIn('alice', PW, { admin: true })).respond()).AuthenticationResult?.IdToken);
  const out = await s.idp.send(new AdminInitiateAuthCommand({ ...base, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refresh } }));
  assert.ok(out.AuthenticationResult?.AccessToken);
  assert.equal(out.AuthenticationResult?.RefreshToken, undefined);
  // Unsigned, the admin operation is refused at the edge.
  const r = await raw('AdminInitiateAuth', { ...base, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD: PW } });
  assert.ok(r.status >= 400, `status ${r.status}`);
  assert.equal(typeof r.json.__type, 'string');
  assert.equal(r.json.AuthenticationResult, undefined);
});

test('REFRESH_TOKEN_AUTH and REFRESH_TOKEN: new ID and access tokens, no RefreshToken on the wire', async () => {
  const first = (await initiate('USER_PASSWORD_AUTH', { USERNAME: 'alice', PASSWORD: PW })).AuthenticationResult!;
  for (const AuthFlow of ['REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN']) {
    const r = await raw('InitiateAuth', { AuthFlow, ClientId: clientId, AuthParameters: { REFRESH_TOKEN: first.RefreshToken } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.deepEqual(r.json.ChallengeParameters, {});
    assert.deepEqual(Object.keys(r.json.AuthenticationResult as object), ['AccessToken', 'ExpiresIn', 'TokenType', 'IdToken']);
  }
  assert.deepEqual(await awsErrorOf(() => initiate('REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: 'garbage' })), {
    name: 'NotAuthorizedException',
    message: 'Invalid Refresh Token.',
    status: 400,
  });
});

test('flow and parameter errors', async () => {
  const cases: [() => Promise<unknown>, string, string][] = [
    [() => initiate('USER_PASSWORD_AUTH', { USERNAME: 'alice', PASSWORD: PW }, defaultClientId), 'InvalidParameterException', 'USER_PASSWORD_AUTH flow not enabled for this client'],
    [
      () => s.idp.send(new AdminInitiateAuthCommand({ UserPoolId: pool.id, ClientId: defaultClientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD: PW } })),
      'InvalidParameterException',
      'Auth flow not enabled for this client',
    ],
    [() => initiate('ADMIN_USER_PASSWORD_AUTH', { USERNAME: 'alice', PASSWORD: PW }), 'InvalidParameterException', 'Initiate Auth method not supported.'],
    [() => initiate('USER_PASSWORD_AUTH', { PASSWORD: PW }), 'InvalidParameterException', 'Missing required parameter USERNAME'],
    [() => initiate('USER_PASSWORD_AUTH', { USERNAME: 'alice' }), 'InvalidParameterException', 'Missing required parameter PASSWORD'],
    [() => initiate('USER_SRP_AUTH', { USERNAME: 'alice' }), 'InvalidParameterException', 'Missing required parameter SRP_A'],
    [() => initiate('REFRESH_TOKEN_AUTH', {}), 'InvalidParameterException', 'Missing required parameter REFRESH_TOKEN'],
    [() => initiate('USER_PASSWORD_AUTH', { USERNAME: 'alice', PASSWORD: PW }, 'nosuchclient0000000000000a'), 'ResourceNotFoundException', 'User pool client nosuchclient0000000000000a does not exist.'],
  ];
  for (const [call, name, message] of cases) assert.deepEqual(await awsErrorOf(call), { name, message, status: 400 });
});

test('SECRET_HASH: required on every step for a client with a secret; lenient about the name hashed', async () => {
  const hash = (name: string) => secretHashOf(secretClient.secret, name, secretClient.id);
  assert.deepEqual(await awsErrorOf(() => initiate('USER_PASSWORD_AUTH', { USERNAME: 'alice', PASSWORD: PW }, secretClient.id)), {
    name: 'NotAuthorizedException',
    message: `Client ${secretClient.id} is configured for secret but secret was not received`,
    status: 400,
  });
  assert.deepEqual(await awsErrorOf(() => initiate('USER_PASSWORD_AUTH', { USERNAME: 'alice', PASSWORD: PW, SECRET_HASH: hash('mallory') }, secretClient.id)), {
    name: 'NotAuthorizedException',
    message: `Unable to verify secret hash for client ${secretClient.id}`,
    status: 400,
  });
  const alice = await getTestUser(s.deps, pool, 'alice');
  for (const name of ['alice', alice.sub, 'alice@example.com'])
    assert.ok((await initiate('USER_PASSWORD_AUTH', { USERNAME: 'alice', PASSWORD: PW, SECRET_HASH: hash(name) }, secretClient.id)).AuthenticationResult);
  const srp = await srpSignIn('alice', PW, { clientId: secretClient.id, hash });
  const out = await srp.respond();
  assert.ok(out.AuthenticationResult);
  const refreshed = await initiate('REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: out.AuthenticationResult!.RefreshToken!, SECRET_HASH: hash('alice') }, secretClient.id);
  assert.ok(refreshed.AuthenticationResult?.IdToken);
});

test('unknown users: UserNotFoundException (LEGACY) or "Incorrect username or password." and a simulated SRP challenge (ENABLED)', async () => {
  assert.deepEqual(await awsErrorOf(() => initiate('USER_PASSWORD_AUTH', { USERNAME: 'ghost', PASSWORD: PW })), {
    name: 'UserNotFoundException',
    message: 'User does not exist.',
    status: 400,
  });
  assert.deepEqual(await awsErrorOf(() => initiate('USER_PASSWORD_AUTH', { USERNAME: 'ghost', PASSWORD: PW }, strictClientId)), {
    name: 'NotAuthorizedException',
    message: 'Incorrect username or password.',
    status: 400,
  });
  const srp = await srpClient(pool.id);
  assert.equal((await awsErrorOf(() => initiate('USER_SRP_AUTH', { USERNAME: 'ghost', SRP_A: srp.A }))).name, 'UserNotFoundException');
  const a = await srpSignIn('ghost', 'whatever', { clientId: strictClientId });
  const b = await srpSignIn('ghost', 'whatever', { clientId: strictClientId });
  assert.equal(a.first.ChallengeName, 'PASSWORD_VERIFIER');
  assert.equal(a.first.ChallengeParameters!.SALT, b.first.ChallengeParameters!.SALT);
  assert.deepEqual(await awsErrorOf(() => a.respond()), { name: 'NotAuthorizedException', message: 'Incorrect username or password.', status: 400 });
});

test('status gates: unconfirmed, reset required, disabled, expired temporary password', async () => {
  await createTestUser(s.deps, pool, 'unconfirmed', PW, { status: 'UNCONFIRMED' });
  await createTestUser(s.deps, pool, 'reset', PW, { status: 'RESET_REQUIRED' });
  await createTestUser(s.deps, pool, 'disabled', PW, { enabled: false });
  await createTestUser(s.deps, pool, 'stale', 'Temp0rary!', { status: 'FORCE_CHANGE_PASSWORD', passwordSetAt: clock.now() - 8 * 86_400_000 });
  const cases: [string, string, string, string][] = [
    ['unconfirmed', 'wrong', 'UserNotConfirmedException', 'User is not confirmed.'],
    ['reset', PW, 'PasswordResetRequiredException', 'Password reset required for the user'],
    ['disabled', PW, 'NotAuthorizedException', 'User is disabled.'],
    ['stale', 'Temp0rary!', 'NotAuthorizedException', 'Temporary password has expired and must be reset by an administrator.'],
  ];
  for (const [USERNAME, PASSWORD, name, message] of cases)
    assert.deepEqual(await awsErrorOf(() => initiate('USER_PASSWORD_AUTH', { USERNAME, PASSWORD })), { name, message, status: 400 }, USERNAME);
});

test('NEW_PASSWORD_REQUIRED: userAttributes/requiredAttributes as JSON strings, then a new password and tokens', async () => {
  await createTestUser(s.deps, pool, 'newbie', 'Temp0rary!', { status: 'FORCE_CHANGE_PASSWORD', attributes: { email: 'newbie@example.com' } });
  const first = await initiate('USER_PASSWORD_AUTH', { USERNAME: 'newbie', PASSWORD: 'Temp0rary!' });
  assert.equal(first.ChallengeName, 'NEW_PASSWORD_REQUIRED');
  assert.deepEqual(first.ChallengeParameters, {
    USER_ID_FOR_SRP: 'newbie',
    requiredAttributes: '[]',
    userAttributes: '{"email":"newbie@example.com"}',
  });
  const respond = (NEW_PASSWORD: string, Session = first.Session) =>
    s.idp.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session, ChallengeResponses: { USERNAME: 'newbie', NEW_PASSWORD } }));
  assert.deepEqual(await awsErrorOf(() => respond('weakpassword')), {
    name: 'InvalidPasswordException',
    message: 'Password did not conform with policy: Password must have uppercase characters',
    status: 400,
  });
  const out = await respond('N3w-Passw0rd');
  assert.deepEqual(out.ChallengeParameters, {});
  assert.ok(out.AuthenticationResult?.AccessToken);
  assert.equal((await getTestUser(s.deps, pool, 'newbie')).status, 'CONFIRMED');
  assert.ok((await initiate('USER_PASSWORD_AUTH', { USERNAME: 'newbie', PASSWORD: 'N3w-Passw0rd' })).AuthenticationResult);
  // The same through the admin API.
  await createTestUser(s.deps, pool, 'newbie2', 'Temp0rary!', { status: 'FORCE_CHANGE_PASSWORD' });
  const base = { UserPoolId: pool.id, ClientId: clientId };
  const a = await s.idp.send(new AdminInitiateAuthCommand({ ...base, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'newbie2', PASSWORD: 'Temp0rary!' } }));
  const done = await s.idp.send(
    new AdminRespondToAuthChallengeCommand({ ...base, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: a.Session, ChallengeResponses: { USERNAME: 'newbie2', NEW_PASSWORD: 'N3w-Passw0rd' } }),
  );
  assert.ok(done.AuthenticationResult?.IdToken);
});

test('sessions expire after AuthSessionValidity and belong to their client', async () => {
  await createTestUser(s.deps, pool, 'slow', 'Temp0rary!', { status: 'FORCE_CHANGE_PASSWORD' });
  const first = await initiate('USER_PASSWORD_AUTH', { USERNAME: 'slow', PASSWORD: 'Temp0rary!' });
  const respond = (ClientId: string) =>
    s.idp.send(new RespondToAuthChallengeCommand({ ClientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: first.Session, ChallengeResponses: { USERNAME: 'slow', NEW_PASSWORD: 'N3w-Passw0rd' } }));
  assert.deepEqual(await awsErrorOf(() => respond(strictClientId)), { name: 'NotAuthorizedException', message: 'Invalid session for the user.', status: 400 });
  clock.advance(3 * 60_000);
  try {
    assert.deepEqual(await awsErrorOf(() => respond(clientId)), {
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user, session is expired.',
      status: 400,
    });
  } finally {
    clock.advance(-3 * 60_000);
  }
});

test('lockout: "Password attempts exceeded" after five failures, for the password flows and PASSWORD_VERIFIER', async () => {
  await createTestUser(s.deps, pool, 'locky', PW);
  for (let i = 0; i < 5; i++)
    assert.equal((await awsErrorOf(() => initiate('USER_PASSWORD_AUTH', { USERNAME: 'locky', PASSWORD: 'bad' }))).message, 'Incorrect username or password.');
  const locked = { name: 'NotAuthorizedException', message: 'Password attempts exceeded', status: 400 };
  assert.deepEqual(await awsErrorOf(() => initiate('USER_PASSWORD_AUTH', { USERNAME: 'locky', PASSWORD: PW })), locked);
  assert.deepEqual(
    await awsErrorOf(() => s.idp.send(new AdminInitiateAuthCommand({ UserPoolId: pool.id, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'locky', PASSWORD: PW } }))),
    locked,
  );
  const srp = await srpSignIn('locky', PW);
  assert.deepEqual(await awsErrorOf(() => srp.respond()), locked);
  clock.advance(1000);
  assert.ok((await (await srpSignIn('locky', PW)).respond()).AuthenticationResult, 'unlocked after 1 s; success clears');
  assert.equal((await awsErrorOf(() => initiate('USER_PASSWORD_AUTH', { USERNAME: 'locky', PASSWORD: 'bad' }))).message, 'Incorrect username or password.');
});

test('ENABLED: a wrong password on a disabled or unconfirmed user reads as for an unknown user; the status after a right one', async () => {
  await createTestUser(s.deps, pool, 'hid-off', PW, { enabled: false });
  await createTestUser(s.deps, pool, 'hid-unconfirmed', PW, { status: 'UNCONFIRMED' });
  const incorrect = { name: 'NotAuthorizedException', message: 'Incorrect username or password.', status: 400 };
  for (const USERNAME of ['hid-off', 'hid-unconfirmed', 'hid-ghost'])
    assert.deepEqual(await awsErrorOf(() => initiate('USER_PASSWORD_AUTH', { USERNAME, PASSWORD: 'wrong' }, strictClientId)), incorrect, USERNAME);
  assert.deepEqual(await awsErrorOf(() => initiate('USER_PASSWORD_AUTH', { USERNAME: 'hid-off', PASSWORD: PW }, strictClientId)), {
    name: 'NotAuthorizedException',
    message: 'User is disabled.',
    status: 400,
  });
  assert.deepEqual(await awsErrorOf(() => initiate('USER_PASSWORD_AUTH', { USERNAME: 'hid-unconfirmed', PASSWORD: PW }, strictClientId)), {
    name: 'UserNotConfirmedException',
    message: 'User is not confirmed.',
    status: 400,
  });
});

test('NEW_PASSWORD_REQUIRED on the wire: no verified flag, no malformed phone number, nothing stored', async () => {
  await createTestUser(s.deps, pool, 'eve', 'Temp0rary!', { status: 'FORCE_CHANGE_PASSWORD' });
  const base = { UserPoolId: pool.id, ClientId: clientId };
  const a = await s.idp.send(new AdminInitiateAuthCommand({ ...base, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'eve', PASSWORD: 'Temp0rary!' } }));
  const respond = (extra: Record<string, string>) =>
    s.idp.send(
      new AdminRespondToAuthChallengeCommand({
        ...base,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: a.Session,
        ChallengeResponses: { USERNAME: 'eve', NEW_PASSWORD: 'N3w-Passw0rd', ...extra },
      }),
    );
  assert.deepEqual(await awsErrorOf(() => respond({ 'userAttributes.email': 'bob@ex.com', 'userAttributes.email_verified': 'true' })), {
    name: 'NotAuthorizedException',
    message: 'A client attempted to write unauthorized attribute',
    status: 400,
  });
  assert.deepEqual(await awsErrorOf(() => respond({ 'userAttributes.phone_number': 'not a phone' })), {
    name: 'InvalidParameterException',
    message: 'Invalid phone number format.',
    status: 400,
  });
  assert.deepEqual((await getTestUser(s.deps, pool, 'eve')).attributes, {});
  assert.ok((await respond({ 'userAttributes.email': 'eve@ex.com' })).AuthenticationResult?.IdToken);
  assert.deepEqual((await getTestUser(s.deps, pool, 'eve')).attributes, { email: 'eve@ex.com', email_verified: 'false' });
});
