// Cognito Sync with the real @aws-sdk/client-cognito-sync: identity credentials from @aws-sdk/credential-providers'
// fromCognitoIdentityPool (a signed-in user of a Cognate user pool, and a guest), and the admin key as developer
// credentials; on SQLite and, with COGNATE_TEST_DATABASE_URL, PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoSyncClient,
  DeleteDatasetCommand,
  DescribeDatasetCommand,
  DescribeIdentityPoolUsageCommand,
  DescribeIdentityUsageCommand,
  ListDatasetsCommand,
  ListIdentityPoolUsageCommand,
  ListRecordsCommand,
  UpdateRecordsCommand,
  type RecordPatch,
} from '@aws-sdk/client-cognito-sync';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { rawRequest } from '../support/raw-http.ts';
import { systemClock } from '../../src/runtime/clock.ts';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { setUpIdentityPool, type IdentityPoolSetup } from '../support/identity-pool.ts';

let s: TestServer;
let p: IdentityPoolSetup;
const PW = 'Passw0rd!';
const clients: CognitoSyncClient[] = [];
let admin: CognitoSyncClient;
let alice: { sync: CognitoSyncClient; identityId: string };
let bob: { sync: CognitoSyncClient; identityId: string };
let guest: { sync: CognitoSyncClient; identityId: string };

const clientConfig = () => ({ region: s.deps.config.region, endpoint: s.url, maxAttempts: 1 });
const policy = (actions: string[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });

async function signedIn(user?: string): Promise<{ sync: CognitoSyncClient; identityId: string }> {
  let logins: Record<string, string> | undefined;
  if (user) {
    const out = await s.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: p.clientId, AuthParameters: { USERNAME: user, PASSWORD: PW } }));
    logins = { [p.provider]: out.AuthenticationResult!.IdToken! };
  }
  const credentials = fromCognitoIdentityPool({ identityPoolId: p.identityPoolId, ...(logins ? { logins } : {}), clientConfig: clientConfig() });
  const { identityId } = await credentials();
  const sync = new CognitoSyncClient({ ...clientConfig(), credentials });
  clients.push(sync);
  return { sync, identityId };
}

before(async () => {
  s = await startServerOnStoreUnderTest(systemClock, 'cognito_sync', 4);
  p = await setUpIdentityPool(s, 'sync', ['alice', 'bob'], PW);
  // signed-in users may sync; guests may only read records
  await p.iam.send(new PutRolePolicyCommand({ RoleName: p.authRole.name, PolicyName: 'sync', PolicyDocument: policy(['cognito-sync:*']) }));
  await p.iam.send(new PutRolePolicyCommand({ RoleName: p.unauthRole.name, PolicyName: 'read', PolicyDocument: policy(['cognito-sync:ListRecords']) }));
  admin = new CognitoSyncClient({ ...clientConfig(), credentials: s.deps.admin });
  clients.push(admin);
  alice = await signedIn('alice');
  bob = await signedIn('bob');
  guest = await signedIn();
});
after(async () => {
  for (const c of clients) c.destroy();
  p.iam.destroy();
  p.admin.destroy();
  await s.close();
});
testOnPostgres(() => s);

/** A dataset of `who` (as `client`): the ListRecords answer and an UpdateRecords with its token. */
function dataset(client: CognitoSyncClient, identityId: string, name: string) {
  const at = { IdentityPoolId: p.identityPoolId, IdentityId: identityId, DatasetName: name };
  return {
    at,
    list: (lastSyncCount?: number) => client.send(new ListRecordsCommand({ ...at, ...(lastSyncCount === undefined ? {} : { LastSyncCount: lastSyncCount }) })),
    async update(patches: RecordPatch[], token?: string) {
      const SyncSessionToken = token ?? (await client.send(new ListRecordsCommand(at))).SyncSessionToken!;
      return client.send(new UpdateRecordsCommand({ ...at, SyncSessionToken, RecordPatches: patches }));
    },
  };
}

const put = (Key: string, Value: string, SyncCount: number): RecordPatch => ({ Op: 'replace', Key, Value, SyncCount });

test('a new dataset: ListRecords says it does not exist; the first UpdateRecords makes it, every record at the new dataset sync count', async () => {
  const d = dataset(alice.sync, alice.identityId, 'settings');
  const empty = await d.list();
  assert.equal(empty.DatasetExists, false);
  assert.equal(empty.Count, 0);
  assert.deepEqual(empty.Records, []);
  assert.equal(empty.DatasetSyncCount, 0);
  assert.equal(empty.DatasetDeletedAfterRequestedSyncCount, false);
  assert.ok(empty.SyncSessionToken);

  const when = new Date(Math.floor(Date.now() / 1000) * 1000);
  const up = await d.update([{ ...put('theme', 'dark', 0), DeviceLastModifiedDate: when }, put('lang', 'fr', 0)], empty.SyncSessionToken);
  assert.deepEqual(
    up.Records!.map((r) => [r.Key, r.Value, r.SyncCount, r.LastModifiedBy]),
    [['theme', 'dark', 1, s.deps.config.accountId], ['lang', 'fr', 1, s.deps.config.accountId]],
  );
  assert.equal(up.Records![0]!.DeviceLastModifiedDate!.getTime(), when.getTime());
  assert.ok(up.Records![0]!.LastModifiedDate instanceof Date);

  const second = await d.update([put('theme', 'light', 1)]);
  assert.deepEqual(second.Records!.map((r) => [r.Key, r.Value, r.SyncCount]), [['theme', 'light', 2]]);

  const all = await d.list(0);
  assert.equal(all.DatasetExists, true);
  assert.equal(all.DatasetSyncCount, 2);
  assert.equal(all.LastModifiedBy, s.deps.config.accountId);
  assert.deepEqual(all.Records!.map((r) => [r.Key, r.Value, r.SyncCount]), [['lang', 'fr', 1], ['theme', 'light', 2]]);
  const since = await d.list(1);
  assert.deepEqual(since.Records!.map((r) => r.Key), ['theme']);
  assert.equal(since.Count, 1);

  const described = (await alice.sync.send(new DescribeDatasetCommand(d.at))).Dataset!;
  assert.equal(described.DatasetName, 'settings');
  assert.equal(described.IdentityId, alice.identityId);
  assert.equal(described.NumRecords, 2);
  assert.equal(described.DataStorage, 'theme'.length + 'light'.length + 'lang'.length + 'fr'.length);
  const listed = await alice.sync.send(new ListDatasetsCommand({ IdentityPoolId: p.identityPoolId, IdentityId: alice.identityId }));
  assert.ok(listed.Datasets!.some((x) => x.DatasetName === 'settings' && x.NumRecords === 2));
  assert.equal(listed.Count, listed.Datasets!.length);
  const usage = (await alice.sync.send(new DescribeIdentityUsageCommand({ IdentityPoolId: p.identityPoolId, IdentityId: alice.identityId }))).IdentityUsage!;
  assert.equal(usage.IdentityId, alice.identityId);
  assert.equal(usage.IdentityPoolId, p.identityPoolId);
  assert.ok(usage.DatasetCount! >= 1);
  assert.ok(usage.DataStorage! >= described.DataStorage!);
});

test('record values are sealed at rest: the store holds no value in clear', async () => {
  const d = dataset(alice.sync, alice.identityId, 'secrets');
  await d.update([put('pin', 'clear-text-value-1234', 0)]);
  const page = await s.deps.store.datasets.records(alice.identityId, 'secrets', 0, 10);
  assert.equal(page.items.length, 1);
  assert.ok(page.items[0]!.valueSealed);
  assert.doesNotMatch(page.items[0]!.valueSealed!, /clear-text/);
  assert.equal(s.deps.secrets.decryptString(page.items[0]!.valueSealed!), 'clear-text-value-1234');
});

test('a stale SyncCount refuses the whole UpdateRecords with 409 ResourceConflictException and applies nothing', async () => {
  const d = dataset(alice.sync, alice.identityId, 'conflicts');
  await d.update([put('a', '1', 0), put('b', '1', 0)]);
  await d.update([put('a', '2', 1)]); // a is now at 2
  const before = await d.list(0);
  const e = await awsErrorOf(() => d.update([put('b', 'changed', 1), put('a', 'stale', 1)]));
  assert.deepEqual(e, { name: 'ResourceConflictException', message: 'Current SyncCount for: a is: 2 not: 1', status: 409 });
  const afterwards = await d.list(0);
  assert.deepEqual(afterwards.Records, before.Records);
  assert.equal(afterwards.DatasetSyncCount, before.DatasetSyncCount);
  // a new key must come with SyncCount 0
  const fresh = await awsErrorOf(() => d.update([put('new', 'x', 3)]));
  assert.deepEqual(fresh, { name: 'ResourceConflictException', message: 'Current SyncCount for: new is: 0 not: 3', status: 409 });
});

test('remove keeps a tombstone: other devices see the key without a value at a new SyncCount; it leaves the counts', async () => {
  const d = dataset(alice.sync, alice.identityId, 'tombstones');
  await d.update([put('keep', 'v', 0), put('drop', 'v', 0)]);
  const removed = await d.update([{ Op: 'remove', Key: 'drop', SyncCount: 1 }]);
  assert.equal(removed.Records![0]!.Key, 'drop');
  assert.equal(removed.Records![0]!.Value, undefined);
  assert.equal(removed.Records![0]!.SyncCount, 2);
  const changed = await d.list(1);
  assert.deepEqual(changed.Records!.map((r) => [r.Key, r.Value, r.SyncCount]), [['drop', undefined, 2]]);
  const ds = (await alice.sync.send(new DescribeDatasetCommand(d.at))).Dataset!;
  assert.equal(ds.NumRecords, 1);
  assert.equal(ds.DataStorage, 'keep'.length + 1);
  // written again over its tombstone, with the tombstone's SyncCount
  const back = await d.update([put('drop', 'again', 2)]);
  assert.equal(back.Records![0]!.SyncCount, 3);
});

// A remove of a key that was never stored is acknowledged (the client learns its new sync count) but keeps no row:
// tombstones count toward neither the 1,024 records nor the 1 MB, so before, removes of ever new keys (1 KB each)
// grew a dataset's rows without end while NumRecords and DataStorage stayed 0.
test('a remove of a key never stored is acknowledged but keeps no tombstone row outside the limits', async () => {
  const d = dataset(alice.sync, alice.identityId, 'no-free-tombstones');
  await d.update([put('real', 'v', 0)]);
  const long = 'x'.repeat(1000);
  const ghosts = Array.from({ length: 300 }, (_, i) => ({ Op: 'remove' as const, Key: `ghost-${i}-${long}`, SyncCount: 0 }));
  const out = await d.update(ghosts);
  assert.equal(out.Records!.length, 300);
  assert.ok(out.Records!.every((r) => r.SyncCount === 2 && r.Value === undefined), 'each remove answered at the new sync count');
  const listed = await d.list();
  assert.deepEqual(listed.Records!.map((r) => r.Key), ['real'], 'no ghost tombstones stored');
  assert.equal(listed.DatasetSyncCount, 2);
  const rows = await s.deps.store.datasets.records(alice.identityId, 'no-free-tombstones', 0, 1024);
  assert.deepEqual(rows.items.map((r) => r.key), ['real']);
  // the count a ghost remove was answered with is accepted for that key afterwards (the client knows no other)
  const revived = await d.update([put(`ghost-0-${long}`, 'now real', 2)]);
  assert.deepEqual(revived.Records!.map((r) => [r.Value, r.SyncCount]), [['now real', 3]]);
  await d.update([{ Op: 'remove', Key: `ghost-0-${long}`, SyncCount: 3 }]);
  // a remove of a stored key still leaves its tombstone for other devices, and removing that tombstone again is a write
  const removed = await d.update([{ Op: 'remove', Key: 'real', SyncCount: 1 }]);
  assert.deepEqual(removed.Records!.map((r) => [r.Key, r.SyncCount]), [['real', 5]]);
  assert.deepEqual((await d.list(4)).Records!.map((r) => [r.Key, r.Value, r.SyncCount]), [['real', undefined, 5]]);
  const again = await d.update([{ Op: 'remove', Key: 'real', SyncCount: 5 }]);
  assert.deepEqual(again.Records!.map((r) => [r.Key, r.SyncCount]), [['real', 6]]);
  // a stale count for a stored key is still a conflict
  const stale = await awsErrorOf(() => d.update([put('real', 'late', 5)]));
  assert.equal(stale.name, 'ResourceConflictException');
});

test('SyncSessionToken: required, and bound to the pool, identity and dataset it was issued for', async () => {
  const a = dataset(alice.sync, alice.identityId, 'tokens-a');
  const b = dataset(alice.sync, alice.identityId, 'tokens-b');
  const tokenOfB = (await b.list()).SyncSessionToken!;
  const other = await awsErrorOf(() => a.update([put('k', 'v', 0)], tokenOfB));
  assert.deepEqual(other, { name: 'InvalidParameterException', message: 'SyncSessionToken not valid for these inputs', status: 400 });
  const forged = await awsErrorOf(() => a.update([put('k', 'v', 0)], 'not-a-token'));
  assert.equal(forged.message, 'SyncSessionToken not valid for these inputs');
  const missing = await awsErrorOf(() => alice.sync.send(new UpdateRecordsCommand({ ...a.at, RecordPatches: [put('k', 'v', 0)] } as never)));
  assert.equal(missing.name, 'InvalidParameterException');
  assert.equal(missing.status, 400);
  // ListRecords given a valid token answers the same session; given a foreign one, refuses it
  const t = (await a.list()).SyncSessionToken!;
  assert.equal((await alice.sync.send(new ListRecordsCommand({ ...a.at, SyncSessionToken: t }))).SyncSessionToken, t);
  const foreign = await awsErrorOf(() => alice.sync.send(new ListRecordsCommand({ ...a.at, SyncSessionToken: tokenOfB })));
  assert.equal(foreign.name, 'InvalidParameterException');
  assert.equal((await a.list()).DatasetExists, false, 'nothing was made by the refused calls');
});

test('DeleteDataset: gone for DescribeDataset (404); ListRecords tells a client that synced before it; a re-made dataset counts on', async () => {
  const d = dataset(alice.sync, alice.identityId, 'deleted');
  await d.update([put('x', '1', 0)]);
  await d.update([put('x', '2', 1)]);
  const deleted = (await alice.sync.send(new DeleteDatasetCommand(d.at))).Dataset!;
  assert.equal(deleted.DatasetName, 'deleted');
  assert.equal(deleted.NumRecords, 1);
  const gone = await awsErrorOf(() => alice.sync.send(new DescribeDatasetCommand(d.at)));
  assert.deepEqual(gone, { name: 'ResourceNotFoundException', message: "Dataset 'deleted' not found.", status: 404 });
  const again = await awsErrorOf(() => alice.sync.send(new DeleteDatasetCommand(d.at)));
  assert.equal(again.name, 'ResourceNotFoundException');
  const seen = await d.list(2);
  assert.equal(seen.DatasetExists, false);
  assert.equal(seen.DatasetDeletedAfterRequestedSyncCount, true);
  assert.equal((await d.list(0)).DatasetDeletedAfterRequestedSyncCount, false, 'a client that never synced has nothing to drop');
  // made again: its first records come after the old counter, so a client at 2 is not told twice and misses nothing
  const remade = await d.update([put('y', 'new', 0)]);
  assert.equal(remade.Records![0]!.SyncCount, 3);
  const now = await d.list(2);
  assert.equal(now.DatasetExists, true);
  assert.equal(now.DatasetDeletedAfterRequestedSyncCount, true);
  assert.deepEqual(now.Records!.map((r) => [r.Key, r.Value]), [['y', 'new']]);
  assert.equal((await d.list(3)).DatasetDeletedAfterRequestedSyncCount, false);
  assert.equal(
    (await alice.sync.send(new ListDatasetsCommand({ IdentityPoolId: p.identityPoolId, IdentityId: alice.identityId }))).Datasets!.filter((x) => x.DatasetName === 'deleted').length,
    1,
  );
});

test('identity credentials reach only their own identity (NotAuthorizedException 403); developer-only operations refuse them', async () => {
  const bobs = dataset(bob.sync, bob.identityId, 'private');
  await bobs.update([put('diary', 'secret', 0)]);
  const onBob = { IdentityPoolId: p.identityPoolId, IdentityId: bob.identityId };
  const forbidden = { name: 'NotAuthorizedException', message: `Access to Identity '${bob.identityId}' is forbidden.`, status: 403 };
  assert.deepEqual(await awsErrorOf(() => alice.sync.send(new ListRecordsCommand({ ...onBob, DatasetName: 'private' }))), forbidden);
  assert.deepEqual(await awsErrorOf(() => alice.sync.send(new ListDatasetsCommand(onBob))), forbidden);
  assert.deepEqual(await awsErrorOf(() => alice.sync.send(new DescribeDatasetCommand({ ...onBob, DatasetName: 'private' }))), forbidden);
  assert.deepEqual(await awsErrorOf(() => alice.sync.send(new DeleteDatasetCommand({ ...onBob, DatasetName: 'private' }))), forbidden);
  assert.deepEqual(await awsErrorOf(() => alice.sync.send(new DescribeIdentityUsageCommand(onBob))), forbidden);
  // with a token of bob's own, alice still cannot write bob's records
  const bobsToken = (await bobs.list()).SyncSessionToken!;
  assert.deepEqual(
    await awsErrorOf(() => alice.sync.send(new UpdateRecordsCommand({ ...onBob, DatasetName: 'private', SyncSessionToken: bobsToken, RecordPatches: [put('diary', 'x', 1)] }))),
    forbidden,
  );
  // the same identity under another pool id is not hers either
  const otherPool = `${s.deps.config.region}:00000000-0000-0000-0000-000000000000`;
  assert.equal((await awsErrorOf(() => alice.sync.send(new ListDatasetsCommand({ IdentityPoolId: otherPool, IdentityId: alice.identityId })))).name, 'NotAuthorizedException');
  const devOnly = await awsErrorOf(() => alice.sync.send(new DescribeIdentityPoolUsageCommand({ IdentityPoolId: p.identityPoolId })));
  assert.deepEqual(devOnly, { name: 'NotAuthorizedException', message: 'DescribeIdentityPoolUsage can only be called with developer credentials.', status: 403 });
  assert.equal((await awsErrorOf(() => alice.sync.send(new ListIdentityPoolUsageCommand({})))).name, 'NotAuthorizedException');
  assert.deepEqual((await bobs.list(0)).Records!.map((r) => r.Value), ['secret'], "bob's data is untouched");
});

test("the role's policy applies: a guest allowed only ListRecords is denied UpdateRecords (AccessDeniedException)", async () => {
  const d = dataset(guest.sync, guest.identityId, 'guest');
  const listed = await d.list();
  assert.equal(listed.DatasetExists, false);
  const denied = await awsErrorOf(() => d.update([put('k', 'v', 0)], listed.SyncSessionToken));
  assert.equal(denied.name, 'AccessDeniedException');
  assert.equal(denied.status, 403);
  const resource = `arn:aws:cognito-sync:${s.deps.config.region}:${s.deps.config.accountId}:identitypool/${p.identityPoolId}/identity/${guest.identityId}/dataset/guest`;
  assert.match(denied.message, new RegExp(`is not authorized to perform: cognito-sync:UpdateRecords on resource: ${resource.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
});

test('admin (developer) credentials reach any identity, and see pool usage', async () => {
  const d = dataset(admin, alice.identityId, 'by-admin');
  await d.update([put('set', 'by the developer', 0)]);
  assert.deepEqual((await dataset(alice.sync, alice.identityId, 'by-admin').list(0)).Records!.map((r) => r.Value), ['by the developer']);
  const usage = (await admin.send(new DescribeIdentityPoolUsageCommand({ IdentityPoolId: p.identityPoolId }))).IdentityPoolUsage!;
  assert.equal(usage.IdentityPoolId, p.identityPoolId);
  assert.ok(usage.SyncSessionsCount! >= 1);
  assert.ok(usage.DataStorage! >= 'set'.length + 'by the developer'.length);
  assert.ok(usage.LastModifiedDate instanceof Date);
  const all = await admin.send(new ListIdentityPoolUsageCommand({ MaxResults: 10 }));
  assert.equal(all.MaxResults, 10);
  assert.equal(all.Count, all.IdentityPoolUsages!.length);
  assert.deepEqual(all.IdentityPoolUsages!.find((u) => u.IdentityPoolId === p.identityPoolId), usage);
  const missing = `${s.deps.config.region}:00000000-0000-0000-0000-000000000000`;
  assert.deepEqual(await awsErrorOf(() => admin.send(new DescribeIdentityPoolUsageCommand({ IdentityPoolId: missing }))), {
    name: 'ResourceNotFoundException',
    message: `IdentityPool '${missing}' not found.`,
    status: 404,
  });
  const nobody = `${s.deps.config.region}:11111111-2222-3333-4444-555555555555`;
  assert.equal((await awsErrorOf(() => admin.send(new DescribeIdentityUsageCommand({ IdentityPoolId: p.identityPoolId, IdentityId: nobody })))).status, 404);
  assert.equal((await awsErrorOf(() => dataset(admin, nobody, 'x').update([put('k', 'v', 0)]))).name, 'ResourceNotFoundException');
});

test('limits: 20 datasets per identity, 1,024 records and 1 MB per dataset (LimitExceededException); names and keys as the model bounds them', async () => {
  const who = await signedIn('bob'); // bob's identity again, with fresh credentials
  const base = (await who.sync.send(new ListDatasetsCommand({ IdentityPoolId: p.identityPoolId, IdentityId: who.identityId }))).Count!;
  for (let i = base; i < 20; i++) await dataset(who.sync, who.identityId, `ds-${i}`).update([]);
  const listed = await who.sync.send(new ListDatasetsCommand({ IdentityPoolId: p.identityPoolId, IdentityId: who.identityId }));
  assert.equal(listed.Count, 20);
  const paged = await who.sync.send(new ListDatasetsCommand({ IdentityPoolId: p.identityPoolId, IdentityId: who.identityId, MaxResults: 15 }));
  assert.equal(paged.Count, 15);
  const rest = await who.sync.send(new ListDatasetsCommand({ IdentityPoolId: p.identityPoolId, IdentityId: who.identityId, NextToken: paged.NextToken! }));
  assert.equal(rest.Count, 5);
  assert.equal(rest.NextToken, undefined);
  const over = await awsErrorOf(() => dataset(who.sync, who.identityId, 'one-too-many').update([put('k', 'v', 0)]));
  assert.equal(over.name, 'LimitExceededException');
  assert.equal(over.status, 400);
  assert.equal((await dataset(who.sync, who.identityId, 'one-too-many').list()).DatasetExists, false);
  // deleting one makes room
  await who.sync.send(new DeleteDatasetCommand({ IdentityPoolId: p.identityPoolId, IdentityId: who.identityId, DatasetName: 'ds-19' }));
  await dataset(who.sync, who.identityId, 'one-too-many').update([put('k', 'v', 0)]);

  const records = dataset(admin, alice.identityId, 'many');
  const patches = Array.from({ length: 1024 }, (_, i) => put(`k${i}`, 'v', 0));
  await records.update(patches);
  const tooMany = await awsErrorOf(() => records.update([put('k1024', 'v', 0)]));
  assert.equal(tooMany.name, 'LimitExceededException');
  assert.equal((await admin.send(new DescribeDatasetCommand(records.at))).Dataset!.NumRecords, 1024);
  // a replace of an existing record, or a remove, is not a new record
  await records.update([put('k0', 'w', 1), { Op: 'remove', Key: 'k1', SyncCount: 1 }]);
  await records.update([put('k1024', 'v', 0)]);
  // 1,024 a page: the tombstone and the new record, 1,025 in all, take two
  const first = await records.list(0);
  assert.equal(first.Count, 1024);
  const next = await admin.send(new ListRecordsCommand({ ...records.at, LastSyncCount: 0, NextToken: first.NextToken!, SyncSessionToken: first.SyncSessionToken! }));
  assert.equal(next.Count, 1);
  assert.equal(next.NextToken, undefined);
  assert.equal(new Set([...first.Records!, ...next.Records!].map((r) => r.Key)).size, 1025);

  const big = dataset(admin, alice.identityId, 'big');
  const value = 'x'.repeat(300 * 1024);
  await big.update([put('a', value, 0)]);
  await big.update([put('b', value, 0)]);
  await big.update([put('c', value, 0)]);
  const tooBig = await awsErrorOf(() => big.update([put('d', value, 0)]));
  assert.equal(tooBig.name, 'LimitExceededException');
  assert.equal((await admin.send(new DescribeDatasetCommand(big.at))).Dataset!.DataStorage, 3 * (1 + value.length));

  const badName = await awsErrorOf(() => dataset(admin, alice.identityId, 'no spaces').list());
  assert.equal(badName.name, 'InvalidParameterException');
  assert.match(badName.message, /at 'datasetName' failed to satisfy constraint: Member must satisfy regular expression pattern/);
  const longName = await awsErrorOf(() => dataset(admin, alice.identityId, 'n'.repeat(129)).list());
  assert.match(longName.message, /Member must have length less than or equal to 128/);
  const longKey = await awsErrorOf(() => dataset(admin, alice.identityId, 'keys').update([put('k'.repeat(1025), 'v', 0)]));
  assert.equal(longKey.name, 'InvalidParameterException');
  assert.match(longKey.message, /Member must have length less than or equal to 1024/);
  const dup = await awsErrorOf(() => dataset(admin, alice.identityId, 'keys').update([put('same', '1', 0), put('same', '2', 0)]));
  assert.equal(dup.name, 'InvalidParameterException');
});

test('two UpdateRecords racing with the same SyncCount: exactly one wins, the other is a ResourceConflictException', async () => {
  const d = dataset(alice.sync, alice.identityId, 'race');
  for (let round = 0; round < 8; round++) {
    const token = (await d.list()).SyncSessionToken!;
    const current = (await d.list(0)).Records!.find((r) => r.Key === 'counter')?.SyncCount ?? 0;
    const results = await Promise.allSettled([
      d.update([put('counter', `device-1 round ${round}`, current)], token),
      d.update([put('counter', `device-2 round ${round}`, current)], token),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1, `round ${round}: ${JSON.stringify(results.map((r) => r.status))}`);
    assert.equal(lost[0]!.reason.name, 'ResourceConflictException');
    const stored = (await d.list(0)).Records!.find((r) => r.Key === 'counter')!;
    assert.equal(stored.Value, (won[0] as PromiseFulfilledResult<{ Records?: { Value?: string }[] }>).value.Records![0]!.Value);
    assert.equal(stored.SyncCount, current === 0 ? 1 : current + 1);
  }
});

test('the wire: an unsigned call is 403 MissingAuthenticationTokenException; a path no operation has is 404; answers are application/json', async () => {
  const path = `/identitypools/${encodeURIComponent(p.identityPoolId)}/identities/${encodeURIComponent(alice.identityId)}/datasets`;
  const unsigned = await rawRequest(s.url, { method: 'GET', path });
  assert.equal(unsigned.status, 403);
  assert.equal(unsigned.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException:');
  assert.match(String(unsigned.headers['content-type']), /^application\/json\b/);
  assert.equal(JSON.parse(unsigned.body).__type, 'MissingAuthenticationTokenException');
  const nowhere = await rawRequest(s.url, { method: 'GET', path: `${path}/x/y/z` });
  assert.equal(nowhere.status, 404);
  assert.equal(nowhere.headers['x-amzn-errortype'], 'UnknownOperationException:');
  const wrongMethod = await rawRequest(s.url, { method: 'PUT', path });
  assert.equal(wrongMethod.status, 404);
});

test('--dev: a call signed by any key is a developer call and reaches any identity', async () => {
  const dev = await startServerOnStoreUnderTest(systemClock, 'cognito_sync_dev', 2, { dev: true });
  try {
    const pool = await setUpIdentityPool(dev, 'devsync', [], PW);
    const id = (await pool.admin.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId }))).IdentityId!;
    const anyKey = new CognitoSyncClient({ region: dev.deps.config.region, endpoint: dev.url, maxAttempts: 1, credentials: { accessKeyId: 'AKIAANYKEY', secretAccessKey: 'whatever' } });
    try {
      const at = { IdentityPoolId: pool.identityPoolId, IdentityId: id, DatasetName: 'dev' };
      const token = (await anyKey.send(new ListRecordsCommand(at))).SyncSessionToken!;
      const out = await anyKey.send(new UpdateRecordsCommand({ ...at, SyncSessionToken: token, RecordPatches: [put('k', 'v', 0)] }));
      assert.equal(out.Records![0]!.SyncCount, 1);
      assert.equal((await anyKey.send(new DescribeIdentityPoolUsageCommand({ IdentityPoolId: pool.identityPoolId }))).IdentityPoolUsage!.DataStorage, 2);
    } finally {
      anyKey.destroy();
      pool.iam.destroy();
      pool.admin.destroy();
    }
  } finally {
    await dev.close();
  }
});
