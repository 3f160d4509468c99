import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord } from '../../storage/records.ts';
import { issueTokens } from '../sign-in/issue-tokens.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { createTestClient, createTestPool, createTestUser, getTestUser } from '../../../test/support/users.ts';
import { openCredentials } from '../domain/passwords.ts';
import type { CreateUserPoolRequest } from '../shapes.ts';
import op from './change-password.ts';

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
    assert.ok(model.operations.ChangePassword!.errors.includes(code), `${code} is not declared for ChangePassword`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

/** A pool, a client and a signed-in user: returns the user's access token. */
async function signedIn(over: Partial<CreateUserPoolRequest> = {}, username = 'alice') {
  const pool = await createTestPool(deps, { PoolName: `change${++n}`, ...over });
  const client = await createTestClient(deps, pool.id);
  const user = await createTestUser(deps, pool, username, OLD);
  const { AccessToken } = await issueTokens(deps, { pool, client: client.record, user });
  const change = (PreviousPassword: string | undefined, ProposedPassword: string, token = AccessToken!) =>
    op.handle({ AccessToken: token, PreviousPassword, ProposedPassword }, deps, ctx);
  /** A token from a new sign-in (now). */
  const fresh = async () => (await issueTokens(deps, { pool, client: client.record, user })).AccessToken!;
  return { pool, client, token: AccessToken!, change, fresh };
}

async function passwordIs(pool: PoolRecord, username: string, password: string): Promise<boolean> {
  return deps.hashing.verify(openCredentials(deps, await getTestUser(deps, pool, username)).passwordHash!, password);
}

test('the previous password proves the user; the new one replaces it and the token stays valid', async () => {
  const { pool, token, change } = await signedIn();
  clock.advance(1000);
  const out = await change(OLD, NEW);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'ChangePassword', out), []);
  assert.equal(await passwordIs(pool, 'alice', NEW), true);
  assert.equal(await passwordIs(pool, 'alice', OLD), false);
  const u = await getTestUser(deps, pool, 'alice');
  assert.equal(u.status, 'CONFIRMED');
  assert.equal(u.passwordSetAt, clock.now());
  await authenticateAccessToken(deps, token);
});

test('a wrong or missing previous password is NotAuthorizedException "Incorrect username or password."', async () => {
  const { pool, change } = await signedIn();
  assert.deepEqual(await errorOf(change('Wr0ng-password', NEW)), ['NotAuthorizedException', 'Incorrect username or password.']);
  assert.deepEqual(await errorOf(change(undefined, NEW)), ['NotAuthorizedException', 'Incorrect username or password.']);
  assert.equal(await passwordIs(pool, 'alice', OLD), true);
});

test('the pool policy and PasswordHistorySize apply to the new password', async () => {
  const { pool, change } = await signedIn({ Policies: { PasswordPolicy: { MinimumLength: 8, RequireSymbols: true, PasswordHistorySize: 2 } } });
  assert.deepEqual(await errorOf(change(OLD, 'Sh0rt!')), ['InvalidPasswordException', 'Password did not conform with policy: Password not long enough']);
  assert.deepEqual(await errorOf(change(OLD, 'nosymbols123')), [
    'InvalidPasswordException',
    'Password did not conform with policy: Password must have symbol characters',
  ]);
  assert.equal((await errorOf(change(OLD, OLD)))[0], 'PasswordHistoryPolicyViolationException');
  await change(OLD, NEW);
  // History of two: the current and the one before.
  assert.equal((await errorOf(change(NEW, OLD)))[0], 'PasswordHistoryPolicyViolationException');
  assert.equal(await passwordIs(pool, 'alice', NEW), true);
});

test('five calls per user and hour, then LimitExceededException', async () => {
  const { change, fresh } = await signedIn();
  for (let i = 0; i < 5; i++) assert.equal((await errorOf(change('Wr0ng-password', NEW)))[0], 'NotAuthorizedException');
  assert.deepEqual(await errorOf(change(OLD, NEW)), ['LimitExceededException', 'Attempt limit exceeded, please try after some time.']);
  clock.advance(HOUR);
  await change(OLD, NEW, await fresh());
});

test('a revoked, expired or disabled user\'s token is refused', async () => {
  const { token, change } = await signedIn();
  const session = (await authenticateAccessToken(deps, token)).session;
  await deps.store.sessions.revoke(session.originJti, clock.now());
  assert.deepEqual(await errorOf(change(OLD, NEW)), ['NotAuthorizedException', 'Access Token has been revoked']);

  const second = await signedIn({}, 'bob');
  clock.advance(2 * HOUR);
  assert.deepEqual(await errorOf(second.change(OLD, NEW)), ['NotAuthorizedException', 'Access Token has expired']);
  clock.advance(-2 * HOUR);

  const third = await signedIn({}, 'carol');
  const u = await getTestUser(deps, third.pool, 'carol');
  assert.ok(await deps.store.users.update({ ...u, enabled: false, version: u.version + 1 }));
  assert.deepEqual(await errorOf(third.change(OLD, NEW)), ['NotAuthorizedException', 'User is disabled.']);
});
