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

let s: TestServer;
let p: IdentityPoolSetup;
const PW = 'Passw0rd!';
const clients: CognitoSyncClient[] = [];
let admin: CognitoSyncClient;
let alice: Who;
let bob: Who;

async function signedIn(user: string): Promise<Who> {
  const who = await signedInIdentity(s, p, user, PW);
  clients.push(who.sync);
  return who;
}

before(async () => {
  s = await startServerOnStoreUnderTest(systemClock, 'cognito_sync_push', 4);
  p = await setUpIdentityPool(s, 'push', ['alice', 'bob'], PW);
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cognito-sync:*'], Resource: '*' }] });
  await p.iam.send(new PutRolePolicyCommand({ RoleName: p.authRole.name, PolicyName: 'sync', PolicyDocument: policy }));
  admin = new CognitoSyncClient({ ...syncClientConfig(s), credentials: s.deps.admin });
  clients.push(admin);
  alice = await signedIn('alice');
  bob = await signedIn('bob');
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
