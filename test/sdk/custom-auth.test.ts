// CUSTOM_AUTH through the real clients (@aws-sdk/client-cognito-identity-provider and amazon-cognito-identity-js), with
// a handler set written as AWS documents it (test/support/lambda/custom-auth.mjs: a secret login code, three tries,
// optionally after the password by SRP), run through each runner kind (a module mapping, an HTTP URL mapping, and a
// Lambda Invoke API at COGNATE_LAMBDA_ENDPOINT), on the store under test (SQLite, or PostgreSQL with
// COGNATE_TEST_DATABASE_URL).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type ExplicitAuthFlowsType,
  type LambdaConfigType,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { FixedClock } from '../../src/runtime/clock.ts';
import { housekeep } from '../../src/runtime/housekeeping.ts';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { arnOf, LAMBDA_KINDS, lambdaEvents, triggerSetup } from '../support/lambda-kinds.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { createTestUser, getTestUser, srpClient } from '../support/users.ts';
import { codeSentTo } from '../support/mfa.ts';

const ADMIN = { accessKeyId: 'AKIDTESTADMIN0000001', secretAccessKey: 'test-admin-secret-key-0000000000000000000' };
const PASSWORD = 'Passw0rd!';
const FUNCTIONS = ['custom-auth.define', 'custom-auth.create', 'custom-auth.verify', 'custom-auth.silent'];
const CUSTOM: LambdaConfigType = {
  DefineAuthChallenge: arnOf('custom-auth.define'),
  CreateAuthChallenge: arnOf('custom-auth.create'),
  VerifyAuthChallengeResponse: arnOf('custom-auth.verify'),
};

/** What DefineAuthChallenge sees, round by round, in a sign-in by SRP then the right code (MFA, if any, not in it). */
const SRP_THEN_CODE = [
  [['SRP_A', true]],
  [
    ['SRP_A', true],
    ['PASSWORD_VERIFIER', true],
  ],
  [
    ['SRP_A', true],
    ['PASSWORD_VERIFIER', true],
    ['CUSTOM_CHALLENGE', true],
  ],
];

/** The code the handler "sent" to `userName`. */
const codeFor = (userName: string) => (globalThis as { __customAuthCodes?: Record<string, string> }).__customAuthCodes?.[userName];
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

for (const kind of LAMBDA_KINDS) {
  describe(`CUSTOM_AUTH through the ${kind} runner`, () => {
    let s: TestServer;
    let setup: Awaited<ReturnType<typeof triggerSetup>>;
    const clock = new FixedClock(Date.now());
    let n = 0;
    const unique = (p: string) => `${p}-${kind}-${++n}`;

    before(async () => {
      setup = await triggerSetup(kind, ADMIN, FUNCTIONS);
      s = await startServerOnStoreUnderTest(clock, 'custom_auth', 2, { ...setup.config, dev: true });
    });
    after(async () => {
      await s.close();
      await setup.close();
    });
    testOnPostgres(() => s);

    async function poolWith(lambda: LambdaConfigType, client: { flows?: ExplicitAuthFlowsType[]; hide?: boolean } = {}) {
      const pool = (await s.idp.send(new CreateUserPoolCommand({ PoolName: unique('p'), LambdaConfig: lambda }))).UserPool!;
      const c = (
        await s.idp.send(
          new CreateUserPoolClientCommand({
            UserPoolId: pool.Id!,
            ClientName: 'app',
            ExplicitAuthFlows: client.flows ?? ['ALLOW_CUSTOM_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
            ...(client.hide ? { PreventUserExistenceErrors: 'ENABLED' as const } : {}),
          }),
        )
      ).UserPoolClient!;
      return { poolId: pool.Id!, clientId: c.ClientId! };
    }

    /** A CONFIRMED user with PASSWORD and a verified email, straight into the store under test. */
    async function userIn(poolId: string, username: string, status?: 'FORCE_CHANGE_PASSWORD') {
      const pool = (await s.deps.store.pools.get(poolId))!;
      await createTestUser(s.deps, pool, username, PASSWORD, { attributes: { email: `${username}@example.com`, email_verified: 'true' }, ...(status ? { status } : {}) });
    }

    const start = (clientId: string, username: string) =>
      s.idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: username } }));
    const answer = (clientId: string, username: string, session: string | undefined, code: string) =>
      s.idp.send(
        new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'CUSTOM_CHALLENGE', Session: session, ChallengeResponses: { USERNAME: username, ANSWER: code } }),
      );
    const events = (source: string, userName: string) => lambdaEvents().filter((e) => e.triggerSource === source && e.userName === userName);

    test('a wrong code, then the right one: tokens; each DefineAuthChallenge sees the session so far', async () => {
      const { poolId, clientId } = await poolWith(CUSTOM);
      const username = unique('u');
      await userIn(poolId, username);
      const first = await start(clientId, username);
      assert.equal(first.ChallengeName, 'CUSTOM_CHALLENGE');
      assert.deepEqual(first.ChallengeParameters, { email: `${username}@example.com`, USERNAME: username });
      const code = codeFor(username)!;
      assert.match(code, /^\d{6}$/);
      // The private parameters and the metadata (which hold the code) are not in the Session, even sealed.
      assert.ok(!s.deps.secrets.decryptString(first.Session!).includes(code));

      const second = await answer(clientId, username, first.Session, wrong(code));
      assert.equal(second.ChallengeName, 'CUSTOM_CHALLENGE');
      assert.notEqual(second.Session, first.Session);
      const done = await answer(clientId, username, second.Session, code);
      assert.ok(done.AuthenticationResult?.AccessToken);
      assert.deepEqual(done.ChallengeParameters, {});
      const me = await s.idp.send(new GetUserCommand({ AccessToken: done.AuthenticationResult!.AccessToken }));
      assert.equal(me.Username, username);

      const defines = events('DefineAuthChallenge_Authentication', username);
      assert.deepEqual(
        defines.map((e) => e.request.session),
        [
          [],
          [{ challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: `CODE-${code}` }],
          [
            { challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: `CODE-${code}` },
            { challengeName: 'CUSTOM_CHALLENGE', challengeResult: true, challengeMetadata: `CODE-${code}` },
          ],
        ],
      );
      const d = defines[0];
      assert.equal(d.version, '1');
      assert.equal(d.userPoolId, poolId);
      assert.equal(d.callerContext.clientId, clientId);
      assert.equal(d.request.userNotFound, false);
      assert.equal(d.request.userAttributes.email, `${username}@example.com`);
      assert.equal(d.request.userAttributes['cognito:user_status'], 'CONFIRMED');
      const creates = events('CreateAuthChallenge_Authentication', username);
      assert.equal(creates.length, 2);
      assert.equal(creates[0].request.challengeName, 'CUSTOM_CHALLENGE');
      const verifies = events('VerifyAuthChallengeResponse_Authentication', username);
      assert.deepEqual(
        verifies.map((e) => [e.request.challengeAnswer, e.request.privateChallengeParameters]),
        [
          [wrong(code), { secretLoginCode: code }],
          [code, { secretLoginCode: code }],
        ],
      );
    });

    test('three wrong codes: the handler fails the sign-in, NotAuthorizedException "Incorrect username or password."', async () => {
      const { poolId, clientId } = await poolWith(CUSTOM);
      const username = unique('u');
      await userIn(poolId, username);
      let r = await start(clientId, username);
      const bad = wrong(codeFor(username)!);
      r = await answer(clientId, username, r.Session, bad);
      r = await answer(clientId, username, r.Session, bad);
      const e = await awsErrorOf(() => answer(clientId, username, r.Session, bad));
      assert.equal(e.name, 'NotAuthorizedException');
      assert.equal(e.message, 'Incorrect username or password.');
      assert.equal(events('DefineAuthChallenge_Authentication', username).at(-1).request.session.length, 3);
      // The limit is the handler's (Cognito counts no rounds of its own): the spent Session stays spent, and a new
      // InitiateAuth starts a new history — three more tries, not one.
      const spent = await awsErrorOf(() => answer(clientId, username, r.Session, codeFor(username)!));
      assert.deepEqual([spent.name, spent.message], ['NotAuthorizedException', 'Invalid session for the user, session can only be used once.']);
      // Wrong custom answers are the handler's business: they do not lock the user's password sign-in out.
      let again = await s.idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: username } }));
      assert.equal(again.ChallengeName, 'CUSTOM_CHALLENGE');
      assert.deepEqual(events('DefineAuthChallenge_Authentication', username).at(-1).request.session, []);
      again = await answer(clientId, username, again.Session, bad);
      again = await answer(clientId, username, again.Session, bad);
      const done = await answer(clientId, username, again.Session, codeFor(username)!);
      assert.ok(done.AuthenticationResult?.AccessToken);
    });

    test("each round's Session has its own AuthSessionValidity: a sign-in may take longer than one Session lives", async () => {
      const { poolId, clientId } = await poolWith(CUSTOM);
      const username = unique('u');
      await userIn(poolId, username);
      let r = await start(clientId, username);
      const bad = wrong(codeFor(username)!);
      clock.advance(2 * 60_000 + 30_000);
      r = await answer(clientId, username, r.Session, bad);
      clock.advance(2 * 60_000 + 30_000);
      r = await answer(clientId, username, r.Session, bad);
      clock.advance(2 * 60_000 + 30_000);
      const done = await answer(clientId, username, r.Session, codeFor(username)!);
      assert.ok(done.AuthenticationResult?.AccessToken);
      // One round left unanswered longer than the client's AuthSessionValidity (3 minutes by default) ends it.
      let late = await start(clientId, username);
      late = await answer(clientId, username, late.Session, bad);
      clock.advance(3 * 60_000 + 1_000);
      const expired = await awsErrorOf(() => answer(clientId, username, late.Session, codeFor(username)!));
      assert.deepEqual([expired.name, expired.message], ['NotAuthorizedException', 'Invalid session for the user, session is expired.']);
    });

    test('a Session is answered once; an expired one is refused', async () => {
      const { poolId, clientId } = await poolWith(CUSTOM);
      const username = unique('u');
      await userIn(poolId, username);
      const first = await start(clientId, username);
      await answer(clientId, username, first.Session, wrong(codeFor(username)!));
      const reused = await awsErrorOf(() => answer(clientId, username, first.Session, codeFor(username)!));
      assert.equal(reused.name, 'NotAuthorizedException');
      assert.equal(reused.message, 'Invalid session for the user, session can only be used once.');

      const again = await start(clientId, username);
      clock.advance(3 * 60_000 + 1_000);
      const expired = await awsErrorOf(() => answer(clientId, username, again.Session, codeFor(username)!));
      assert.equal(expired.name, 'NotAuthorizedException');
      assert.equal(expired.message, 'Invalid session for the user, session is expired.');
      // The unanswered challenge's server-side record goes with housekeeping.
      const { nonce } = JSON.parse(s.deps.secrets.decryptString(again.Session!)) as { nonce: string };
      assert.ok(await s.deps.store.codes.get(poolId, username, `custom-auth:${nonce}`));
      assert.ok((await housekeep(s.deps)) >= 1);
      assert.equal(await s.deps.store.codes.get(poolId, username, `custom-auth:${nonce}`), null);
      const garbage = await awsErrorOf(() => answer(clientId, username, 'x'.repeat(40), '000000'));
      assert.equal(garbage.name, 'NotAuthorizedException');
    });

    test('AdminInitiateAuth / AdminRespondToAuthChallenge CUSTOM_AUTH', async () => {
      const { poolId, clientId } = await poolWith(CUSTOM);
      const username = unique('u');
      await userIn(poolId, username);
      const first = await s.idp.send(
        new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: username }, ClientMetadata: { app: 'start' } }),
      );
      assert.equal(first.ChallengeName, 'CUSTOM_CHALLENGE');
      // InitiateAuth's ClientMetadata goes to PreAuthentication and UserMigration only, not to the custom-auth functions.
      assert.equal(events('DefineAuthChallenge_Authentication', username)[0].request.clientMetadata, null);
      const done = await s.idp.send(
        new AdminRespondToAuthChallengeCommand({
          UserPoolId: poolId,
          ClientId: clientId,
          ChallengeName: 'CUSTOM_CHALLENGE',
          Session: first.Session,
          ChallengeResponses: { USERNAME: username, ANSWER: codeFor(username)! },
          ClientMetadata: { app: 'admin' },
        }),
      );
      assert.ok(done.AuthenticationResult?.IdToken);
      // ClientMetadata of RespondToAuthChallenge reaches the custom-auth functions.
      assert.deepEqual(events('VerifyAuthChallengeResponse_Authentication', username).at(-1).request.clientMetadata, { app: 'admin' });
    });

    test('a client with a secret: SECRET_HASH required at both steps', async () => {
      const { poolId } = await poolWith(CUSTOM);
      const c = (
        await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'secret', GenerateSecret: true, ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH'] }))
      ).UserPoolClient!;
      const username = unique('u');
      await userIn(poolId, username);
      const hash = createHmac('sha256', c.ClientSecret!).update(username + c.ClientId!).digest('base64');
      const missing = await awsErrorOf(() => start(c.ClientId!, username));
      assert.equal(missing.name, 'NotAuthorizedException');
      const first = await s.idp.send(
        new InitiateAuthCommand({ ClientId: c.ClientId!, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: username, SECRET_HASH: hash } }),
      );
      const respond = (responses: Record<string, string>) =>
        s.idp.send(new RespondToAuthChallengeCommand({ ClientId: c.ClientId!, ChallengeName: 'CUSTOM_CHALLENGE', Session: first.Session, ChallengeResponses: responses }));
      const noHash = await awsErrorOf(() => respond({ USERNAME: username, ANSWER: codeFor(username)! }));
      assert.equal(noHash.name, 'NotAuthorizedException');
      const done = await respond({ USERNAME: username, ANSWER: codeFor(username)!, SECRET_HASH: hash });
      assert.ok(done.AuthenticationResult?.RefreshToken);
    });

    test('the pool has no custom-auth functions; the client does not allow CUSTOM_AUTH', async () => {
      const none = await poolWith({});
      const username = unique('u');
      await userIn(none.poolId, username);
      const e = await awsErrorOf(() => start(none.clientId, username));
      assert.equal(e.name, 'InvalidParameterException');
      assert.equal(e.message, 'Custom auth lambda trigger is not configured for the user pool.');

      const closed = await poolWith(CUSTOM, { flows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
      await userIn(closed.poolId, username);
      const f = await awsErrorOf(() => start(closed.clientId, username));
      assert.equal(f.name, 'InvalidParameterException');
      assert.equal(events('DefineAuthChallenge_Authentication', username).length, 0);
    });

    test('a DefineAuthChallenge answer that decides nothing: InvalidLambdaResponseException; no CreateAuthChallenge: not configured', async () => {
      const username = unique('u');
      const silent = await poolWith({ ...CUSTOM, DefineAuthChallenge: arnOf('custom-auth.silent') });
      await userIn(silent.poolId, username);
      const e = await awsErrorOf(() => start(silent.clientId, username));
      assert.equal(e.name, 'InvalidLambdaResponseException');
      const noCreate = await poolWith({ DefineAuthChallenge: CUSTOM.DefineAuthChallenge });
      await userIn(noCreate.poolId, username);
      const f = await awsErrorOf(() => start(noCreate.clientId, username));
      assert.equal(f.name, 'InvalidParameterException');
      assert.equal(f.message, 'Custom auth lambda trigger is not configured for the user pool.');
    });

    test('an unknown name: UserNotFoundException (LEGACY); with PreventUserExistenceErrors the functions run with userNotFound and no tokens come', async () => {
      const legacy = await poolWith(CUSTOM);
      const e = await awsErrorOf(() => start(legacy.clientId, unique('nobody')));
      assert.equal(e.name, 'UserNotFoundException');

      const hidden = await poolWith(CUSTOM, { hide: true });
      const name = unique('nobody');
      const first = await start(hidden.clientId, name);
      assert.equal(first.ChallengeName, 'CUSTOM_CHALLENGE');
      const d = events('DefineAuthChallenge_Authentication', name)[0];
      assert.equal(d.request.userNotFound, true);
      assert.deepEqual(d.request.userAttributes, {});
      // Even the "right" code (the handler cannot tell): Cognito issues no tokens for a name nobody has.
      const f = await awsErrorOf(() => answer(hidden.clientId, name, first.Session, codeFor(name)!));
      assert.equal(f.name, 'NotAuthorizedException');
      assert.equal(f.message, 'Incorrect username or password.');
      assert.equal(events('VerifyAuthChallengeResponse_Authentication', name)[0].request.userNotFound, true);
    });

    test('PreventUserExistenceErrors, a pool signing in by email: an unknown address gets a UUID USERNAME, as a user does', async () => {
      const pool = (await s.idp.send(new CreateUserPoolCommand({ PoolName: unique('p'), LambdaConfig: CUSTOM, UsernameAttributes: ['email'] }))).UserPool!;
      const clientId = (
        await s.idp.send(
          new CreateUserPoolClientCommand({ UserPoolId: pool.Id!, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH'], PreventUserExistenceErrors: 'ENABLED' }),
        )
      ).UserPoolClient!.ClientId!;
      await s.idp.send(
        new AdminCreateUserCommand({ UserPoolId: pool.Id!, Username: 'real@example.com', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email_verified', Value: 'true' }] }),
      );
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
      const real = await start(clientId, 'real@example.com');
      assert.match(real.ChallengeParameters!.USERNAME!, uuid);
      const unknown = await start(clientId, 'nobody@example.com');
      assert.match(unknown.ChallengeParameters!.USERNAME!, uuid);
      // The same one each time, as a user's.
      assert.equal((await start(clientId, 'Nobody@example.com')).ChallengeParameters!.USERNAME, unknown.ChallengeParameters!.USERNAME);
      const f = await awsErrorOf(() => answer(clientId, 'nobody@example.com', unknown.Session, codeFor('nobody@example.com') ?? '000000'));
      assert.equal(f.name, 'NotAuthorizedException');
    });

    test('amazon-cognito-identity-js: passwordless initiateAuth, customChallenge, sendCustomChallengeAnswer (a wrong code first)', async () => {
      const { poolId, clientId } = await poolWith(CUSTOM);
      const username = unique('u');
      await userIn(poolId, username);
      const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: s.url + '/' });
      const user = new CognitoUser({ Username: username, Pool: pool });
      user.setAuthenticationFlowType('CUSTOM_AUTH');
      const seen: Record<string, string>[] = [];
      const session = await new Promise<CognitoUserSession>((resolve, reject) => {
        const callbacks = {
          onSuccess: resolve,
          onFailure: reject,
          customChallenge(params: Record<string, string>) {
            seen.push(params);
            const code = codeFor(username)!;
            user.sendCustomChallengeAnswer(seen.length === 1 ? wrong(code) : code, callbacks);
          },
        };
        user.initiateAuth(new AuthenticationDetails({ Username: username }), callbacks);
      });
      assert.equal(session.getIdToken().decodePayload()['cognito:username'], username);
      assert.equal(seen.length, 2);
      assert.equal(seen[0]!.email, `${username}@example.com`);
    });

    test('amazon-cognito-identity-js: SRP first (CUSTOM_AUTH with a password), then the code; the session shows SRP_A and PASSWORD_VERIFIER', async () => {
      const { poolId, clientId } = await poolWith(CUSTOM);
      const username = unique('u');
      await userIn(poolId, username);
      const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: s.url + '/' });
      const signIn = (password: string) => {
        const user = new CognitoUser({ Username: username, Pool: pool });
        user.setAuthenticationFlowType('CUSTOM_AUTH');
        return new Promise<CognitoUserSession>((resolve, reject) => {
          const callbacks = {
            onSuccess: resolve,
            onFailure: reject,
            customChallenge: () => user.sendCustomChallengeAnswer(codeFor(username)!, callbacks),
          };
          user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), callbacks);
        });
      };
      const session = await signIn(PASSWORD);
      assert.ok(session.isValid());
      const defines = events('DefineAuthChallenge_Authentication', username);
      assert.deepEqual(
        defines.map((e) => e.request.session.map((c: { challengeName: string; challengeResult: boolean }) => [c.challengeName, c.challengeResult])),
        SRP_THEN_CODE,
      );
      const before = events('CreateAuthChallenge_Authentication', username).length;
      const e = await signIn('Wrong-passw0rd!').then(
        () => assert.fail('signed in with a wrong password'),
        (err: Error & { code?: string }) => err,
      );
      assert.equal(e.code ?? e.name, 'NotAuthorizedException');
      assert.equal(e.message, 'Incorrect username or password.');
      assert.equal(events('CreateAuthChallenge_Authentication', username).length, before, 'no challenge after a wrong password');
    });

    test('SRP first and MFA (AWS SDK): PASSWORD_VERIFIER, then the MFA challenge (a wrong code refused), then tokens as on AWS, DefineAuthChallenge not asked again; without MFA the custom challenge', async () => {
      const { poolId, clientId } = await poolWith(CUSTOM);
      await s.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'OPTIONAL', EmailMfaConfiguration: { Message: 'MFA {####}', Subject: 'MFA' } }));
      const withMfa = unique('m');
      const plain = unique('p');
      await userIn(poolId, withMfa);
      await userIn(poolId, plain);
      await s.idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: withMfa, EmailMfaSettings: { Enabled: true } }));
      const respond = (ChallengeName: string, Session: string | undefined, ChallengeResponses: Record<string, string>) =>
        s.idp.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: ChallengeName as 'CUSTOM_CHALLENGE', Session, ChallengeResponses }));
      const throughPassword = async (username: string) => {
        const srp = await srpClient(poolId);
        const first = await s.idp.send(
          new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: username, SRP_A: srp.A, CHALLENGE_NAME: 'SRP_A' } }),
        );
        assert.equal(first.ChallengeName, 'PASSWORD_VERIFIER');
        return respond('PASSWORD_VERIFIER', first.Session, await srp.answer(first.ChallengeParameters!, PASSWORD));
      };
      const sessions = (username: string) =>
        events('DefineAuthChallenge_Authentication', username).map((e) =>
          e.request.session.map((c: { challengeName: string; challengeResult: boolean }) => [c.challengeName, c.challengeResult]),
        );

      const mfa = await throughPassword(withMfa);
      assert.equal(mfa.ChallengeName, 'EMAIL_OTP');
      assert.equal(events('CreateAuthChallenge_Authentication', withMfa).length, 0, 'no custom challenge before the MFA code');
      assert.deepEqual(sessions(withMfa), [[['SRP_A', true]]], 'DefineAuthChallenge not asked before the MFA code');
      const { code } = await codeSentTo(s.url, `${withMfa}@example.com`);
      const bad = await awsErrorOf(() => respond('EMAIL_OTP', mfa.Session, { USERNAME: withMfa, EMAIL_OTP_CODE: wrong(code) }));
      assert.equal(bad.name, 'CodeMismatchException');
      assert.equal(events('CreateAuthChallenge_Authentication', withMfa).length, 0);
      const done = await respond('EMAIL_OTP', mfa.Session, { USERNAME: withMfa, EMAIL_OTP_CODE: code });
      assert.ok(done.AuthenticationResult?.AccessToken, 'tokens after the MFA code (amplify-js#3876)');
      assert.equal(events('CreateAuthChallenge_Authentication', withMfa).length, 0, 'no custom challenge after the MFA code');
      assert.deepEqual(sessions(withMfa), [[['SRP_A', true]]], 'DefineAuthChallenge not asked again');

      // A wrong MFA code only: the sign-in goes no further.
      const again = await throughPassword(withMfa);
      assert.equal(again.ChallengeName, 'EMAIL_OTP');
      const sent = (await codeSentTo(s.url, `${withMfa}@example.com`)).code;
      const refused = await awsErrorOf(() => respond('EMAIL_OTP', again.Session, { USERNAME: withMfa, EMAIL_OTP_CODE: wrong(sent) }));
      assert.equal(refused.name, 'CodeMismatchException');

      // No MFA turned on: the custom challenge follows the password at once.
      const straight = await throughPassword(plain);
      assert.equal(straight.ChallengeName, 'CUSTOM_CHALLENGE');
      assert.ok((await respond('CUSTOM_CHALLENGE', straight.Session, { USERNAME: plain, ANSWER: codeFor(plain)! })).AuthenticationResult?.AccessToken);
    });

    test('FORCE_CHANGE_PASSWORD, passwordless: the custom challenges alone sign the user in; the temporary password stays to be changed', async () => {
      const { poolId, clientId } = await poolWith(CUSTOM);
      const username = unique('u');
      await userIn(poolId, username, 'FORCE_CHANGE_PASSWORD');
      const first = await start(clientId, username);
      assert.equal(first.ChallengeName, 'CUSTOM_CHALLENGE');
      assert.equal(events('DefineAuthChallenge_Authentication', username)[0].request.userAttributes['cognito:user_status'], 'FORCE_CHANGE_PASSWORD');
      const done = await answer(clientId, username, first.Session, codeFor(username)!);
      assert.ok(done.AuthenticationResult?.AccessToken);
      const pool = (await s.deps.store.pools.get(poolId))!;
      assert.equal((await getTestUser(s.deps, pool, username)).status, 'FORCE_CHANGE_PASSWORD');
    });

    test('FORCE_CHANGE_PASSWORD, SRP first (amazon-cognito-identity-js): the temporary password is followed by NEW_PASSWORD_REQUIRED, then tokens', async () => {
      const { poolId, clientId } = await poolWith(CUSTOM);
      const username = unique('u');
      await userIn(poolId, username, 'FORCE_CHANGE_PASSWORD');
      const lib = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: s.url + '/' });
      const user = new CognitoUser({ Username: username, Pool: lib });
      user.setAuthenticationFlowType('CUSTOM_AUTH');
      const steps: string[] = [];
      const session = await new Promise<CognitoUserSession>((resolve, reject) => {
        const callbacks = {
          onSuccess: resolve,
          onFailure: reject,
          customChallenge() {
            steps.push('customChallenge');
            user.sendCustomChallengeAnswer(codeFor(username)!, callbacks);
          },
          newPasswordRequired(attributes: Record<string, string>) {
            steps.push('newPasswordRequired');
            assert.equal(attributes.email, `${username}@example.com`);
            user.completeNewPasswordChallenge('N3w-Passw0rd!', {}, callbacks);
          },
        };
        user.authenticateUser(new AuthenticationDetails({ Username: username, Password: PASSWORD }), callbacks);
      });
      assert.deepEqual(steps, ['newPasswordRequired']);
      assert.equal(session.getIdToken().decodePayload()['cognito:username'], username);
      // DefineAuthChallenge was asked once, about SRP_A; the password step's NEW_PASSWORD_REQUIRED ended the sign-in.
      assert.deepEqual(
        events('DefineAuthChallenge_Authentication', username).map((e) => e.request.session.map((c: { challengeName: string }) => c.challengeName)),
        [['SRP_A']],
      );
      assert.equal(events('CreateAuthChallenge_Authentication', username).length, 0);
      const pool = (await s.deps.store.pools.get(poolId))!;
      assert.equal((await getTestUser(s.deps, pool, username)).status, 'CONFIRMED');
    });
  });
}
