// Telling users apart with PreventUserExistenceErrors ENABLED, through the AWS SDK against a real server: what a
// wrong password, an SRP challenge and ForgotPassword cost and answer for a user and for a name nobody has — the store
// calls and argon2id verifies made before the answer, the bodies, the lockout, and the form of USER_ID_FOR_SRP.
// (Latency itself is measured by bench/enumeration.ts, not asserted here.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ForgotPasswordCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type AuthFlowType,
} from '@aws-sdk/client-cognito-identity-provider';
import { awsErrorOf, startTestServer, type TestServer } from '../support/server.ts';
import { ALL_FLOWS, createTestClient, createTestPool, createTestUser, srpClient, type SrpClient } from '../support/users.ts';
import { openSqliteStore } from '../../src/storage/sqlite/index.ts';
import type { Store } from '../../src/storage/store.ts';
import { readOutbox } from '../../src/runtime/delivery.ts';
import { FixedClock } from '../../src/runtime/clock.ts';
import { argon2Hasher } from '../../src/runtime/hashing.ts';
import type { PoolRecord } from '../../src/storage/records.ts';
import type { CreateUserPoolRequest } from '../../src/user-pools/shapes.ts';

const PW = 'Passw0rd!';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const INCORRECT = { name: 'NotAuthorizedException', message: 'Incorrect username or password.', status: 400 };
const LOCKED = { name: 'NotAuthorizedException', message: 'Password attempts exceeded', status: 400 };
const LIMITED = { name: 'LimitExceededException', message: 'Attempt limit exceeded, please try after some time.', status: 400 };

// Every store call and argon2id verify, logged; `answered` holds what was logged when the reply went out.
const log: string[] = [];
let answered: string[] = [];

/** The store, with every call of every aggregate's methods logged as `aggregate.method`. */
function recording(store: Store): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || typeof v !== 'object' || v === null) return v;
      return new Proxy(v, {
        get(agg, method) {
          const f = Reflect.get(agg, method);
          if (typeof f !== 'function') return f;
          return (...args: unknown[]) => {
            log.push(`${prop}.${String(method)}`);
            return f.apply(agg, args);
          };
        },
      });
    },
  });
}

let s: TestServer;
// Near the real time (SigV4 allows 15 minutes of skew); moved by hand for the lockout.
const clock = new FixedClock(Date.now());

before(async () => {
  const store = openSqliteStore(':memory:');
  await store.migrate();
  // argon2id at the production cost (not the tests' cheap one): a dummy verify must cost what a real one does.
  s = await startTestServer({ clock, store: recording(store), hashing: argon2Hasher() }, { beforeListen: (app) => app.addHook('onSend', async () => void (answered = [...log])) });
  // Every argon2id verify, with the parameters of the hash it checks against (a dummy's must be a real one's).
  const { verify } = s.deps.hashing;
  s.deps.hashing.verify = (hash, password) => {
    log.push(`argon2 verify ${hash.split('$').slice(0, 4).join('$')}`);
    return verify(hash, password);
  };
});
after(() => s.close());

/** What the server did before answering `fn`'s request. */
async function callsOf(fn: () => Promise<unknown>): Promise<string[]> {
  await fn().catch(() => undefined);
  log.length = 0;
  answered = [];
  await fn().catch(() => undefined);
  return answered;
}

interface App {
  pool: PoolRecord;
  clientId: string;
}

let n = 0;
async function hidingApp(pool: Partial<CreateUserPoolRequest> = {}): Promise<App> {
  const p = await createTestPool(s.deps, { PoolName: `enumeration-${++n}`, AutoVerifiedAttributes: ['email'], ...pool });
  const c = await createTestClient(s.deps, p.id, { ExplicitAuthFlows: ALL_FLOWS, PreventUserExistenceErrors: 'ENABLED' });
  return { pool: p, clientId: c.id };
}

const passwordAuth = (app: App, USERNAME: string, PASSWORD = 'wrong-password') =>
  s.idp.send(new InitiateAuthCommand({ ClientId: app.clientId, AuthFlow: 'USER_PASSWORD_AUTH' as AuthFlowType, AuthParameters: { USERNAME, PASSWORD } }));

/** USER_SRP_AUTH round 1; `respond` answers PASSWORD_VERIFIER as the real client does, with `password`. */
async function srpStart(app: App, USERNAME: string, client?: SrpClient) {
  const srp = client ?? (await srpClient(app.pool.id));
  const first = await s.idp.send(new InitiateAuthCommand({ ClientId: app.clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME, SRP_A: srp.A } }));
  const respond = async (password = 'wrong-password') => {
    const ChallengeResponses = await srp.answer(first.ChallengeParameters!, password);
    return s.idp.send(new RespondToAuthChallengeCommand({ ClientId: app.clientId, ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses }));
  };
  return { params: first.ChallengeParameters!, respond };
}

/** A raw POST: the exact status, error header and JSON the server answers. */
async function raw(op: string, body: unknown) {
  const r = await fetch(s.url + '/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${op}` },
    body: JSON.stringify(body),
  });
  return { status: r.status, type: r.headers.get('x-amzn-errortype'), json: await r.json() };
}

describe('a wrong password: the same work and answer for a user and for a name nobody has', () => {
  let app: App;
  before(async () => {
    app = await hidingApp();
    for (const name of ['alice', 'bobby', 'carol']) await createTestUser(s.deps, app.pool, name, PW);
    await srpStart(app, 'warmup'); // the simulation key is read once per process, not per request
  });

  test('USER_PASSWORD_AUTH: the same store reads and writes and one argon2id verify of the same cost, then the same body', async () => {
    const real = await callsOf(() => passwordAuth(app, 'alice'));
    const unknown = await callsOf(() => passwordAuth(app, 'ghost'));
    assert.ok(real.some((c) => c.startsWith('counters.')), `the attempt counts under the lockout: ${real}`);
    assert.equal(real.filter((c) => c.startsWith('argon2 verify $argon2id$v=19$m=19456,t=2,p=1')).length, 1, `${real}`);
    assert.deepEqual(unknown, real);
    const body = (USERNAME: string) => raw('InitiateAuth', { ClientId: app.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD: 'wrong' } });
    assert.deepEqual(await body('ghost'), await body('alice'));
  });

  test('USER_SRP_AUTH: round 1 and round 2 make the same store calls; the challenges have one shape, the failures one body', async () => {
    // Round 1 (names of one length: SECRET_BLOCK seals the names, and must not seal more for a simulated challenge).
    const real1 = await callsOf(() => srpStart(app, 'bobby'));
    const unknown1 = await callsOf(() => srpStart(app, 'gusty'));
    assert.deepEqual(unknown1, real1);
    const client = await srpClient(app.pool.id); // one SRP_A for both: SECRET_BLOCK seals it too
    const [real, unknown] = [await srpStart(app, 'bobby', client), await srpStart(app, 'gusty', client)];
    const shape = (p: Record<string, string>) => ({
      keys: Object.keys(p),
      SALT: /^[0-9a-f]{2,34}$/.test(p.SALT!),
      SRP_B: /^[0-9a-f]{700,768}$/.test(p.SRP_B!),
      SECRET_BLOCK: p.SECRET_BLOCK!.length,
    });
    assert.deepEqual(shape(unknown.params), shape(real.params));
    // Round 2: a wrong password's proof.
    let realRespond = (await srpStart(app, 'carol')).respond;
    let unknownRespond = (await srpStart(app, 'gully')).respond;
    const real2 = await callsOf(async () => {
      const r = realRespond;
      realRespond = (await srpStart(app, 'carol')).respond;
      log.length = 0; // only the PASSWORD_VERIFIER request
      return r();
    });
    const unknown2 = await callsOf(async () => {
      const r = unknownRespond;
      unknownRespond = (await srpStart(app, 'gully')).respond;
      log.length = 0;
      return r();
    });
    assert.ok(real2.includes('counters.takeAttempt'), `${real2}`);
    assert.deepEqual(unknown2, real2);
    assert.deepEqual(await awsErrorOf(() => unknownRespond()), await awsErrorOf(() => realRespond()));
  });
});

describe('the lockout: names nobody has are locked out as users are', () => {
  /** What six, seven, eight … tries answer, the clock moving as given between them. */
  async function lockoutRun(tryOnce: () => Promise<unknown>): Promise<string[]> {
    const out: string[] = [];
    const step = async (label: string) => out.push(`${label}: ${(await awsErrorOf(tryOnce)).message}`);
    for (let i = 1; i <= 5; i++) await step(`failure ${i}`);
    await step('locked'); // "Password attempts exceeded": the 5th failure locked for 1 s
    clock.advance(1000);
    await step('after 1 s'); // the 6th failure locks for 2 s
    clock.advance(1000);
    await step('1 s into 2 s');
    clock.advance(1000);
    await step('after 2 s');
    return out;
  }

  test('USER_PASSWORD_AUTH: the same answers after the same failures, for as long', async () => {
    const app = await hidingApp();
    await createTestUser(s.deps, app.pool, 'alice', PW);
    const real = await lockoutRun(() => passwordAuth(app, 'alice'));
    const unknown = await lockoutRun(() => passwordAuth(app, 'ghost'));
    assert.deepEqual(real.slice(0, 6), [...Array(5)].map((_, i) => `failure ${i + 1}: ${INCORRECT.message}`).concat(`locked: ${LOCKED.message}`));
    assert.deepEqual(unknown, real);
    assert.deepEqual(await awsErrorOf(() => passwordAuth(app, 'ghost')), LOCKED);
  });

  test('counted per name as the sign-in lookup folds it, across the password flow and PASSWORD_VERIFIER', async () => {
    const app = await hidingApp({ UsernameAttributes: ['email'] });
    const spellings = ['ghost@example.com', 'Ghost@example.com', 'GHOST@EXAMPLE.COM'];
    for (const name of spellings) assert.deepEqual(await awsErrorOf(() => passwordAuth(app, name)), INCORRECT, name);
    for (const name of spellings.slice(0, 2)) assert.deepEqual(await awsErrorOf(async () => (await srpStart(app, name)).respond()), INCORRECT, name);
    assert.deepEqual(await awsErrorOf(() => passwordAuth(app, 'gHoSt@example.com')), LOCKED);
    assert.deepEqual(await awsErrorOf(async () => (await srpStart(app, 'ghost@EXAMPLE.com')).respond()), LOCKED);
    assert.deepEqual(await awsErrorOf(() => passwordAuth(app, 'other@example.com')), INCORRECT, 'another name is not locked');
    clock.advance(1000);
  });
});

describe('ForgotPassword: the same writes before the answer, the same shape of answer, the same limit', () => {
  test('a user who gets a code, a disabled user and a name nobody has: the same store calls up to the answer', async () => {
    const app = await hidingApp();
    const forgot = (Username: string) => () => s.idp.send(new ForgotPasswordCommand({ ClientId: app.clientId, Username }));
    await createTestUser(s.deps, app.pool, 'alice', PW, { attributes: { email: 'alice@example.com', email_verified: 'true' } });
    await createTestUser(s.deps, app.pool, 'dan', PW, { enabled: false, attributes: { email: 'dan@example.com', email_verified: 'true' } });
    const real = await callsOf(forgot('alice'));
    assert.ok(real.includes('counters.hit'), `the limit is counted: ${real}`);
    assert.ok(!real.some((c) => /^(codes|outbox)\./.test(c)), `the code is stored and sent after the answer: ${real}`);
    assert.deepEqual(await callsOf(forgot('dan')), real);
    assert.deepEqual(await callsOf(forgot('ghost')), real);
    // The user still gets the code, after the answer.
    let code: string | undefined;
    for (let i = 0; i < 100 && !code; i++) {
      code = (await readOutbox(s.deps, 'alice@example.com', 1))[0]?.body.match(/\d{6}/)?.[0];
      if (!code) await new Promise((r) => setTimeout(r, 5));
    }
    assert.ok(code, 'the reset code was sent');
    assert.ok(await s.deps.store.codes.get(app.pool.id, 'alice', 'forgot'));
  });

  test('the answers have one shape; every spelling of a name gets the same one', async () => {
    const app = await hidingApp({ UsernameConfiguration: { CaseSensitive: false }, AliasAttributes: ['email'] });
    await createTestUser(s.deps, app.pool, 'alice', PW, { attributes: { email: 'alice@example.com', email_verified: 'true' } });
    const details = async (Username: string) => (await s.idp.send(new ForgotPasswordCommand({ ClientId: app.clientId, Username }))).CodeDeliveryDetails!;
    const real = await details('ALICE@Example.COM');
    assert.deepEqual(real, { Destination: 'a***@e***.com', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    assert.deepEqual(await details('GHOST@Example.COM'), { Destination: 'g***@e***.com', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    const ghost = await details('Ghost');
    assert.deepEqual(Object.keys(ghost), Object.keys(real));
    assert.match(ghost.Destination!, /^[a-z]\*\*\*@[a-z]\*\*\*\.com$/);
    assert.deepEqual(await details('gHOST'), ghost, 'as a user\'s address does not change with the spelling');
    assert.deepEqual(await details('Alice'), real);
  });

  test('the hourly limit: the sixth request for a name nobody has is refused, whatever its spelling', async () => {
    const app = await hidingApp({ UsernameAttributes: ['email'] });
    await createTestUser(s.deps, app.pool, 'c0ffee00-0000-4000-8000-000000000001', PW, { attributes: { email: 'alice@example.com', email_verified: 'true' } });
    const forgot = (Username: string) => s.idp.send(new ForgotPasswordCommand({ ClientId: app.clientId, Username }));
    for (const [real, unknown] of [
      ['alice@example.com', 'ghost@example.com'],
      ['Alice@example.com', 'Ghost@example.com'],
      ['ALICE@example.com', 'GHOST@example.com'],
      ['alice@Example.com', 'ghost@Example.com'],
      ['alice@EXAMPLE.com', 'ghost@EXAMPLE.com'],
    ]) {
      await forgot(real!);
      await forgot(unknown!);
    }
    assert.deepEqual(await awsErrorOf(() => forgot('aLiCe@example.com')), LIMITED);
    assert.deepEqual(await awsErrorOf(() => forgot('gHoSt@example.com')), LIMITED);
  });
});

describe('USER_ID_FOR_SRP: a name nobody has answers in the form of a username', () => {
  const userIdOf = async (app: App, name: string) => (await srpStart(app, name)).params;

  test('email as username: a UUID for an unknown email, stable over spellings; a UUID-shaped name answers itself, as a user\'s does', async () => {
    const app = await hidingApp({ UsernameAttributes: ['email'] });
    const sub = 'c0ffee00-0000-4000-8000-000000000002';
    await createTestUser(s.deps, app.pool, sub, PW, { sub, attributes: { email: 'alice@example.com', email_verified: 'true' } });
    assert.equal((await userIdOf(app, 'Alice@Example.com')).USER_ID_FOR_SRP, sub);
    assert.equal((await userIdOf(app, sub)).USER_ID_FOR_SRP, sub);
    const unknown = (await userIdOf(app, 'ghost@example.com')).USER_ID_FOR_SRP!;
    assert.match(unknown, UUID);
    assert.equal((await userIdOf(app, 'GHOST@example.COM')).USER_ID_FOR_SRP, unknown);
    // A user's username gives what their email gives (USER_ID_FOR_SRP and SALT); so does the simulated one.
    const [byEmail, byId] = [await userIdOf(app, 'ghost@example.com'), await userIdOf(app, unknown)];
    assert.deepEqual([byId.USER_ID_FOR_SRP, byId.SALT], [unknown, byEmail.SALT]);
  });

  test('email alias: an unknown email never answers itself (no username looks like an email); a pool of UUID usernames cannot tell', async () => {
    const app = await hidingApp({ AliasAttributes: ['email'] });
    const username = 'c0ffee00-0000-4000-8000-000000000003';
    await createTestUser(s.deps, app.pool, username, PW, { attributes: { email: 'alice@example.com', email_verified: 'true' } });
    await createTestUser(s.deps, app.pool, 'bob', PW, { attributes: { email: 'bob@example.com', email_verified: 'true' } });
    assert.equal((await userIdOf(app, 'alice@example.com')).USER_ID_FOR_SRP, username, 'the username, as on AWS');
    assert.equal((await userIdOf(app, 'bob@example.com')).USER_ID_FOR_SRP, 'bob');
    const unknown = await userIdOf(app, 'ghost@example.com');
    assert.match(unknown.USER_ID_FOR_SRP!, UUID);
    assert.equal(unknown.USERNAME, unknown.USER_ID_FOR_SRP);
    const again = await userIdOf(app, unknown.USER_ID_FOR_SRP!);
    assert.deepEqual([again.USER_ID_FOR_SRP, again.SALT], [unknown.USER_ID_FOR_SRP, unknown.SALT]);
  });

  test('a case-insensitive pool: an unknown name answers as the pool keys it, as a user\'s stored name does not echo the spelling', async () => {
    const app = await hidingApp({ UsernameConfiguration: { CaseSensitive: false } });
    await createTestUser(s.deps, app.pool, 'alice', PW);
    assert.equal((await userIdOf(app, 'ALICE')).USER_ID_FOR_SRP, 'alice');
    assert.equal((await userIdOf(app, 'GHOST')).USER_ID_FOR_SRP, 'ghost');
  });
});

describe('USER_AUTH: a user who may sign in, an UNCONFIRMED one, a disabled one and a name nobody has answer alike', () => {
  let app: App;
  const FACTORS = ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP'] as const;
  // Names of one length: the Session seals the name.
  const NAMES = { user: 'alice', unconfirmed: 'uncon', disabled: 'disab', unknown: 'ghost' } as const;
  const contact = (name: string, i: number) => ({ email: `${name}@example.com`, email_verified: 'true', phone_number: `+1555555010${i}`, phone_number_verified: 'true' });
  before(async () => {
    app = await hidingApp({ Policies: { SignInPolicy: { AllowedFirstAuthFactors: [...FACTORS] } } });
    const c = await createTestClient(s.deps, app.pool.id, { ExplicitAuthFlows: ['ALLOW_USER_AUTH'], PreventUserExistenceErrors: 'ENABLED' });
    app = { ...app, clientId: c.id };
    await createTestUser(s.deps, app.pool, NAMES.user, PW, { attributes: contact(NAMES.user, 1) });
    await createTestUser(s.deps, app.pool, NAMES.unconfirmed, PW, { status: 'UNCONFIRMED', attributes: contact(NAMES.unconfirmed, 2) });
    await createTestUser(s.deps, app.pool, NAMES.disabled, PW, { enabled: false, attributes: contact(NAMES.disabled, 3) });
    await userAuth(NAMES.unknown, { PREFERRED_CHALLENGE: 'EMAIL_OTP' }); // the simulation key is read once per process
  });

  const userAuth = (USERNAME: string, extra: Record<string, string> = {}) =>
    s.idp.send(new InitiateAuthCommand({ ClientId: app.clientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME, ...extra } }));
  const respond = (ChallengeName: string, Session: string | undefined, ChallengeResponses: Record<string, string>) =>
    s.idp.send(new RespondToAuthChallengeCommand({ ClientId: app.clientId, ChallengeName: ChallengeName as 'SELECT_CHALLENGE', Session, ChallengeResponses }));
  const masked = (d: string | undefined) => (d ?? '').replace(/^[a-z]\*\*\*@[a-z]\*\*\*\.com$/, 'EMAIL').replace(/^\+\*{8}\d{4}$/, 'PHONE');

  /** Everything USER_AUTH answers `name`, with what tells a user apart taken out (the masked address, the session). */
  async function answersFor(name: string) {
    const select = await userAuth(name);
    const email = await userAuth(name, { PREFERRED_CHALLENGE: 'EMAIL_OTP' });
    const sms = await userAuth(name, { PREFERRED_CHALLENGE: 'SMS_OTP' });
    const chosenSms = await respond('SELECT_CHALLENGE', select.Session, { USERNAME: name, ANSWER: 'SMS_OTP' });
    const select2 = await userAuth(name);
    const chosenPassword = await awsErrorOf(() => respond('SELECT_CHALLENGE', select2.Session, { USERNAME: name, ANSWER: 'PASSWORD', PASSWORD: 'wrong-password' }));
    const wrongEmail = await awsErrorOf(() => respond('EMAIL_OTP', email.Session, { USERNAME: name, EMAIL_OTP_CODE: '000000' }));
    const wrongSms = await awsErrorOf(() => respond('SMS_OTP', chosenSms.Session, { USERNAME: name, SMS_OTP_CODE: '000000' }));
    const preferredPassword = await awsErrorOf(() => userAuth(name, { PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD: 'wrong-password' }));
    const shape = (o: { ChallengeName?: string; ChallengeParameters?: Record<string, string>; AvailableChallenges?: string[]; Session?: string }) => ({
      ChallengeName: o.ChallengeName,
      AvailableChallenges: o.AvailableChallenges,
      ChallengeParameters: Object.fromEntries(
        Object.entries(o.ChallengeParameters ?? {}).map(([k, v]) => [k, k === 'CODE_DELIVERY_DESTINATION' ? masked(v) : k === 'USER_ID_FOR_SRP' ? v === name : v]),
      ),
      Session: o.Session?.length,
    });
    return {
      select: shape(select),
      email: shape(email),
      sms: shape(sms),
      chosenSms: shape(chosenSms),
      chosenPassword,
      wrongEmail,
      wrongSms,
      preferredPassword,
    };
  }

  test('the same challenges, choices, masked destinations, errors and messages', async () => {
    const expected = await answersFor(NAMES.unknown);
    assert.deepEqual(expected.select.AvailableChallenges, ['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP', 'SMS_OTP']);
    assert.deepEqual(expected.email.ChallengeParameters, { CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL', CODE_DELIVERY_DESTINATION: 'EMAIL' });
    assert.deepEqual(expected.wrongEmail.name, 'CodeMismatchException');
    assert.deepEqual(expected.preferredPassword, INCORRECT);
    for (const name of [NAMES.unconfirmed, NAMES.disabled, NAMES.user]) assert.deepEqual(await answersFor(name), expected, name);
  });

  test('the same store calls before the answer, whether or not a code goes out; the user\'s code follows the answer', async () => {
    const preferEmail = (name: string) => () => userAuth(name, { PREFERRED_CHALLENGE: 'EMAIL_OTP' });
    const unknown = await callsOf(preferEmail(NAMES.unknown));
    for (const name of [NAMES.unconfirmed, NAMES.disabled, NAMES.user]) assert.deepEqual(await callsOf(preferEmail(name)), unknown, name);
    assert.ok(!unknown.some((c) => /^(codes|outbox)\./.test(c)), `no code is stored or sent before the answer: ${unknown}`);
    const chooseSms = (name: string) => async () => respond('SELECT_CHALLENGE', (await userAuth(name)).Session, { USERNAME: name, ANSWER: 'SMS_OTP' });
    const unknownChoice = await callsOf(chooseSms(NAMES.unknown));
    for (const name of [NAMES.unconfirmed, NAMES.disabled, NAMES.user]) assert.deepEqual(await callsOf(chooseSms(name)), unknownChoice, name);

    // The user who may sign in still gets their code, after the answer, and it signs them in; the others get none.
    const challenge = await userAuth(NAMES.user, { PREFERRED_CHALLENGE: 'EMAIL_OTP' });
    let code: string | undefined;
    for (let i = 0; i < 100 && !code; i++) {
      const newest = (await readOutbox(s.deps, `${NAMES.user}@example.com`, 1))[0];
      code = newest && newest.sentAt >= clock.now() ? newest.body.match(/\d{6}/)?.[0] : undefined;
      if (!code) await new Promise((r) => setTimeout(r, 5));
    }
    assert.ok(code, 'the code was sent');
    const out = await respond('EMAIL_OTP', challenge.Session, { USERNAME: NAMES.user, EMAIL_OTP_CODE: code });
    assert.ok(out.AuthenticationResult?.AccessToken);
    for (const name of [NAMES.unconfirmed, NAMES.disabled]) assert.deepEqual(await readOutbox(s.deps, `${name}@example.com`, 5), [], name);
  });
});
