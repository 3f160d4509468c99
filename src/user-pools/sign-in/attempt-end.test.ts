// A correct password starts the lockout count again on every way out of the sign-in: in the session's own commit
// when tokens follow, by itself when they do not (NEW_PASSWORD_REQUIRED, a status refused after the password with
// users hidden, a session that could not be stored).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { ALL_FLOWS, createTestClient, createTestPool, createTestUser, type TestClient } from '../../../test/support/users.ts';
import type { PoolRecord } from '../../storage/records.ts';
import { lockoutKey } from '../domain/lockout.ts';
import { initiateAuth, publicAuthContext } from './index.ts';

const PW = 'Passw0rd!';
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;
let client: TestClient;
let hiding: TestClient;

before(async () => {
  deps = await makeTestDeps();
  pool = await createTestPool(deps);
  client = await createTestClient(deps, pool.id, { ExplicitAuthFlows: ALL_FLOWS });
  hiding = await createTestClient(deps, pool.id, { ExplicitAuthFlows: ALL_FLOWS, PreventUserExistenceErrors: 'ENABLED' });
  await createTestUser(deps, pool, 'alice', PW);
  await createTestUser(deps, pool, 'newbie', PW, { status: 'FORCE_CHANGE_PASSWORD' });
  await createTestUser(deps, pool, 'off', PW, { enabled: false });
});

/** The sign-in's answer (challenge, tokens or error), after two wrong passwords, and the failures left counted. */
async function afterTwoFailures(c: TestClient, USERNAME: string): Promise<{ answer: string; failures: number }> {
  const ctx = await publicAuthContext(deps, c.id);
  const signIn = (PASSWORD: string) => initiateAuth(deps, ctx, { AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD } });
  for (let i = 0; i < 2; i++) await signIn('wrong').catch(() => undefined);
  assert.equal((await deps.store.counters.getLockout(lockoutKey(pool.id, USERNAME)))?.failures, 2);
  const answer = await signIn(PW).then(
    (out) => out.ChallengeName ?? (out.AuthenticationResult ? 'tokens' : '?'),
    (e: Error) => e.message,
  );
  return { answer, failures: (await deps.store.counters.getLockout(lockoutKey(pool.id, USERNAME)))?.failures ?? 0 };
}

test('tokens: the session commit clears the count', async () => {
  assert.deepEqual(await afterTwoFailures(client, 'alice'), { answer: 'tokens', failures: 0 });
});

test('NEW_PASSWORD_REQUIRED, and a disabled user told only after the password (users hidden): cleared by itself', async () => {
  assert.deepEqual(await afterTwoFailures(client, 'newbie'), { answer: 'NEW_PASSWORD_REQUIRED', failures: 0 });
  assert.deepEqual(await afterTwoFailures(hiding, 'off'), { answer: 'User is disabled.', failures: 0 });
});

test('a session that could not be stored: the sign-in fails, the count is cleared all the same', async () => {
  const sessions = deps.store.sessions;
  const create = sessions.create;
  sessions.create = async () => {
    throw new Error('disk full');
  };
  try {
    assert.deepEqual(await afterTwoFailures(client, 'alice'), { answer: 'disk full', failures: 0 });
  } finally {
    sessions.create = create;
  }
});
