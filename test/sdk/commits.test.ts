// Commits per sign-in, counted in the database file (issue 9 item 2): through the AWS SDK against a real server on a
// SQLite file, each request's commits are read from the WAL (one commit frame each), and which connection made them
// from its total_changes(): the synchronous one (FULL, every commit synced) or the counters' one (NORMAL).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetUserCommand, InitiateAuthCommand, RespondToAuthChallengeCommand } from '@aws-sdk/client-cognito-identity-provider';
import { openSqliteStore, type SqliteStore } from '../../src/storage/sqlite/index.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { ALL_FLOWS, createTestClient, createTestPool, createTestUser, srpClient } from '../support/users.ts';

const PW = 'Passw0rd!';
let dir: string;
let store: SqliteStore;
let s: TestServer;
let clientId: string;
let poolId: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cognate-commits-'));
  store = openSqliteStore(join(dir, 'cognate.db'));
  await store.migrate();
  s = await startTestServer({ store });
  const pool = await createTestPool(s.deps);
  poolId = pool.id;
  clientId = (await createTestClient(s.deps, pool.id, { ExplicitAuthFlows: ALL_FLOWS })).id;
  for (const name of ['alice', 'bob']) await createTestUser(s.deps, pool, name, PW);
});
after(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The commits in the WAL so far: frames of the current WAL (its salts) whose header gives the database size. */
function walCommits(): number {
  const wal = readFileSync(join(dir, 'cognate.db-wal'));
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  const [salt1, salt2] = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  return commits;
}

/** The commits `fn`'s requests made: in all, synced (FULL) and not (the counters' NORMAL connection). */
async function commitsOf(fn: () => Promise<unknown>): Promise<{ commits: number; synced: number; relaxed: number }> {
  const [c0, k0] = [walCommits(), store.connections()];
  await fn().catch(() => undefined);
  const [c1, k1] = [walCommits(), store.connections()];
  const commits = c1 - c0;
  const wroteSynced = k1.synced.changes > k0.synced.changes;
  const wroteRelaxed = k1.counters.changes > k0.counters.changes;
  // Each connection that changed rows committed at least once: with one of them, it made every commit; with both
  // and two commits, one each; more cannot be told apart (-1).
  if (!wroteSynced || !wroteRelaxed) return { commits, synced: wroteSynced ? commits : 0, relaxed: wroteRelaxed ? commits : 0 };
  return commits === 2 ? { commits, synced: 1, relaxed: 1 } : { commits, synced: -1, relaxed: -1 };
}

const passwordAuth = (USERNAME: string, PASSWORD: string) =>
  s.idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD } }));

async function srpRound2(USERNAME: string, password: string) {
  const srp = await srpClient(poolId);
  const first = await s.idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME, SRP_A: srp.A } }));
  const ChallengeResponses = await srp.answer(first.ChallengeParameters!, password);
  return () => s.idp.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses }));
}

test('the counters connection commits without a sync (NORMAL), every other one synced (FULL)', () => {
  const c = store.connections();
  assert.equal(c.synced.synchronous, 2);
  assert.equal(c.counters.synchronous, 1);
});

test('a successful sign-in: one synced commit (its session, which clears the attempt), one unsynced (the attempt)', async () => {
  assert.deepEqual(await commitsOf(() => passwordAuth('alice', PW)), { commits: 2, synced: 1, relaxed: 1 });
  // After earlier failures too: the session's transaction clears them.
  await passwordAuth('alice', 'wrong').catch(() => undefined);
  assert.deepEqual(await commitsOf(() => passwordAuth('alice', PW)), { commits: 2, synced: 1, relaxed: 1 });
  assert.equal(await store.counters.getLockout(`signin-lockout:${poolId}:alice`), null);
  // SRP: round 1 writes nothing; round 2 marks its state used in the attempt's own commit.
  let respond!: () => Promise<unknown>;
  assert.deepEqual(await commitsOf(async () => (respond = await srpRound2('alice', PW))), { commits: 0, synced: 0, relaxed: 0 });
  assert.deepEqual(await commitsOf(respond), { commits: 2, synced: 1, relaxed: 1 });
});

test('a failed attempt: one commit (the count, in advance); GetUser: none', async () => {
  assert.deepEqual(await commitsOf(() => passwordAuth('bob', 'wrong')), { commits: 1, synced: 0, relaxed: 1 });
  const respond = await srpRound2('bob', 'wrong');
  assert.deepEqual(await commitsOf(respond), { commits: 1, synced: 0, relaxed: 1 });
  const token = (await passwordAuth('bob', PW)).AuthenticationResult!.AccessToken!;
  assert.deepEqual(await commitsOf(() => s.idp.send(new GetUserCommand({ AccessToken: token }))), { commits: 0, synced: 0, relaxed: 0 });
});
