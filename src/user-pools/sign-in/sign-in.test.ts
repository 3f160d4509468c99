// The sign-in pipeline over real in-memory SQLite with a fixed clock: flows, challenges, SECRET_HASH, gates, sessions.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import { authenticateAccessToken } from '../domain/access-token.ts';
import type { PoolRecord } from '../../storage/records.ts';
import {
  ALL_FLOWS,
  createTestClient,
  createTestPool,
  createTestUser,
  getTestUser,
  secretHashOf,
  srpClient,
  type TestClient,
} from '../../../test/support/users.ts';
import { openCredentials } from '../domain/passwords.ts';
import { adminAuthContext, initiateAuth, publicAuthContext, respondToAuthChallenge, type AuthContext, type AuthOutput } from './index.ts';
import { flowEnabled } from './enabled-flows.ts';
import { temporaryPasswordExpired } from './steps.ts';

const model = idpModel as unknown as ServiceModel;
const clock = new FixedClock();
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;
let client: TestClient; // every flow, LEGACY
let secretClient: TestClient; // every flow, with a secret
let strictClient: TestClient; // every flow, PreventUserExistenceErrors ENABLED
let defaultClient: TestClient; // no ExplicitAuthFlows: SRP, custom, refresh

const PW = 'Passw0rd!';

before(async () => {
  deps = await makeTestDeps({ clock });
  pool = await createTestPool(deps);
  client = await createTestClient(deps, pool.id, { ExplicitAuthFlows: ALL_FLOWS });
  secretClient = await createTestClient(deps, pool.id, { ExplicitAuthFlows: ALL_FLOWS, GenerateSecret: true });
  strictClient = await createTestClient(deps, pool.id, { ExplicitAuthFlows: ALL_FLOWS, PreventUserExistenceErrors: 'ENABLED' });
  defaultClient = await createTestClient(deps, pool.id);
  await createTestUser(deps, pool, 'alice', PW, { attributes: { email: 'alice@example.com', email_verified: 'true' } });
});

const ctxOf = (c: TestClient): Promise<AuthContext> => publicAuthContext(deps, c.id);

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    return [(e as { code?: string }).code ?? String(e), (e as Error).message];
  }
  assert.fail('expected an error');
}

async function passwordAuth(c: TestClient, USERNAME: string, PASSWORD: string, extra: Record<string, string> = {}): Promise<AuthOutput> {
  return initiateAuth(deps, await ctxOf(c), { AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD, ...extra } });
}

async function srpSignIn(c: TestClient, USERNAME: string, password: string, extra: Record<string, string> = {}) {
  const ctx = await ctxOf(c);
  const srp = await srpClient(pool.id);
  const first = await initiateAuth(deps, ctx, { AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME, SRP_A: srp.A, ...extra } });
  const responses = await srp.answer(first.ChallengeParameters, password);
  return { first, responses, ctx, respond: (over: Record<string, string> = {}) =>
    respondToAuthChallenge(deps, ctx, { ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: { ...responses, ...extra, ...over } }) };
}

// ---------------------------------------------------------------------------------------------------------
// USER_PASSWORD_AUTH

test('USER_PASSWORD_AUTH: tokens with an empty ChallengeParameters, valid as Cognito answers them', async () => {
  const out = await passwordAuth(client, 'alice', PW);
  assert.deepEqual(out.ChallengeParameters, {});
  assert.equal(out.ChallengeName, undefined);
  const r = out.AuthenticationResult!;
  assert.equal(r.TokenType, 'Bearer');
  assert.equal(r.ExpiresIn, 3600);
  assert.ok(r.RefreshToken && r.IdToken && r.AccessToken);
  assert.deepEqual(checkOutput(model, 'InitiateAuth', out), []);
  const { user } = await authenticateAccessToken(deps, r.AccessToken!);
  assert.equal(user.username, 'alice');
  assert.equal(decodeJwt(r.IdToken!)['cognito:username'], 'alice');
});

test('a verified email alias signs in too', async () => {
  const p = await createTestPool(deps, { AliasAttributes: ['email'] });
  const c = await createTestClient(deps, p.id, { ExplicitAuthFlows: ALL_FLOWS });
  await createTestUser(deps, p, 'bob', PW, { attributes: { email: 'bob@example.com', email_verified: 'true' } });
  const out = await initiateAuth(deps, await ctxOf(c), { AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'BOB@example.com', PASSWORD: PW } });
  assert.equal(decodeJwt(out.AuthenticationResult!.AccessToken!).username, 'bob');
});

test('wrong password, unknown user (LEGACY and ENABLED)', async () => {
  assert.deepEqual(await errorOf(passwordAuth(client, 'alice', 'nope')), ['NotAuthorizedException', 'Incorrect username or password.']);
  assert.deepEqual(await errorOf(passwordAuth(client, 'nobody', PW)), ['UserNotFoundException', 'User does not exist.']);
  assert.deepEqual(await errorOf(passwordAuth(strictClient, 'nobody', PW)), ['NotAuthorizedException', 'Incorrect username or password.']);
  await passwordAuth(client, 'alice', PW); // clears the failure
});

test('missing parameters', async () => {
  const ctx = await ctxOf(client);
  assert.deepEqual(await errorOf(initiateAuth(deps, ctx, { AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { PASSWORD: PW } })), [
    'InvalidParameterException',
    'Missing required parameter USERNAME',
  ]);
  assert.deepEqual(await errorOf(initiateAuth(deps, ctx, { AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice' } })), [
    'InvalidParameterException',
    'Missing required parameter PASSWORD',
  ]);
  assert.deepEqual(await errorOf(initiateAuth(deps, ctx, { AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'alice' } })), [
    'InvalidParameterException',
    'Missing required parameter SRP_A',
  ]);
  assert.deepEqual(await errorOf(initiateAuth(deps, ctx, { AuthFlow: 'REFRESH_TOKEN_AUTH' })), [
    'InvalidParameterException',
    'Missing required parameter REFRESH_TOKEN',
  ]);
});

test('flows the client does not enable, and flows of the other API', async () => {
  const ctx = await ctxOf(defaultClient);
  const params = { USERNAME: 'alice', PASSWORD: PW };
  assert.deepEqual(await errorOf(initiateAuth(deps, ctx, { AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: params })), [
    'InvalidParameterException',
    'USER_PASSWORD_AUTH flow not enabled for this client',
  ]);
  const admin = await adminAuthContext(deps, pool.id, defaultClient.id);
  assert.deepEqual(await errorOf(initiateAuth(deps, admin, { AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: params })), [
    'InvalidParameterException',
    'Auth flow not enabled for this client',
  ]);
  const passwordOnly = await createTestClient(deps, pool.id, { ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
  assert.deepEqual(
    await errorOf(initiateAuth(deps, await ctxOf(passwordOnly), { AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'alice', SRP_A: 'ab' } })),
    ['InvalidParameterException', 'USER_SRP_AUTH is not enabled for the client.'],
  );
  assert.deepEqual(await errorOf(initiateAuth(deps, await ctxOf(client), { AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: params })), [
    'InvalidParameterException',
    'Initiate Auth method not supported.',
  ]);
  const adminAll = await adminAuthContext(deps, pool.id, client.id);
  assert.deepEqual(await errorOf(initiateAuth(deps, adminAll, { AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: params })), [
    'InvalidParameterException',
    'Initiate Auth method not supported.',
  ]);
  // CUSTOM_AUTH is enabled by default; this pool has no DefineAuthChallenge function.
  assert.deepEqual(await errorOf(initiateAuth(deps, ctx, { AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: 'alice' } })), [
    'InvalidParameterException',
    'Custom auth lambda trigger is not configured for the user pool.',
  ]);
});

test('legacy ExplicitAuthFlows values', () => {
  const legacy = { ExplicitAuthFlows: ['ADMIN_NO_SRP_AUTH'] };
  assert.equal(flowEnabled(legacy, 'ADMIN_USER_PASSWORD_AUTH'), true);
  assert.equal(flowEnabled(legacy, 'ADMIN_NO_SRP_AUTH'), true);
  assert.equal(flowEnabled(legacy, 'USER_SRP_AUTH'), true);
  assert.equal(flowEnabled(legacy, 'REFRESH_TOKEN_AUTH'), true);
  assert.equal(flowEnabled(legacy, 'USER_PASSWORD_AUTH'), false);
  assert.equal(flowEnabled({ ExplicitAuthFlows: ['CUSTOM_AUTH_FLOW_ONLY'] }, 'USER_SRP_AUTH'), false);
  assert.equal(flowEnabled({}, 'USER_SRP_AUTH'), true);
  assert.equal(flowEnabled({}, 'USER_PASSWORD_AUTH'), false);
});

test('ADMIN_USER_PASSWORD_AUTH and ADMIN_NO_SRP_AUTH through the admin context', async () => {
  const admin = await adminAuthContext(deps, pool.id, client.id);
  for (const AuthFlow of ['ADMIN_USER_PASSWORD_AUTH', 'ADMIN_NO_SRP_AUTH']) {
    const out = await initiateAuth(deps, admin, { AuthFlow, AuthParameters: { USERNAME: 'alice', PASSWORD: PW } });
    assert.ok(out.AuthenticationResult?.AccessToken, AuthFlow);
    assert.deepEqual(checkOutput(model, 'AdminInitiateAuth', out), []);
  }
  assert.deepEqual(await errorOf(adminAuthContext(deps, 'us-east-1_nope00000', client.id)), [
    'ResourceNotFoundException',
    'User pool us-east-1_nope00000 does not exist.',
  ]);
  const other = await createTestPool(deps);
  assert.deepEqual(await errorOf(adminAuthContext(deps, other.id, client.id)), [
    'ResourceNotFoundException',
    `User pool client ${client.id} does not exist.`,
  ]);
  assert.deepEqual(await errorOf(publicAuthContext(deps, 'nosuchclient0000000000000a')), [
    'ResourceNotFoundException',
    'User pool client nosuchclient0000000000000a does not exist.',
  ]);
});

// ---------------------------------------------------------------------------------------------------------
// SECRET_HASH

test('SECRET_HASH: missing, wrong, and over any of the user’s names', async () => {
  const sh = (name: string) => secretHashOf(secretClient.secret!, name, secretClient.id);
  assert.deepEqual(await errorOf(passwordAuth(secretClient, 'alice', PW)), [
    'NotAuthorizedException',
    `Client ${secretClient.id} is configured for secret but secret was not received`,
  ]);
  assert.deepEqual(await errorOf(passwordAuth(secretClient, 'alice', PW, { SECRET_HASH: sh('bob') })), [
    'NotAuthorizedException',
    `Unable to verify secret hash for client ${secretClient.id}`,
  ]);
  const alice = await getTestUser(deps, pool, 'alice');
  for (const name of ['alice', alice.sub, 'alice@example.com']) {
    const out = await passwordAuth(secretClient, 'alice', PW, { SECRET_HASH: sh(name) });
    assert.ok(out.AuthenticationResult, name);
  }
  // SRP: every step carries it; the client hashes USER_ID_FOR_SRP in round 2.
  const s = await srpSignIn(secretClient, 'alice', PW, { SECRET_HASH: sh('alice') });
  assert.deepEqual(await errorOf(s.respond({ SECRET_HASH: '' })), [
    'NotAuthorizedException',
    `Client ${secretClient.id} is configured for secret but secret was not received`,
  ]);
  const s2 = await srpSignIn(secretClient, 'alice', PW, { SECRET_HASH: sh('alice') });
  assert.ok((await s2.respond()).AuthenticationResult);
  // A client without a secret ignores one sent anyway.
  assert.ok((await passwordAuth(client, 'alice', PW, { SECRET_HASH: 'whatever' })).AuthenticationResult);
});

// ---------------------------------------------------------------------------------------------------------
// Status gates

test('status gates come before the password check', async () => {
  await createTestUser(deps, pool, 'unconfirmed', PW, { status: 'UNCONFIRMED' });
  await createTestUser(deps, pool, 'reset', PW, { status: 'RESET_REQUIRED' });
  await createTestUser(deps, pool, 'disabled', PW, { enabled: false });
  for (const pw of [PW, 'wrong']) {
    assert.deepEqual(await errorOf(passwordAuth(client, 'unconfirmed', pw)), ['UserNotConfirmedException', 'User is not confirmed.']);
    assert.deepEqual(await errorOf(passwordAuth(client, 'reset', pw)), ['PasswordResetRequiredException', 'Password reset required for the user']);
    assert.deepEqual(await errorOf(passwordAuth(client, 'disabled', pw)), ['NotAuthorizedException', 'User is disabled.']);
  }
  const srp = await srpClient(pool.id);
  assert.deepEqual(
    await errorOf(initiateAuth(deps, await ctxOf(client), { AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'unconfirmed', SRP_A: srp.A } })),
    ['UserNotConfirmedException', 'User is not confirmed.'],
  );
});

// ---------------------------------------------------------------------------------------------------------
// Lockout

test('lockout: after five failures 1 s, then doubling; no password check while locked; success clears it', async () => {
  await createTestUser(deps, pool, 'locky', PW);
  for (let i = 0; i < 4; i++) assert.equal((await errorOf(passwordAuth(client, 'locky', 'bad')))[1], 'Incorrect username or password.');
  assert.ok((await passwordAuth(client, 'locky', PW)).AuthenticationResult, 'four failures cost nothing');
  for (let i = 0; i < 5; i++) assert.equal((await errorOf(passwordAuth(client, 'locky', 'bad')))[1], 'Incorrect username or password.');
  // Locked for 1 s: even the right password is refused, unchecked.
  assert.deepEqual(await errorOf(passwordAuth(client, 'locky', PW)), ['NotAuthorizedException', 'Password attempts exceeded']);
  clock.advance(1000);
  assert.equal((await errorOf(passwordAuth(client, 'locky', 'bad')))[1], 'Incorrect username or password.'); // 6th: 2 s
  clock.advance(1999);
  assert.equal((await errorOf(passwordAuth(client, 'locky', PW)))[1], 'Password attempts exceeded');
  // SRP's PASSWORD_VERIFIER is locked the same way.
  const s = await srpSignIn(client, 'locky', PW);
  assert.equal((await errorOf(s.respond()))[1], 'Password attempts exceeded');
  clock.advance(1);
  assert.ok((await passwordAuth(client, 'locky', PW)).AuthenticationResult);
  assert.equal((await errorOf(passwordAuth(client, 'locky', 'bad')))[1], 'Incorrect username or password.');
  assert.ok((await passwordAuth(client, 'locky', PW)).AuthenticationResult, 'the count started again');
});

// ---------------------------------------------------------------------------------------------------------
// USER_SRP_AUTH

test('USER_SRP_AUTH with the real client maths: PASSWORD_VERIFIER, then tokens', async () => {
  const s = await srpSignIn(client, 'alice', PW);
  assert.equal(s.first.ChallengeName, 'PASSWORD_VERIFIER');
  assert.equal(s.first.Session, undefined, 'AWS returns no Session at this step');
  const p = s.first.ChallengeParameters;
  assert.deepEqual(Object.keys(p).sort(), ['SALT', 'SECRET_BLOCK', 'SRP_B', 'USERNAME', 'USER_ID_FOR_SRP']);
  assert.equal(p.USERNAME, 'alice');
  assert.equal(p.USER_ID_FOR_SRP, 'alice');
  assert.match(p.SECRET_BLOCK!, /^[A-Za-z0-9+/]+=*$/);
  assert.deepEqual(checkOutput(model, 'InitiateAuth', s.first), []);
  const out = await s.respond();
  assert.deepEqual(out.ChallengeParameters, {});
  assert.ok(out.AuthenticationResult?.RefreshToken);
  assert.deepEqual(checkOutput(model, 'RespondToAuthChallenge', out), []);
  // The SECRET_BLOCK is single use.
  assert.deepEqual(await errorOf(s.respond()), ['NotAuthorizedException', 'Invalid session for the user, session can only be used once.']);
});

test('USER_SRP_AUTH: wrong password, tampered or foreign SECRET_BLOCK, bad TIMESTAMP, expiry', async () => {
  assert.deepEqual(await errorOf((await srpSignIn(client, 'alice', 'wrong')).respond()), ['NotAuthorizedException', 'Incorrect username or password.']);
  const s = await srpSignIn(client, 'alice', PW);
  const other = await ctxOf(strictClient);
  assert.deepEqual(
    await errorOf(respondToAuthChallenge(deps, other, { ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: s.responses })),
    ['NotAuthorizedException', 'Incorrect username or password.'],
  );
  assert.deepEqual(await errorOf(s.respond({ PASSWORD_CLAIM_SECRET_BLOCK: 'AAAA' + s.responses.PASSWORD_CLAIM_SECRET_BLOCK })), [
    'NotAuthorizedException',
    'Incorrect username or password.',
  ]);
  // A zero-padded day is refused as AWS does (the client never sends one).
  const srp = await srpClient(pool.id);
  const first = await initiateAuth(deps, await ctxOf(client), { AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'alice', SRP_A: srp.A } });
  const padded = await srp.answer(first.ChallengeParameters, PW, { timestamp: 'Sun Nov 01 12:00:00 UTC 2026' });
  assert.deepEqual(
    await errorOf(respondToAuthChallenge(deps, await ctxOf(client), { ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: padded })),
    ['NotAuthorizedException', 'Incorrect username or password.'],
  );
  const late = await srpSignIn(client, 'alice', PW);
  clock.advance(3 * 60_000);
  assert.deepEqual(await errorOf(late.respond()), ['NotAuthorizedException', 'Invalid session for the user, session is expired.']);
  await passwordAuth(client, 'alice', PW); // clears the failures counted above
});

test('USER_SRP_AUTH unknown user: LEGACY says so; ENABLED simulates a stable challenge that fails', async () => {
  const srp = await srpClient(pool.id);
  assert.deepEqual(
    await errorOf(initiateAuth(deps, await ctxOf(client), { AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'ghost', SRP_A: srp.A } })),
    ['UserNotFoundException', 'User does not exist.'],
  );
  const a = await srpSignIn(strictClient, 'ghost', 'anything');
  const b = await srpSignIn(strictClient, 'ghost', 'anything');
  assert.equal(a.first.ChallengeName, 'PASSWORD_VERIFIER');
  assert.equal(a.first.ChallengeParameters.SALT, b.first.ChallengeParameters.SALT, 'same salt for the same name');
  assert.notEqual(a.first.ChallengeParameters.SRP_B, b.first.ChallengeParameters.SRP_B);
  assert.equal(a.first.ChallengeParameters.USER_ID_FOR_SRP, 'ghost');
  const c = await srpSignIn(strictClient, 'ghost2', 'anything');
  assert.notEqual(c.first.ChallengeParameters.SALT, a.first.ChallengeParameters.SALT);
  assert.deepEqual(await errorOf(a.respond()), ['NotAuthorizedException', 'Incorrect username or password.']);
});

test('email-as-username pool: USER_ID_FOR_SRP is the internal username (the sub)', async () => {
  const p = await createTestPool(deps, { UsernameAttributes: ['email'] });
  const c = await createTestClient(deps, p.id, { ExplicitAuthFlows: ALL_FLOWS, GenerateSecret: true });
  const sub = deps.random.uuid();
  await createTestUser(deps, p, sub, PW, { sub, attributes: { email: 'carol@example.com', email_verified: 'true' } });
  const ctx = await publicAuthContext(deps, c.id);
  const srp = await srpClient(p.id);
  const hash = secretHashOf(c.secret!, 'carol@example.com', c.id);
  const first = await initiateAuth(deps, ctx, { AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'carol@example.com', SRP_A: srp.A, SECRET_HASH: hash } });
  assert.equal(first.ChallengeParameters.USER_ID_FOR_SRP, sub);
  assert.equal(first.ChallengeParameters.USERNAME, sub);
  const responses = await srp.answer(first.ChallengeParameters, PW);
  const out = await respondToAuthChallenge(deps, ctx, {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeResponses: { ...responses, SECRET_HASH: secretHashOf(c.secret!, sub, c.id) },
  });
  assert.equal(decodeJwt(out.AuthenticationResult!.IdToken!).email, 'carol@example.com');
});

// ---------------------------------------------------------------------------------------------------------
// NEW_PASSWORD_REQUIRED

test('FORCE_CHANGE_PASSWORD: NEW_PASSWORD_REQUIRED, then the new password signs in', async () => {
  await createTestUser(deps, pool, 'newbie', 'Temp0rary!', { status: 'FORCE_CHANGE_PASSWORD', attributes: { email: 'n@example.com', email_verified: 'true' } });
  const out = await passwordAuth(client, 'newbie', 'Temp0rary!');
  assert.equal(out.ChallengeName, 'NEW_PASSWORD_REQUIRED');
  assert.equal(out.AuthenticationResult, undefined);
  assert.ok(out.Session && out.Session.length >= 20 && out.Session.length <= 2048);
  assert.deepEqual(out.ChallengeParameters, {
    USER_ID_FOR_SRP: 'newbie',
    requiredAttributes: '[]',
    userAttributes: JSON.stringify({ email: 'n@example.com', email_verified: 'true' }),
  });
  assert.deepEqual(checkOutput(model, 'InitiateAuth', out), []);
  const ctx = await ctxOf(client);
  const respond = (NEW_PASSWORD: string, extra: Record<string, string> = {}) =>
    respondToAuthChallenge(deps, ctx, { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: out.Session!, ChallengeResponses: { USERNAME: 'newbie', NEW_PASSWORD, ...extra } });
  assert.deepEqual(await errorOf(respond('short')), ['InvalidPasswordException', 'Password did not conform with policy: Password not long enough']);
  assert.deepEqual(await errorOf(respond('N3w-Passw0rd', { 'userAttributes.email': 'other@example.com' })), [
    'NotAuthorizedException',
    'Cannot modify an already provided email',
  ]);
  const done = await respond('N3w-Passw0rd');
  assert.ok(done.AuthenticationResult?.AccessToken);
  assert.deepEqual(done.ChallengeParameters, {});
  const user = await getTestUser(deps, pool, 'newbie');
  assert.equal(user.status, 'CONFIRMED');
  assert.equal(user.passwordSetAt, clock.now());
  assert.equal(await deps.hashing.verify(openCredentials(deps, user).passwordHash!, 'N3w-Passw0rd'), true);
  assert.deepEqual(await errorOf(respond('N3w-Passw0rd')), ['NotAuthorizedException', 'Invalid session for the user.'], 'used');
  assert.ok((await passwordAuth(client, 'newbie', 'N3w-Passw0rd')).AuthenticationResult);
  assert.ok((await (await srpSignIn(client, 'newbie', 'N3w-Passw0rd')).respond()).AuthenticationResult, 'new SRP verifier');
});

test('NEW_PASSWORD_REQUIRED after SRP, with a required attribute to fill in', async () => {
  const p = await createTestPool(deps, { Schema: [{ Name: 'name', AttributeDataType: 'String', Required: true, Mutable: true }] });
  const c = await createTestClient(deps, p.id, { ExplicitAuthFlows: ALL_FLOWS });
  await createTestUser(deps, p, 'dora', 'Temp0rary!', { status: 'FORCE_CHANGE_PASSWORD' });
  const ctx = await publicAuthContext(deps, c.id);
  const srp = await srpClient(p.id);
  const first = await initiateAuth(deps, ctx, { AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'dora', SRP_A: srp.A } });
  const challenge = await respondToAuthChallenge(deps, ctx, { ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: await srp.answer(first.ChallengeParameters, 'Temp0rary!') });
  assert.equal(challenge.ChallengeName, 'NEW_PASSWORD_REQUIRED');
  assert.equal(challenge.ChallengeParameters.requiredAttributes, '["userAttributes.name"]');
  assert.equal(challenge.ChallengeParameters.userAttributes, '{}');
  const respond = (r: Record<string, string>) =>
    respondToAuthChallenge(deps, ctx, { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: challenge.Session!, ChallengeResponses: { USERNAME: 'dora', NEW_PASSWORD: 'N3w-Passw0rd', ...r } });
  assert.deepEqual(await errorOf(respond({})), ['InvalidParameterException', 'Invalid attributes given, name is missing']);
  assert.deepEqual(await errorOf(respond({ 'userAttributes.sub': 'x', 'userAttributes.name': 'Dora' })), [
    'InvalidParameterException',
    'Attribute does not exist in the schema.',
  ]);
  const out = await respond({ 'userAttributes.name': 'Dora' });
  assert.equal(decodeJwt(out.AuthenticationResult!.IdToken!).name, 'Dora');
});

test('NEW_PASSWORD_REQUIRED sessions: bound to client and user, expire after AuthSessionValidity', async () => {
  await createTestUser(deps, pool, 'ellen', 'Temp0rary!', { status: 'FORCE_CHANGE_PASSWORD' });
  const c5 = await createTestClient(deps, pool.id, { ExplicitAuthFlows: ALL_FLOWS, AuthSessionValidity: 5 });
  const out = await passwordAuth(c5, 'ellen', 'Temp0rary!');
  const respond = async (c: TestClient, USERNAME = 'ellen', Session = out.Session!) =>
    respondToAuthChallenge(deps, await ctxOf(c), { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session, ChallengeResponses: { USERNAME, NEW_PASSWORD: 'N3w-Passw0rd' } });
  assert.deepEqual(await errorOf(respond(client)), ['NotAuthorizedException', 'Invalid session for the user.']);
  assert.deepEqual(await errorOf(respond(c5, 'alice')), ['NotAuthorizedException', 'Invalid session for the user.']);
  assert.deepEqual(await errorOf(respond(c5, 'ellen', 'x'.repeat(40))), ['NotAuthorizedException', 'Invalid session for the user.']);
  assert.deepEqual(
    await errorOf(respondToAuthChallenge(deps, await ctxOf(c5), { ChallengeName: 'PASSWORD_VERIFIER', Session: out.Session!, ChallengeResponses: { USERNAME: 'ellen' } })),
    ['InvalidParameterException', 'Missing required parameter PASSWORD_CLAIM_SECRET_BLOCK'],
  );
  clock.advance(5 * 60_000 - 1);
  const later = await passwordAuth(c5, 'ellen', 'Temp0rary!');
  clock.advance(1);
  assert.deepEqual(await errorOf(respond(c5)), ['NotAuthorizedException', 'Invalid session for the user, session is expired.']);
  assert.ok((await respond(c5, 'ellen', later.Session!)).AuthenticationResult);
});

test('an expired temporary password', async () => {
  const days = 7;
  await createTestUser(deps, pool, 'frank', 'Temp0rary!', { status: 'FORCE_CHANGE_PASSWORD', passwordSetAt: clock.now() - days * 86_400_000 - 1 });
  assert.deepEqual(await errorOf(passwordAuth(client, 'frank', 'Temp0rary!')), [
    'NotAuthorizedException',
    'Temporary password has expired and must be reset by an administrator.',
  ]);
  const u = await getTestUser(deps, pool, 'frank');
  assert.equal(temporaryPasswordExpired(pool, { ...u, passwordSetAt: clock.now() - days * 86_400_000 }, clock.now()), false);
});

// ---------------------------------------------------------------------------------------------------------
// Refresh, MFA seam

test('REFRESH_TOKEN_AUTH / REFRESH_TOKEN: new ID and access tokens, no refresh token', async () => {
  const first = (await passwordAuth(secretClient, 'alice', PW, { SECRET_HASH: secretHashOf(secretClient.secret!, 'alice', secretClient.id) })).AuthenticationResult!;
  const ctx = await ctxOf(secretClient);
  for (const AuthFlow of ['REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN']) {
    const out = await initiateAuth(deps, ctx, {
      AuthFlow,
      AuthParameters: { REFRESH_TOKEN: first.RefreshToken!, SECRET_HASH: secretHashOf(secretClient.secret!, 'alice', secretClient.id) },
    });
    assert.deepEqual(out.ChallengeParameters, {});
    assert.equal(out.AuthenticationResult!.RefreshToken, undefined);
    assert.equal(decodeJwt(out.AuthenticationResult!.AccessToken!).origin_jti, decodeJwt(first.AccessToken!).origin_jti);
  }
  assert.deepEqual(
    await errorOf(initiateAuth(deps, ctx, { AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: first.RefreshToken!, SECRET_HASH: 'AAAA' } })),
    ['NotAuthorizedException', `Unable to verify secret hash for client ${secretClient.id}`],
  );
  assert.deepEqual(
    await errorOf(initiateAuth(deps, await ctxOf(client), { AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: first.RefreshToken! } })),
    ['NotAuthorizedException', 'Invalid Refresh Token.'],
  );
});

test('a pool that requires MFA never signs a user without a factor in on the password alone (MFA_SETUP)', async () => {
  const p = await createTestPool(deps);
  await deps.store.pools.update({ ...p, settings: { ...p.settings, MfaConfiguration: 'ON' }, version: p.version + 1 });
  const c = await createTestClient(deps, p.id, { ExplicitAuthFlows: ALL_FLOWS });
  await createTestUser(deps, (await deps.store.pools.get(p.id))!, 'gina', PW);
  const ctx = await publicAuthContext(deps, c.id);
  const out = await initiateAuth(deps, ctx, { AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'gina', PASSWORD: PW } });
  assert.equal(out.ChallengeName, 'MFA_SETUP');
  assert.equal(out.AuthenticationResult, undefined);
});

test('an unknown challenge name', async () => {
  assert.equal(
    (await errorOf(respondToAuthChallenge(deps, await ctxOf(client), { ChallengeName: 'WEB_AUTHN', Session: 'x'.repeat(30), ChallengeResponses: {} })))[0],
    'InvalidParameterException',
  );
});

// ---------------------------------------------------------------------------------------------------------
// Security review fixes

test('NEW_PASSWORD_REQUIRED attributes are checked as UpdateUserAttributes checks them', async () => {
  const p = await createTestPool(deps, {
    AliasAttributes: ['email', 'phone_number'],
    Schema: [{ Name: 'name', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MaxLength: '5' } }],
  });
  const c = await createTestClient(deps, p.id, { ExplicitAuthFlows: ALL_FLOWS });
  const narrow = await createTestClient(deps, p.id, { ExplicitAuthFlows: ALL_FLOWS, WriteAttributes: ['email'] });
  await createTestUser(deps, p, 'bob', PW, { attributes: { email: 'bob@ex.com', email_verified: 'true' } });
  const start = async (cl: TestClient, username: string) => {
    await createTestUser(deps, p, username, 'Temp0rary!', { status: 'FORCE_CHANGE_PASSWORD' });
    const ctx = await publicAuthContext(deps, cl.id);
    const out = await initiateAuth(deps, ctx, { AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: 'Temp0rary!' } });
    assert.equal(out.ChallengeName, 'NEW_PASSWORD_REQUIRED');
    return (r: Record<string, string>) =>
      respondToAuthChallenge(deps, ctx, { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: out.Session!, ChallengeResponses: { USERNAME: username, NEW_PASSWORD: 'N3w-Passw0rd', ...r } });
  };
  const respond = await start(c, 'mallory');
  // The reported exploit: a verified flag, another user's verified email, a malformed phone number.
  assert.deepEqual(
    await errorOf(respond({ 'userAttributes.email': 'bob@ex.com', 'userAttributes.email_verified': 'true', 'userAttributes.phone_number': 'not a phone' })),
    ['NotAuthorizedException', 'A client attempted to write unauthorized attribute'],
  );
  assert.deepEqual(await errorOf(respond({ 'userAttributes.phone_number_verified': 'true' })), [
    'NotAuthorizedException',
    'A client attempted to write unauthorized attribute',
  ]);
  assert.deepEqual(await errorOf(respond({ 'userAttributes.phone_number': 'not a phone' })), ['InvalidParameterException', 'Invalid phone number format.']);
  assert.deepEqual(await errorOf(respond({ 'userAttributes.email': 'nope' })), ['InvalidParameterException', 'Invalid email address format.']);
  assert.deepEqual(await errorOf(respond({ 'userAttributes.name': 'Mallory' })), [
    'InvalidParameterException',
    'Attributes did not conform to the schema: name: String must be no longer than 5 characters\n',
  ]);
  assert.deepEqual(await errorOf(respond({ 'userAttributes.email': 'BOB@ex.com' })), ['AliasExistsException', 'An account with the email already exists.']);
  const mallory = await getTestUser(deps, p, 'mallory');
  assert.equal(mallory.status, 'FORCE_CHANGE_PASSWORD', 'nothing stored');
  assert.deepEqual(mallory.attributes, {});
  // Accepted: stored unverified.
  const done = await respond({ 'userAttributes.email': 'mal@ex.com', 'userAttributes.phone_number': '+15550100', 'userAttributes.name': 'Mal' });
  assert.ok(done.AuthenticationResult);
  assert.deepEqual((await getTestUser(deps, p, 'mallory')).attributes, {
    email: 'mal@ex.com',
    email_verified: 'false',
    phone_number: '+15550100',
    phone_number_verified: 'false',
    name: 'Mal',
  });
  // The client's WriteAttributes.
  const narrowRespond = await start(narrow, 'nina');
  assert.deepEqual(await errorOf(narrowRespond({ 'userAttributes.name': 'Nina' })), [
    'NotAuthorizedException',
    'A client attempted to write unauthorized attribute',
  ]);
  assert.ok((await narrowRespond({ 'userAttributes.email': 'nina@ex.com' })).AuthenticationResult);
});

test('NEW_PASSWORD_REQUIRED in a UsernameAttributes pool: another user’s (unverified) value is AliasExistsException', async () => {
  const p = await createTestPool(deps, { UsernameAttributes: ['email', 'phone_number'] });
  const c = await createTestClient(deps, p.id, { ExplicitAuthFlows: ALL_FLOWS });
  await createTestUser(deps, p, deps.random.uuid(), PW, { attributes: { email: 'x@ex.com', phone_number: '+15550111', phone_number_verified: 'false' } });
  const id = deps.random.uuid();
  await createTestUser(deps, p, id, 'Temp0rary!', { status: 'FORCE_CHANGE_PASSWORD', attributes: { email: 'y@ex.com' } });
  const ctx = await publicAuthContext(deps, c.id);
  const out = await initiateAuth(deps, ctx, { AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'y@ex.com', PASSWORD: 'Temp0rary!' } });
  const respond = (r: Record<string, string>) =>
    respondToAuthChallenge(deps, ctx, { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: out.Session!, ChallengeResponses: { USERNAME: 'y@ex.com', NEW_PASSWORD: 'N3w-Passw0rd', ...r } });
  assert.deepEqual(await errorOf(respond({ 'userAttributes.phone_number': '+15550111' })), [
    'AliasExistsException',
    'An account with the phone_number already exists.',
  ]);
  assert.ok((await respond({ 'userAttributes.phone_number': '+15550112' })).AuthenticationResult);
});

test('PreventUserExistenceErrors ENABLED: a wrong password is "Incorrect username or password." whatever the status', async () => {
  await createTestUser(deps, pool, 'hidden-unconfirmed', PW, { status: 'UNCONFIRMED' });
  await createTestUser(deps, pool, 'hidden-reset', PW, { status: 'RESET_REQUIRED' });
  await createTestUser(deps, pool, 'hidden-disabled', PW, { enabled: false });
  const gates: [string, [string, string]][] = [
    ['hidden-unconfirmed', ['UserNotConfirmedException', 'User is not confirmed.']],
    ['hidden-reset', ['PasswordResetRequiredException', 'Password reset required for the user']],
    ['hidden-disabled', ['NotAuthorizedException', 'User is disabled.']],
  ];
  const incorrect = ['NotAuthorizedException', 'Incorrect username or password.'];
  for (const [name, gate] of gates) {
    assert.deepEqual(await errorOf(passwordAuth(strictClient, name, 'wrong')), incorrect, name);
    assert.deepEqual(await errorOf(passwordAuth(strictClient, name, PW)), gate, name);
    // SRP: round 1 answers as for anyone; round 2 tells the status only after a correct proof.
    const bad = await srpSignIn(strictClient, name, 'wrong');
    assert.equal(bad.first.ChallengeName, 'PASSWORD_VERIFIER', name);
    assert.deepEqual(await errorOf(bad.respond()), incorrect, name);
    assert.deepEqual(await errorOf((await srpSignIn(strictClient, name, PW)).respond()), gate, name);
    // LEGACY keeps the gates before the password check.
    assert.deepEqual(await errorOf(passwordAuth(client, name, 'wrong')), gate, name);
  }
});

test('ENABLED, email-as-username pool: an unknown email gets a stable UUID as USER_ID_FOR_SRP, not its name back', async () => {
  const p = await createTestPool(deps, { UsernameAttributes: ['email'] });
  const c = await createTestClient(deps, p.id, { ExplicitAuthFlows: ALL_FLOWS, PreventUserExistenceErrors: 'ENABLED' });
  const ctx = await publicAuthContext(deps, c.id);
  const start = async (USERNAME: string) => {
    const srp = await srpClient(p.id);
    const first = await initiateAuth(deps, ctx, { AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME, SRP_A: srp.A } });
    return { first, srp };
  };
  const a = await start('ghost@example.com');
  const b = await start('ghost@example.com');
  const id = a.first.ChallengeParameters.USER_ID_FOR_SRP!;
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(a.first.ChallengeParameters.USERNAME, id);
  assert.equal(b.first.ChallengeParameters.USER_ID_FOR_SRP, id, 'stable');
  assert.equal(b.first.ChallengeParameters.SALT, a.first.ChallengeParameters.SALT);
  assert.notEqual((await start('ghost2@example.com')).first.ChallengeParameters.USER_ID_FOR_SRP, id);
  // Round 2 with the id as USERNAME (as clients send it) fails like a wrong password.
  const responses = await a.srp.answer(a.first.ChallengeParameters, 'anything');
  assert.equal(responses.USERNAME, id);
  assert.deepEqual(await errorOf(respondToAuthChallenge(deps, ctx, { ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: responses })), [
    'NotAuthorizedException',
    'Incorrect username or password.',
  ]);
  // Another pool, another id.
  const p2 = await createTestPool(deps, { UsernameAttributes: ['email'] });
  const c2 = await createTestClient(deps, p2.id, { ExplicitAuthFlows: ALL_FLOWS, PreventUserExistenceErrors: 'ENABLED' });
  const srp = await srpClient(p2.id);
  const other = await initiateAuth(deps, await publicAuthContext(deps, c2.id), { AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'ghost@example.com', SRP_A: srp.A } });
  assert.notEqual(other.ChallengeParameters.USER_ID_FOR_SRP, id);
});
