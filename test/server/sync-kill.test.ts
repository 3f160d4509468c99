// Nothing is lost when the server is killed mid-sync: a real `cognate serve --workers 2` (SQLite, and PostgreSQL when
// COGNATE_TEST_DATABASE_URL is set) takes many concurrent UpdateRecords from the real SDK, its process group is
// SIGKILLed in the middle, and a new server on the same store must hold every acknowledged write with its SyncCount,
// no dataset counter gone backwards, and records consistent with their datasets. Setup (pool, user, identity, its
// credentials) goes through an in-process server on the same store, with the master key and admin key shared.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CognitoSyncClient, ListRecordsCommand, UpdateRecordsCommand, type _Record as SyncRecord } from '@aws-sdk/client-cognito-sync';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { secretBox } from '../../src/runtime/secrets.ts';
import { openSqliteStore } from '../../src/storage/sqlite/index.ts';
import type { Store } from '../../src/storage/store.ts';
import { systemClock } from '../../src/runtime/clock.ts';
import { startTestServer } from '../support/server.ts';
import { startCognate, tempDir, type CognateProcess } from '../support/process.ts';
import { freshPostgresSchema } from '../support/pg-schema.ts';
import { setUpIdentityPool } from '../support/identity-pool.ts';
import { signedInIdentity } from '../support/sync-identity.ts';

const pgUrl = process.env.COGNATE_TEST_DATABASE_URL;
const PW = 'Passw0rd!';
const DATASETS = ['d0', 'd1', 'd2'];
const WRITERS = 12; // four to a dataset, each with keys of its own
const KEYS = 3;
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

interface Ack { dataset: string; writer: number; round: number; syncCount: number }

async function killedMidSync(store: Store, serveArgs: string[]): Promise<void> {
  const key = randomBytes(32);
  const a = await startTestServer({ clock: systemClock, store, secrets: secretBox(key) });
  cleanups.push(() => a.close());
  const env = {
    COGNATE_MASTER_KEY: key.toString('base64'),
    COGNATE_ADMIN_ACCESS_KEY_ID: a.deps.admin.accessKeyId,
    COGNATE_ADMIN_SECRET_ACCESS_KEY: a.deps.admin.secretAccessKey,
    COGNATE_REGION: a.deps.config.region,
  };
  const p = await setUpIdentityPool(a, 'kill', ['alice'], PW);
  await p.iam.send(new PutRolePolicyCommand({ RoleName: p.authRole.name, PolicyName: 'sync',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cognito-sync:*'], Resource: '*' }] }) }));
  const alice = await signedInIdentity(a, p, 'alice', PW);
  const credentials = await alice.credentials(); // fixed: the spawned server goes away, the in-process one stays
  cleanups.push(async () => (alice.sync.destroy(), p.iam.destroy(), p.admin.destroy()));
  const of = { IdentityPoolId: p.identityPoolId, IdentityId: alice.identityId };
  const client = (base: string) => new CognitoSyncClient({ region: a.deps.config.region, endpoint: base, credentials, maxAttempts: 1 });

  const first: CognateProcess = await startCognate(serveArgs, env);
  cleanups.push(() => first.stop('SIGKILL'));
  const acks: Ack[] = [];
  const inFlight = new Map<number, { dataset: string; round: number }>();
  const maxSeen = new Map<string, number>();
  let stop = false;
  let updating = 0; // UpdateRecords sent and not yet answered
  // Each writer: ListRecords then UpdateRecords of its own keys (value `w<i>r<round>`), over and over, on a client of
  // its own; a refused or failed request is simply not acknowledged.
  const writer = async (w: number) => {
    const dataset = DATASETS[w % DATASETS.length]!;
    const c = client(first.url);
    try {
      for (let round = 1; !stop; round++) {
        try {
          const listed = await c.send(new ListRecordsCommand({ ...of, DatasetName: dataset }));
          const counts = new Map((listed.Records ?? []).map((r) => [r.Key!, r.SyncCount!]));
          maxSeen.set(dataset, Math.max(maxSeen.get(dataset) ?? 0, listed.DatasetSyncCount ?? 0));
          inFlight.set(w, { dataset, round });
          updating++;
          const out = await c.send(new UpdateRecordsCommand({ ...of, DatasetName: dataset, SyncSessionToken: listed.SyncSessionToken!,
            RecordPatches: Array.from({ length: KEYS }, (_, k) => ({ Op: 'replace' as const, Key: `w${w}k${k}`, Value: `w${w}r${round}`, SyncCount: counts.get(`w${w}k${k}`) ?? 0 })) }))
            .finally(() => updating--);
          const counts2 = new Set(out.Records!.map((r) => r.SyncCount!));
          assert.equal(counts2.size, 1, 'the records of one UpdateRecords share its SyncCount');
          const syncCount = [...counts2][0]!;
          acks.push({ dataset, writer: w, round, syncCount });
          maxSeen.set(dataset, Math.max(maxSeen.get(dataset) ?? 0, syncCount));
        } catch (e) {
          if (e instanceof assert.AssertionError) throw e;
          if ((e as Error).name !== 'ResourceConflictException') await new Promise((r) => setTimeout(r, 20)); // killed: connection refused/reset
        }
      }
    } finally {
      c.destroy();
    }
  };
  const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
  // kill the whole process group (primary and workers) once enough writes were acknowledged
  const t0 = Date.now();
  while (acks.length < 150 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 10));
  assert.ok(acks.length >= 150, `only ${acks.length} writes acknowledged in 60 s`);
  // mid-sync: wait (briefly) for a moment when UpdateRecords are on their way, and kill then
  while (updating === 0) await new Promise((r) => setImmediate(r));
  const pending = updating;
  process.kill(-first.child.pid!, 'SIGKILL');
  await first.exited;
  const acked = acks.length;
  await new Promise((r) => setTimeout(r, 300)); // requests in flight at the kill fail
  stop = true;
  await Promise.all(writers);
  assert.ok(pending > 0);
  assert.ok(acks.length - acked <= pending, 'no acknowledgement after the kill but of requests answered before it');

  const second = await startCognate(serveArgs, env);
  cleanups.push(() => second.stop());
  const c = client(second.url);
  try {
    for (const dataset of DATASETS) {
      const records: SyncRecord[] = [];
      let next: string | undefined;
      let datasetCount = 0;
      do {
        const page = await c.send(new ListRecordsCommand({ ...of, DatasetName: dataset, ...(next ? { NextToken: next } : {}) }));
        records.push(...(page.Records ?? []));
        datasetCount = page.DatasetSyncCount!;
        next = page.NextToken;
      } while (next);
      assert.ok(datasetCount >= maxSeen.get(dataset)!, `${dataset}: the counter went from ${maxSeen.get(dataset)} back to ${datasetCount}`);
      const byKey = new Map(records.map((r) => [r.Key!, r]));
      for (const r of records) assert.ok(r.SyncCount! <= datasetCount, `${dataset}/${r.Key}: SyncCount ${r.SyncCount} above the dataset's ${datasetCount}`);
      // one sync count, one UpdateRecords: records sharing a count were written by one writer in one round
      const byCount = new Map<number, Set<string>>();
      for (const r of records) byCount.set(r.SyncCount!, (byCount.get(r.SyncCount!) ?? new Set()).add(r.Value!));
      for (const [n, values] of byCount) assert.equal(values.size, 1, `${dataset}: SyncCount ${n} given to more than one UpdateRecords: ${[...values].join(', ')}`);
      // every acknowledged write is there with its count, or superseded only by that writer's later write
      for (let w = 0; w < WRITERS; w++) {
        if (DATASETS[w % DATASETS.length] !== dataset) continue;
        const last = acks.filter((x) => x.writer === w).at(-1);
        if (!last) continue;
        for (let k = 0; k < KEYS; k++) {
          const r = byKey.get(`w${w}k${k}`);
          assert.ok(r, `${dataset}/w${w}k${k}: acknowledged at SyncCount ${last.syncCount}, gone after the restart`);
          if (r.SyncCount === last.syncCount) assert.equal(r.Value, `w${w}r${last.round}`);
          else {
            // the one request that was in flight at the kill may have committed without its answer arriving
            assert.ok(r.SyncCount! > last.syncCount, `${dataset}/w${w}k${k}: SyncCount ${r.SyncCount}, acknowledged at ${last.syncCount}`);
            assert.equal(r.Value, `w${w}r${inFlight.get(w)!.round}`);
          }
        }
      }
    }
    // and the restarted server takes writes again, carrying on from the counters
    const listed = await c.send(new ListRecordsCommand({ ...of, DatasetName: 'd0' }));
    const out = await c.send(new UpdateRecordsCommand({ ...of, DatasetName: 'd0', SyncSessionToken: listed.SyncSessionToken!,
      RecordPatches: [{ Op: 'replace', Key: 'after', Value: 'restart', SyncCount: 0 }] }));
    assert.equal(out.Records![0]!.SyncCount, listed.DatasetSyncCount! + 1);
  } finally {
    c.destroy();
  }
  assert.equal(await second.stop(), 0, second.stderr());
}

test('SQLite, `--workers 2`: SIGKILL mid-sync loses no acknowledged UpdateRecords', { timeout: 180_000 }, async () => {
  const dir = tempDir();
  const store = openSqliteStore(join(dir, 'cognate.db'));
  await store.migrate();
  await killedMidSync(store, ['--workers', '2', '--data-dir', dir]);
});

test('PostgreSQL, `--workers 2`: SIGKILL mid-sync loses no acknowledged UpdateRecords', { skip: pgUrl ? false : 'COGNATE_TEST_DATABASE_URL is not set', timeout: 180_000 }, async () => {
  const { store, url, drop } = await freshPostgresSchema(pgUrl!, 'sync_kill');
  cleanups.push(drop);
  await killedMidSync(store, ['--workers', '2', '--database-url', url, '--data-dir', tempDir()]);
});
