// The Cognito Sync change feed across server processes: a change made on one process reaches a feed open on another —
// two servers sharing PostgreSQL (LISTEN/NOTIFY), and the workers of `cognate serve --workers 2` on SQLite (relayed by
// the primary). Setup (pools, users, the identity) goes through an in-process server on the same store, with the same
// master key and admin key as the spawned one; the feed is read with the `eventsource` package.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CognitoSyncClient, ListRecordsCommand, RegisterDeviceCommand, SubscribeToDatasetCommand, UpdateRecordsCommand } from '@aws-sdk/client-cognito-sync';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { secretBox } from '../../src/runtime/secrets.ts';
import { openSqliteStore } from '../../src/storage/sqlite/index.ts';
import type { Store } from '../../src/storage/store.ts';
import { systemClock } from '../../src/runtime/clock.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { startCognate, tempDir, type CognateProcess } from '../support/process.ts';
import { freshPostgresSchema } from '../support/pg-schema.ts';
import { setUpIdentityPool } from '../support/identity-pool.ts';
import { signedInIdentity } from '../support/sync-identity.ts';
import { openFeed, presignedFeedUrl } from '../support/sync-feed.ts';

const pgUrl = process.env.COGNATE_TEST_DATABASE_URL;
const PW = 'Passw0rd!';
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

/** An in-process server on `store` and a spawned `cognate serve` (with `args`) on the same store, keys shared. */
async function twoServers(store: Store, args: string[], dataDir: string): Promise<{ a: TestServer; b: CognateProcess }> {
  const key = randomBytes(32);
  const a = await startTestServer({ clock: systemClock, store, secrets: secretBox(key) });
  cleanups.push(() => a.close());
  const b = await startCognate([...args, '--data-dir', dataDir], {
    COGNATE_MASTER_KEY: key.toString('base64'),
    COGNATE_ADMIN_ACCESS_KEY_ID: a.deps.admin.accessKeyId,
    COGNATE_ADMIN_SECRET_ACCESS_KEY: a.deps.admin.secretAccessKey,
    COGNATE_REGION: a.deps.config.region,
  }, 60_000);
  cleanups.push(() => b.stop());
  return { a, b };
}

/** SIGTERM with a feed open: the server ends the stream and exits 0, promptly (an open stream does not hold it). */
async function stopsCleanly(b: CognateProcess): Promise<void> {
  const started = Date.now();
  const code = await Promise.race([b.stop('SIGTERM'), new Promise((r) => setTimeout(() => r('still running after 10 s'), 10_000))]);
  assert.equal(code, 0, b.stderr());
  assert.ok(Date.now() - started < 10_000);
}

/** Alice's identity, a device of hers subscribed to `dataset`, and her feed open on `feedBase`. */
async function subscribedFeed(a: TestServer, feedBase: string, dataset: string) {
  const p = await setUpIdentityPool(a, 'procs', ['alice'], PW);
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cognito-sync:*'], Resource: '*' }] });
  await p.iam.send(new PutRolePolicyCommand({ RoleName: p.authRole.name, PolicyName: 'sync', PolicyDocument: policy }));
  const alice = await signedInIdentity(a, p, 'alice', PW);
  cleanups.push(async () => (alice.sync.destroy(), p.iam.destroy(), p.admin.destroy()));
  const of = { IdentityPoolId: p.identityPoolId, IdentityId: alice.identityId };
  const { DeviceId } = await alice.sync.send(new RegisterDeviceCommand({ ...of, Platform: 'GCM', Token: 'procs' }));
  await alice.sync.send(new SubscribeToDatasetCommand({ ...of, DatasetName: dataset, DeviceId: DeviceId! }));
  const feed = openFeed(await presignedFeedUrl(feedBase, a.deps.config.region, alice.credentials, { ...of, DeviceId: DeviceId! }));
  cleanups.push(async () => feed.close());
  await feed.ready;
  /** UpdateRecords through `base` on a connection of its own; answers the dataset's new sync count and when it was sent. */
  const write = async (base: string, value: string) => {
    const client = new CognitoSyncClient({ region: a.deps.config.region, endpoint: base, credentials: alice.credentials, maxAttempts: 1 });
    try {
      const at = { ...of, DatasetName: dataset };
      const listed = await client.send(new ListRecordsCommand(at));
      const SyncCount = listed.Records?.find((r) => r.Key === 'k')?.SyncCount ?? 0;
      const sent = Date.now();
      const out = await client.send(new UpdateRecordsCommand({ ...at, SyncSessionToken: listed.SyncSessionToken!, RecordPatches: [{ Op: 'replace', Key: 'k', Value: value, SyncCount }] }));
      return { sent, syncCount: out.Records![0]!.SyncCount! };
    } finally {
      client.destroy();
    }
  };
  return { feed, write, identityId: alice.identityId };
}

test('PostgreSQL, two server processes: a change made on one reaches a feed open on the other within a second, both ways', { skip: pgUrl ? false : 'COGNATE_TEST_DATABASE_URL is not set', timeout: 120_000 }, async () => {
  const { store, url, drop } = await freshPostgresSchema(pgUrl!, 'sync_feed');
  cleanups.push(drop);
  const { a, b } = await twoServers(store, ['--workers', '1', '--database-url', url], tempDir());
  // the feed on the spawned process; the changes made on the in-process server, then on the spawned one
  const { feed, write } = await subscribedFeed(a, b.url, 'shared');
  for (const [where, base] of [['the other process', a.url], ['the same process', b.url]] as const) {
    const { sent, syncCount } = await write(base, where);
    const got = await feed.next(1000);
    assert.ok(got, `a change made on ${where} arrived`);
    assert.equal(got.syncCount, syncCount);
    assert.ok(got.at - sent < 1000, `arrived after ${got.at - sent} ms`);
  }
  assert.equal(await feed.next(300), null, 'each change once');
  await stopsCleanly(b);
});

test('SQLite, `--workers 2`: changes made on any worker reach a feed open on one of them', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const store = openSqliteStore(join(dir, 'cognate.db'));
  await store.migrate();
  const { a, b } = await twoServers(store, ['--workers', '2'], dir);
  const { feed, write } = await subscribedFeed(a, b.url, 'shared');
  // Each write on a connection of its own: the cluster hands connections to the workers in turn, so some land on the
  // worker that does not hold the feed.
  for (let i = 0; i < 4; i++) {
    const { sent, syncCount } = await write(b.url, `v${i}`);
    const got = await feed.next(1000);
    assert.ok(got, `change ${i} arrived`);
    assert.equal(got.syncCount, syncCount);
    assert.ok(got.at - sent < 1000, `arrived after ${got.at - sent} ms`);
  }
  assert.equal(await feed.next(300), null, 'each change once');
  await stopsCleanly(b);
});
