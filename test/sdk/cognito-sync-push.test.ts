// Cognito Sync push with the real @aws-sdk/client-cognito-sync (identity credentials from fromCognitoIdentityPool,
// and the admin key): RegisterDevice, SubscribeToDataset, UnsubscribeFromDataset; then the change feed
// (GET /_cognate/sync/feed, Server-Sent Events) read with the `eventsource` package; on SQLite and PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoSyncClient,
  ListRecordsCommand,
  RegisterDeviceCommand,
  SubscribeToDatasetCommand,
  UnsubscribeFromDatasetCommand,
  UpdateRecordsCommand,
  type Platform,
} from '@aws-sdk/client-cognito-sync';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { systemClock } from '../../src/runtime/clock.ts';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { setUpIdentityPool, type IdentityPoolSetup } from '../support/identity-pool.ts';
import { signedInIdentity, syncClientConfig, type SyncIdentity as Who } from '../support/sync-identity.ts';
import { openFeed, presignedFeedUrl } from '../support/sync-feed.ts';
import { MAX_FEEDS_PER_IDENTITY } from '../../src/protocol/sync-feed.ts';
import { MAX_SUBSCRIPTIONS_PER_DEVICE, MAX_SYNC_DEVICES_PER_IDENTITY } from '../../src/sync/operations/push.ts';

let s: TestServer;
let p: IdentityPoolSetup;
const PW = 'Passw0rd!';
const clients: CognitoSyncClient[] = [];
let admin: CognitoSyncClient;
let alice: Who;
let bob: Who;
let carol: Who;

async function signedIn(user: string): Promise<Who> {
  const who = await signedInIdentity(s, p, user, PW);
  clients.push(who.sync);
  return who;
}

before(async () => {
  s = await startServerOnStoreUnderTest(systemClock, 'cognito_sync_push', 4);
  p = await setUpIdentityPool(s, 'push', ['alice', 'bob', 'carol'], PW);
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cognito-sync:*'], Resource: '*' }] });
  await p.iam.send(new PutRolePolicyCommand({ RoleName: p.authRole.name, PolicyName: 'sync', PolicyDocument: policy }));
  admin = new CognitoSyncClient({ ...syncClientConfig(s), credentials: s.deps.admin });
  clients.push(admin);
  alice = await signedIn('alice');
  bob = await signedIn('bob');
  carol = await signedIn('carol');
});
after(async () => {
  for (const c of clients) c.destroy();
  p.iam.destroy();
  p.admin.destroy();
  await s.close();
});
testOnPostgres(() => s);

const of = (who: Who) => ({ IdentityPoolId: p.identityPoolId, IdentityId: who.identityId });
const register = (who: Who, Platform: Platform, Token: string, client = who.sync) =>
  client.send(new RegisterDeviceCommand({ ...of(who), Platform, Token })).then((o) => o.DeviceId!);

test('RegisterDevice: a DeviceId per identity, platform and token; the same three give the same DeviceId', async () => {
  const d1 = await register(alice, 'GCM', 'token-1');
  assert.match(d1, /^[\w-]{1,256}$/);
  assert.equal(await register(alice, 'GCM', 'token-1'), d1);
  assert.equal(await register(alice, 'GCM', 'token-1', admin), d1, 'the admin registering for her: the same device');
  const others = [await register(alice, 'APNS', 'token-1'), await register(alice, 'GCM', 'token-2'), await register(bob, 'GCM', 'token-1')];
  assert.equal(new Set([d1, ...others]).size, 4);
  for (const platform of ['APNS_SANDBOX', 'ADM'] as const) assert.ok(await register(alice, platform, 'token-1'));
});

test("RegisterDevice's validation: Platform from the model's set, Token required; an identity of no pool of ours is not found", async () => {
  const bad = await awsErrorOf(() => register(alice, 'SNS' as Platform, 't'));
  assert.equal(bad.name, 'InvalidParameterException');
  assert.equal(bad.status, 400);
  assert.match(bad.message, /APNS, APNS_SANDBOX, GCM, ADM/);
  assert.equal((await awsErrorOf(() => alice.sync.send(new RegisterDeviceCommand({ ...of(alice), Platform: 'GCM' } as never)))).name, 'InvalidParameterException');
  const nobody = `${s.deps.config.region}:00000000-0000-4000-8000-000000000000`;
  const missing = await awsErrorOf(() => admin.send(new RegisterDeviceCommand({ IdentityPoolId: p.identityPoolId, IdentityId: nobody, Platform: 'GCM', Token: 't' })));
  assert.deepEqual(missing, { name: 'ResourceNotFoundException', message: `Identity '${nobody}' not found.`, status: 404 });
});

test('SubscribeToDataset / UnsubscribeFromDataset: per device and dataset, repeatable; an unknown device is ResourceNotFoundException', async () => {
  const device = await register(alice, 'GCM', 'sub-token');
  const at = { ...of(alice), DatasetName: 'prefs', DeviceId: device };
  assert.deepEqual(omitMeta(await alice.sync.send(new SubscribeToDatasetCommand(at))), {});
  await alice.sync.send(new SubscribeToDatasetCommand(at));
  assert.equal(await s.deps.store.syncDevices.isSubscribed(alice.identityId, device, 'prefs'), true);
  assert.equal(await s.deps.store.syncDevices.isSubscribed(alice.identityId, device, 'other'), false);
  assert.deepEqual(omitMeta(await alice.sync.send(new UnsubscribeFromDatasetCommand(at))), {});
  assert.equal(await s.deps.store.syncDevices.isSubscribed(alice.identityId, device, 'prefs'), false);
  await alice.sync.send(new UnsubscribeFromDatasetCommand(at));
  const unknown = { name: 'ResourceNotFoundException', message: "Device 'no-such-device' not found.", status: 404 };
  assert.deepEqual(await awsErrorOf(() => alice.sync.send(new SubscribeToDatasetCommand({ ...at, DeviceId: 'no-such-device' }))), unknown);
  assert.deepEqual(await awsErrorOf(() => alice.sync.send(new UnsubscribeFromDatasetCommand({ ...at, DeviceId: 'no-such-device' }))), unknown);
  const badName = await awsErrorOf(() => alice.sync.send(new SubscribeToDatasetCommand({ ...at, DatasetName: 'bad name!' })));
  assert.equal(badName.name, 'InvalidParameterException');
  // a device of bob's is not alice's to subscribe, even by the admin on her identity
  const bobs = await register(bob, 'GCM', 'bob-token');
  assert.equal((await awsErrorOf(() => admin.send(new SubscribeToDatasetCommand({ ...at, DeviceId: bobs })))).name, 'ResourceNotFoundException');
  // the admin may subscribe her own device for her
  await admin.send(new SubscribeToDatasetCommand(at));
  assert.equal(await s.deps.store.syncDevices.isSubscribed(alice.identityId, device, 'prefs'), true);
});

test("identity credentials register and subscribe only for their own identity (NotAuthorizedException 403); nothing changes", async () => {
  const device = await register(bob, 'GCM', 'bob-own');
  const forbidden = { name: 'NotAuthorizedException', message: `Access to Identity '${bob.identityId}' is forbidden.`, status: 403 };
  assert.deepEqual(await awsErrorOf(() => register(bob, 'GCM', 'alice-for-bob', alice.sync)), forbidden);
  const at = { ...of(bob), DatasetName: 'notes', DeviceId: device };
  assert.deepEqual(await awsErrorOf(() => alice.sync.send(new SubscribeToDatasetCommand(at))), forbidden);
  assert.equal(await s.deps.store.syncDevices.isSubscribed(bob.identityId, device, 'notes'), false);
  await bob.sync.send(new SubscribeToDatasetCommand(at));
  assert.deepEqual(await awsErrorOf(() => alice.sync.send(new UnsubscribeFromDatasetCommand(at))), forbidden);
  assert.equal(await s.deps.store.syncDevices.isSubscribed(bob.identityId, device, 'notes'), true);
});

function omitMeta<T extends { $metadata?: unknown }>(o: T): Omit<T, '$metadata'> {
  const { $metadata: _, ...rest } = o;
  return rest;
}

// ---- the change feed ----

const feedOf = async (who: Who, DeviceId: string, credentials: Parameters<typeof presignedFeedUrl>[2] = who.credentials, base = s.url) =>
  openFeed(await presignedFeedUrl(base, s.deps.config.region, credentials, { ...of(who), DeviceId }));

/** UpdateRecords on `who`'s dataset by `client` (with a fresh ListRecords token); answers when it was sent. */
async function write(client: CognitoSyncClient, who: Who, DatasetName: string, Key: string, Value: string, DeviceId?: string) {
  const at = { ...of(who), DatasetName };
  const listed = await client.send(new ListRecordsCommand(at));
  const SyncCount = listed.Records?.find((r) => r.Key === Key)?.SyncCount ?? 0;
  const sent = Date.now();
  const out = await client.send(new UpdateRecordsCommand({ ...at, SyncSessionToken: listed.SyncSessionToken!, ...(DeviceId ? { DeviceId } : {}), RecordPatches: [{ Op: 'replace', Key, Value, SyncCount }] }));
  return { sent, syncCount: out.Records![0]!.SyncCount! };
}

test('the feed: a subscribed device learns of a change made by another client of its identity within a second, without polling', async () => {
  const phone = await register(alice, 'APNS', 'feed-phone');
  const laptop = await register(alice, 'GCM', 'feed-laptop');
  await alice.sync.send(new SubscribeToDatasetCommand({ ...of(alice), DatasetName: 'settings', DeviceId: phone }));
  const feed = await feedOf(alice, phone);
  await feed.ready;
  // another identity-credentialed client of alice's (her laptop) writes
  const laptopClient = new CognitoSyncClient({ ...syncClientConfig(s), credentials: alice.credentials });
  clients.push(laptopClient);
  const { sent, syncCount } = await write(laptopClient, alice, 'settings', 'theme', 'dark', laptop);
  const got = await feed.next(1000);
  assert.ok(got, 'the change arrived within a second');
  assert.ok(got.at - sent < 1000, `arrived after ${got.at - sent} ms`);
  assert.deepEqual({ ...got, at: undefined }, { identityPoolId: p.identityPoolId, identityId: alice.identityId, datasetName: 'settings', syncCount, deviceId: laptop, at: undefined });
  // a write by the admin (developer credentials) without a DeviceId reaches the feed too
  const second = await write(admin, alice, 'settings', 'theme', 'light');
  assert.deepEqual({ ...(await feed.next(1000))!, at: 0 }, { identityPoolId: p.identityPoolId, identityId: alice.identityId, datasetName: 'settings', syncCount: second.syncCount, deviceId: null, at: 0 });
  feed.close();
});

test('the feed carries only the datasets the device is subscribed to, of its own identity; unsubscribing stops them', async () => {
  const tablet = await register(alice, 'ADM', 'feed-tablet');
  const idle = await register(alice, 'GCM', 'feed-idle');
  await alice.sync.send(new SubscribeToDatasetCommand({ ...of(alice), DatasetName: 'subscribed', DeviceId: tablet }));
  const feed = await feedOf(alice, tablet);
  const idleFeed = await feedOf(alice, idle);
  await Promise.all([feed.ready, idleFeed.ready]);
  await write(alice.sync, alice, 'not-subscribed', 'k', 'v');
  await write(bob.sync, bob, 'subscribed', 'k', 'v'); // bob's dataset of the same name
  const mine = await write(alice.sync, alice, 'subscribed', 'k', 'v');
  const got = await feed.next(1000);
  assert.equal(got?.datasetName, 'subscribed');
  assert.equal(got?.identityId, alice.identityId);
  assert.equal(got?.syncCount, mine.syncCount);
  assert.equal(await feed.next(300), null, 'nothing else: not the unsubscribed dataset, not bob');
  assert.equal(await idleFeed.next(100), null, 'a device subscribed to nothing gets nothing');
  await alice.sync.send(new UnsubscribeFromDatasetCommand({ ...of(alice), DatasetName: 'subscribed', DeviceId: tablet }));
  await write(alice.sync, alice, 'subscribed', 'k', 'w');
  assert.equal(await feed.next(500), null, 'unsubscribed: no more changes');
  feed.close();
  idleFeed.close();
});

test("the feed refuses another identity's credentials (403 NotAuthorizedException), an unknown device (404) and an unsigned request (403)", async () => {
  const device = await register(alice, 'GCM', 'feed-refusals');
  const url = (credentials: Parameters<typeof presignedFeedUrl>[2], DeviceId = device) => presignedFeedUrl(s.url, s.deps.config.region, credentials, { ...of(alice), DeviceId });
  const byBob = await fetch(await url(bob.credentials));
  assert.equal(byBob.status, 403);
  assert.equal(byBob.headers.get('x-amzn-errortype')?.split(':')[0], 'NotAuthorizedException');
  assert.deepEqual(((await byBob.json()) as { message: string }).message, `Access to Identity '${alice.identityId}' is forbidden.`);
  const es = openFeed(await url(bob.credentials));
  await assert.rejects(es.ready, { status: 403 });
  const unknown = await fetch(await url(alice.credentials, 'no-such-device'));
  assert.equal(unknown.status, 404);
  assert.equal(unknown.headers.get('x-amzn-errortype')?.split(':')[0], 'ResourceNotFoundException');
  const unsigned = await fetch(`${s.url}/_cognate/sync/feed?IdentityPoolId=${encodeURIComponent(p.identityPoolId)}&IdentityId=${encodeURIComponent(alice.identityId)}&DeviceId=${device}`);
  assert.equal(unsigned.status, 403);
  await unsigned.body?.cancel();
  // a tampered signature
  const good = new URL(await url(alice.credentials));
  good.searchParams.set('DeviceId', 'other');
  assert.equal((await fetch(good)).status, 403);
  // the admin key may open any identity's feed
  const byAdmin = openFeed(await url(s.deps.admin));
  await byAdmin.ready;
  byAdmin.close();
});

test('the feed: at most MAX_FEEDS_PER_IDENTITY open at once per identity (LimitExceededException 400); closing one frees its place', async () => {
  const device = await register(bob, 'GCM', 'feed-many');
  const feeds = [];
  for (let i = 0; i < MAX_FEEDS_PER_IDENTITY; i++) feeds.push(await feedOf(bob, device));
  await Promise.all(feeds.map((f) => f.ready));
  const url = () => presignedFeedUrl(s.url, s.deps.config.region, bob.credentials, { ...of(bob), DeviceId: device });
  const over = await fetch(await url());
  assert.equal(over.status, 400);
  assert.equal(over.headers.get('x-amzn-errortype')?.split(':')[0], 'LimitExceededException');
  await over.body?.cancel();
  // another identity is not held back by bob's feeds
  const aliceDevice = await register(alice, 'GCM', 'feed-many');
  const aliceFeed = await feedOf(alice, aliceDevice);
  await aliceFeed.ready;
  aliceFeed.close();
  feeds.pop()!.close();
  let again = await fetch(await url());
  for (let i = 0; i < 50 && again.status !== 200; i++) {
    await again.body?.cancel();
    await new Promise((r) => setTimeout(r, 20));
    again = await fetch(await url());
  }
  assert.equal(again.status, 200, 'a place freed by a closed feed');
  await again.body?.cancel();
  for (const f of feeds) f.close();
});

test('RegisterDevice and SubscribeToDataset are bounded per identity and per device (LimitExceededException 400); nothing more is kept', async () => {
  const regIdentity = (t: string) => register(carol, 'GCM', t);
  const first = await regIdentity('bounded-0');
  for (let i = 1; i < MAX_SYNC_DEVICES_PER_IDENTITY; i++) await regIdentity(`bounded-${i}`);
  const over = await awsErrorOf(() => regIdentity('bounded-over'));
  assert.equal(over.name, 'LimitExceededException');
  assert.equal(over.status, 400);
  assert.equal(await regIdentity('bounded-0'), first, 'a device registered before is still answered at the limit');
  for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_DEVICE; i++)
    await carol.sync.send(new SubscribeToDatasetCommand({ ...of(carol), DatasetName: `ds-${i}`, DeviceId: first }));
  const tooMany = await awsErrorOf(() => carol.sync.send(new SubscribeToDatasetCommand({ ...of(carol), DatasetName: 'ds-over', DeviceId: first })));
  assert.equal(tooMany.name, 'LimitExceededException');
  await carol.sync.send(new SubscribeToDatasetCommand({ ...of(carol), DatasetName: 'ds-0', DeviceId: first })); // again: no change, no refusal
  assert.equal(await s.deps.store.syncDevices.isSubscribed(carol.identityId, first, 'ds-over'), false);
});
