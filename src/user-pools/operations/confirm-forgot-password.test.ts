import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import { createTestClient, createTestPool, createTestUser, getTestUser, type TestUserOptions } from '../../../test/support/users.ts';
import { CODE_TTL_MS, issueCode } from '../domain/codes.ts';
import { lockoutKey, recordFailedSignIn } from '../domain/lockout.ts';
import { openCredentials } from '../domain/passwords.ts';
import type { CreateUserPoolClientRequest, CreateUserPoolRequest } from '../shapes.ts';
import forgotOp from './forgot-password.ts';
import op from './confirm-forgot-password.ts';
import { readOutbox } from '../../runtime/delivery.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const HOUR = 3600_000;
const OLD = 'Passw0rd!';
const NEW = 'N3w-passw0rd';
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let clock: FixedClock;
let n = 0;

before(async () => {
  clock = new FixedClock();
  deps = await makeTestDeps({ clock });
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.ConfirmForgotPassword!.errors.includes(code), `${code} is not declared for ConfirmForgotPassword`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

const MISMATCH: [string, string] = ['CodeMismatchException', 'Invalid verification code provided, please try again.'];
const EXPIRED: [string, string] = ['ExpiredCodeException', 'Invalid code provided, please request a code again.'];
const other = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

async function setup(poolIn: Partial<CreateUserPoolRequest> = {}, clientIn: Partial<CreateUserPoolClientRequest> = {}) {
  const pool = await createTestPool(deps, { PoolName: `confirm-forgot${++n}`, AutoVerifiedAttributes: ['email'], ...poolIn });
  const client = await createTestClient(deps, pool.id, clientIn);
  const forgot = (Username: string) => forgotOp.handle({ ClientId: client.id, Username }, deps, ctx);
  const confirm = (Username: string, ConfirmationCode: string, Password = NEW) =>
    op.handle({ ClientId: client.id, Username, ConfirmationCode, Password }, deps, ctx);
  const user = (username: string, o: TestUserOptions = {}) =>
    createTestUser(deps, pool, username, OLD, { attributes: { email: `${username}@example.com`, email_verified: 'true' }, ...o });
  /** Requests a code for `username` and returns it, read from the outbox (a hiding client sends it after answering). */
  const codeFor = async (username: string) => {
    const sent = () => readOutbox(deps, `${username}@example.com`, 100);
    const before = (await sent()).length;
    await forgot(username);
    for (let i = 0; i < 100; i++) {
      const all = await sent();
      if (all.length > before) return /\d{6}/.exec(all[0]!.body)![0];
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`no code for ${username}`);
  };
  return { pool, client, forgot, confirm, user, codeFor };
}

async function passwordIs(pool: Parameters<typeof getTestUser>[1], username: string, password: string): Promise<boolean> {
  const u = await getTestUser(deps, pool, username);
  return deps.hashing.verify(openCredentials(deps, u).passwordHash!, password);
}

test('the code sets the new password once: the old one stops working, the lockout is cleared', async () => {
  const { pool, confirm, user, codeFor } = await setup();
  const before = await user('alice');
  for (let i = 0; i < 6; i++) await recordFailedSignIn(deps, pool.id, 'alice');
  const code = await codeFor('alice');
  clock.advance(1000);
  const out = await confirm('alice', code);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'ConfirmForgotPassword', out), []);
  assert.equal(await passwordIs(pool, 'alice', NEW), true);
  assert.equal(await passwordIs(pool, 'alice', OLD), false);
  const after = await getTestUser(deps, pool, 'alice');
  assert.equal(after.status, 'CONFIRMED');
  assert.equal(after.passwordSetAt, clock.now());
  assert.notEqual(openCredentials(deps, after).srpVerifierHex, openCredentials(deps, before).srpVerifierHex);
  assert.equal(await deps.store.counters.getLockout(lockoutKey(pool.id, 'alice')), null);
  assert.equal(await deps.store.codes.get(pool.id, 'alice', 'forgot'), null);
  // Spent: nothing is outstanding any more.
  assert.deepEqual(await errorOf(confirm('alice', code)), EXPIRED);
});

test('RESET_REQUIRED, FORCE_CHANGE_PASSWORD and UNCONFIRMED users holding a reset code end CONFIRMED', async () => {
  const { pool, confirm, user, codeFor } = await setup();
  await user('bob', { status: 'RESET_REQUIRED' });
  await confirm('bob', await codeFor('bob'));
  assert.equal((await getTestUser(deps, pool, 'bob')).status, 'CONFIRMED');
  for (const status of ['FORCE_CHANGE_PASSWORD', 'UNCONFIRMED'] as const) {
    const name = `u-${status.toLowerCase()}`;
    await user(name, { status });
    const { code } = await issueCode(deps, { poolId: pool.id, username: name, purpose: 'forgot', ttlMs: CODE_TTL_MS.forgot });
    await confirm(name, code);
    assert.equal((await getTestUser(deps, pool, name)).status, 'CONFIRMED');
  }
});

test('wrong codes are CodeMismatchException; after five the code is dead (LimitExceededException)', async () => {
  const { pool, confirm, user, codeFor } = await setup();
  await user('carol');
  const code = await codeFor('carol');
  for (let i = 0; i < 5; i++) assert.deepEqual(await errorOf(confirm('carol', other(code))), MISMATCH);
  assert.deepEqual(await errorOf(confirm('carol', code)), ['LimitExceededException', 'Attempt limit exceeded, please try after some time.']);
  assert.equal(await passwordIs(pool, 'carol', OLD), true);
});

test('a code expires after one hour; without a requested code the answer is ExpiredCodeException', async () => {
  const { confirm, user, codeFor } = await setup();
  await user('dan');
  assert.deepEqual(await errorOf(confirm('dan', '123456')), EXPIRED);
  const code = await codeFor('dan');
  clock.advance(HOUR);
  assert.deepEqual(await errorOf(confirm('dan', code)), EXPIRED);
});

test('the policy and the password history are enforced; the code survives a refused password', async () => {
  const { pool, confirm, user, codeFor } = await setup({
    Policies: { PasswordPolicy: { MinimumLength: 8, RequireNumbers: true, PasswordHistorySize: 2 } },
  });
  await user('erin');
  const code = await codeFor('erin');
  assert.deepEqual(await errorOf(confirm('erin', code, 'short')), ['InvalidPasswordException', 'Password did not conform with policy: Password not long enough']);
  assert.deepEqual(await errorOf(confirm('erin', code, 'nodigitshere')), [
    'InvalidPasswordException',
    'Password did not conform with policy: Password must have numeric characters',
  ]);
  const [name] = await errorOf(confirm('erin', code, OLD));
  assert.equal(name, 'PasswordHistoryPolicyViolationException');
  await confirm('erin', code, NEW);
  assert.equal(await passwordIs(pool, 'erin', NEW), true);
});

test('unknown and disabled users: LEGACY says so, a hiding client answers CodeMismatchException', async () => {
  const legacy = await setup();
  assert.deepEqual(await errorOf(legacy.confirm('nobody', '123456')), ['UserNotFoundException', 'Username/client id combination not found.']);
  await legacy.user('fay', { enabled: false });
  assert.deepEqual(await errorOf(legacy.confirm('fay', '123456')), ['NotAuthorizedException', 'User is disabled.']);

  const hiding = await setup({}, { PreventUserExistenceErrors: 'ENABLED' });
  assert.deepEqual(await errorOf(hiding.confirm('nobody', '123456')), MISMATCH);
  await hiding.user('fay', { enabled: false });
  assert.deepEqual(await errorOf(hiding.confirm('fay', '123456')), MISMATCH);
});

test('twenty wrong codes in an hour: TooManyFailedAttemptsException until the hour is over', async () => {
  const { pool, confirm, user } = await setup();
  await user('gus');
  for (let i = 0; i < 4; i++) {
    const { code } = await issueCode(deps, { poolId: pool.id, username: 'gus', purpose: 'forgot', ttlMs: CODE_TTL_MS.forgot });
    for (let j = 0; j < 5; j++) assert.deepEqual(await errorOf(confirm('gus', other(code))), MISMATCH);
  }
  const { code } = await issueCode(deps, { poolId: pool.id, username: 'gus', purpose: 'forgot', ttlMs: CODE_TTL_MS.forgot });
  const [name] = await errorOf(confirm('gus', code));
  assert.equal(name, 'TooManyFailedAttemptsException');
  clock.advance(HOUR);
  const { code: fresh } = await issueCode(deps, { poolId: pool.id, username: 'gus', purpose: 'forgot', ttlMs: CODE_TTL_MS.forgot });
  await confirm('gus', fresh);
});

test('the username may be an alias; the code belongs to the user it was sent for', async () => {
  const { pool, confirm, user, codeFor } = await setup({ AliasAttributes: ['email'] });
  await user('hal');
  await user('ida');
  const code = await codeFor('hal');
  assert.deepEqual(await errorOf(confirm('ida', code)), EXPIRED);
  await confirm('hal@example.com', code);
  assert.equal(await passwordIs(pool, 'hal', NEW), true);
});

test('a hiding client checks the password policy before the user: a weak password is refused alike for any name', async () => {
  const { confirm, user, codeFor } = await setup({}, { PreventUserExistenceErrors: 'ENABLED' });
  await user('jan');
  const code = await codeFor('jan');
  const weak = ['InvalidPasswordException', 'Password did not conform with policy: Password not long enough'];
  assert.deepEqual(await errorOf(confirm('jan', code, 'short')), weak);
  assert.deepEqual(await errorOf(confirm('nobody', '123456', 'short')), weak);
  assert.deepEqual(await errorOf(confirm('nobody', '123456')), MISMATCH);
});

test('the code is spent before the password is stored: a request that loses the code writes nothing', async () => {
  const { pool, client, confirm, user, codeFor } = await setup();
  await user('kai');
  const code = await codeFor('kai');
  // Another request spends the code between this one's check and its own spending.
  const codes = deps.store.codes;
  const raced = {
    ...deps,
    store: { ...deps.store, codes: { ...codes, delete: async (...a: Parameters<typeof codes.delete>) => (await codes.delete(...a), false) } },
  };
  assert.deepEqual(await errorOf(op.handle({ ClientId: client.id, Username: 'kai', ConfirmationCode: code, Password: NEW }, raced, ctx)), MISMATCH);
  assert.equal(await passwordIs(pool, 'kai', OLD), true);

  // Two concurrent requests with the right code: one wins, and the stored password is the winner's.
  const code2 = await codeFor('kai');
  const passwords = ['Fir5t-passw0rd', 'Sec0nd-passw0rd'];
  const results = await Promise.allSettled(passwords.map((p) => confirm('kai', code2, p)));
  const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [passwords[i]!] : []));
  assert.equal(won.length, 1);
  assert.equal(await passwordIs(pool, 'kai', won[0]!), true);
});
