// Sign-in lockout over real in-memory SQLite counters with a fixed clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import {
  assertNotLockedOut,
  clearFailedSignIns,
  lockoutKey,
  lockoutMs,
  MAX_LOCKOUT_MS,
  PASSWORD_ATTEMPTS_EXCEEDED,
  recordFailedSignIn,
} from './lockout.ts';

test('lockout lengths: free below five, then 1 s doubling, capped at 15 minutes', () => {
  assert.deepEqual([1, 2, 3, 4].map(lockoutMs), [0, 0, 0, 0]);
  assert.deepEqual([5, 6, 7, 8, 14].map(lockoutMs), [1000, 2000, 4000, 8000, 512_000]);
  assert.equal(lockoutMs(15), MAX_LOCKOUT_MS);
  assert.equal(lockoutMs(1000), MAX_LOCKOUT_MS);
});

async function locked(p: Promise<void>): Promise<boolean> {
  try {
    await p;
    return false;
  } catch (e) {
    assert.equal((e as { code?: string }).code, 'NotAuthorizedException');
    assert.equal((e as Error).message, PASSWORD_ATTEMPTS_EXCEEDED);
    return true;
  }
}

test('failures lock for the computed time, per pool and user; clearing starts again', async () => {
  const clock = new FixedClock();
  const deps = await makeTestDeps({ clock });
  const P = 'us-east-1_pool00001';
  for (let i = 1; i <= 4; i++) assert.equal(await recordFailedSignIn(deps, P, 'u'), i);
  assert.equal(await locked(assertNotLockedOut(deps, P, 'u')), false);
  assert.equal(await recordFailedSignIn(deps, P, 'u'), 5);
  assert.equal(await locked(assertNotLockedOut(deps, P, 'u')), true);
  assert.equal(await locked(assertNotLockedOut(deps, P, 'other')), false, 'another user');
  assert.equal(await locked(assertNotLockedOut(deps, 'us-east-1_pool00002', 'u')), false, 'another pool');
  clock.advance(999);
  assert.equal(await locked(assertNotLockedOut(deps, P, 'u')), true);
  clock.advance(1);
  assert.equal(await locked(assertNotLockedOut(deps, P, 'u')), false);
  assert.equal(await recordFailedSignIn(deps, P, 'u'), 6);
  assert.deepEqual(await deps.store.counters.getLockout(lockoutKey(P, 'u')), { failures: 6, lockedUntil: clock.now() + 2000 });
  await clearFailedSignIns(deps, P, 'u');
  assert.equal(await deps.store.counters.getLockout(lockoutKey(P, 'u')), null);
  assert.equal(await locked(assertNotLockedOut(deps, P, 'u')), false);
  assert.equal(await recordFailedSignIn(deps, P, 'u'), 1);
});

test('two stores on one database file share the lockout (what two processes see)', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { openSqliteStore } = await import('../../storage/sqlite/index.ts');
  const file = join(mkdtempSync(join(tmpdir(), 'lockout-')), 'db.sqlite');
  const a = openSqliteStore(file);
  await a.migrate();
  const b = openSqliteStore(file);
  const clock = new FixedClock();
  const da = await makeTestDeps({ clock, store: a });
  const db = await makeTestDeps({ clock, store: b });
  for (let i = 0; i < 5; i++) await recordFailedSignIn(i % 2 ? da : db, 'us-east-1_pool00001', 'u');
  assert.equal(await locked(assertNotLockedOut(db, 'us-east-1_pool00001', 'u')), true);
  assert.equal(await locked(assertNotLockedOut(da, 'us-east-1_pool00001', 'u')), true);
  await a.close();
  await b.close();
});

test('a burst of parallel attempts gets five password checks, then "Password attempts exceeded"', async () => {
  const { beginPasswordAttempt } = await import('./lockout.ts');
  const clock = new FixedClock();
  const deps = await makeTestDeps({ clock });
  const P = 'us-east-1_pool00003';
  const results = await Promise.allSettled(Array.from({ length: 20 }, () => beginPasswordAttempt(deps, P, 'victim')));
  const admitted = results.filter((r) => r.status === 'fulfilled').length;
  assert.equal(admitted, 5);
  for (const r of results)
    if (r.status === 'rejected') assert.equal((r.reason as Error).message, PASSWORD_ATTEMPTS_EXCEEDED);
  // After the lock, one more check is admitted at a time; a success starts the count again.
  clock.advance(MAX_LOCKOUT_MS);
  const next = await beginPasswordAttempt(deps, P, 'victim');
  assert.equal(await locked(assertNotLockedOut(deps, P, 'victim')), true, 'the admitted attempt holds the lock while it is checked');
  await next.succeeded();
  assert.equal(await deps.store.counters.getLockout(lockoutKey(P, 'victim')), null);
  assert.equal(await locked(assertNotLockedOut(deps, P, 'victim')), false);
});
