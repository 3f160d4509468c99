// Cognito Sync data when identities merge or go, with the real SDK clients: a guest's datasets move to the identity
// its login proves when it signs in (one of the same name kept beside as "NAME.GUESTID" and reported by ListRecords in
// MergedDatasetNames, until it is deleted); MergeDeveloperIdentities likewise; DeleteIdentities and DeleteIdentityPool
// take the data with them. On SQLite and, with COGNATE_TEST_DATABASE_URL, PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CognitoSyncClient, DeleteDatasetCommand, ListDatasetsCommand, ListRecordsCommand, SetCognitoEventsCommand, UpdateRecordsCommand } from '@aws-sdk/client-cognito-sync';
import {
  DeleteIdentitiesCommand,
  DeleteIdentityPoolCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
  MergeDeveloperIdentitiesCommand,
  UpdateIdentityPoolCommand,
} from '@aws-sdk/client-cognito-identity';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { systemClock } from '../../src/runtime/clock.ts';
import type { TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { setUpIdentityPool, type IdentityPoolSetup } from '../support/identity-pool.ts';

const PW = 'Passw0rd!';
let s: TestServer;
let p: IdentityPoolSetup;
let admin: CognitoSyncClient;

before(async () => {
  s = await startServerOnStoreUnderTest(systemClock, 'cognito_sync_merge', 2);
  p = await setUpIdentityPool(s, 'merge', ['alice'], PW);
  admin = new CognitoSyncClient({ region: s.deps.config.region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
});
after(async () => {
  admin.destroy();
  p.iam.destroy();
  p.admin.destroy();
  await s.close();
});
testOnPostgres(() => s);

async function put(identityId: string, name: string, values: Record<string, string>, poolId = p.identityPoolId) {
  const at = { IdentityPoolId: poolId, IdentityId: identityId, DatasetName: name };
  const SyncSessionToken = (await admin.send(new ListRecordsCommand(at))).SyncSessionToken!;
  const RecordPatches = Object.entries(values).map(([Key, Value]) => ({ Op: 'replace' as const, Key, Value, SyncCount: 0 }));
  await admin.send(new UpdateRecordsCommand({ ...at, SyncSessionToken, RecordPatches }));
}
const records = async (identityId: string, name: string) => {
  const out = await admin.send(new ListRecordsCommand({ IdentityPoolId: p.identityPoolId, IdentityId: identityId, DatasetName: name }));
  return { values: Object.fromEntries((out.Records ?? []).map((r) => [r.Key, r.Value])), merged: out.MergedDatasetNames };
};
const names = async (identityId: string) =>
  ((await admin.send(new ListDatasetsCommand({ IdentityPoolId: p.identityPoolId, IdentityId: identityId }))).Datasets ?? []).map((d) => d.DatasetName);

test("a guest signing in: its datasets move to the login's identity; one of the same name is kept as NAME.GUESTID and reported in MergedDatasetNames", async () => {
  const token = (await s.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: p.clientId, AuthParameters: { USERNAME: 'alice', PASSWORD: PW } })))
    .AuthenticationResult!.IdToken!;
  const Logins = { [p.provider]: token };
  const alice = (await p.admin.send(new GetIdCommand({ IdentityPoolId: p.identityPoolId, Logins }))).IdentityId!;
  await put(alice, 'prefs', { theme: 'light' });
  const guest = (await p.admin.send(new GetIdCommand({ IdentityPoolId: p.identityPoolId }))).IdentityId!;
  await put(guest, 'prefs', { theme: 'dark' });
  await put(guest, 'cart', { item: '1' });

  const signedIn = await p.admin.send(new GetCredentialsForIdentityCommand({ IdentityId: guest, Logins }));
  assert.equal(signedIn.IdentityId, alice);
  const kept = `prefs.${guest}`;
  assert.deepEqual((await names(alice)).sort(), ['cart', 'prefs', kept].sort());
  assert.deepEqual(await records(alice, 'prefs'), { values: { theme: 'light' }, merged: [kept] });
  assert.deepEqual(await records(alice, kept), { values: { theme: 'dark' }, merged: undefined });
  assert.deepEqual(await records(alice, 'cart'), { values: { item: '1' }, merged: undefined });
  assert.equal(await s.deps.store.datasets.get(guest, 'cart'), null);

  // "Datasets that this dataset was merged with will no longer report the merge" once it is deleted
  await admin.send(new DeleteDatasetCommand({ IdentityPoolId: p.identityPoolId, IdentityId: alice, DatasetName: kept }));
  assert.deepEqual(await records(alice, 'prefs'), { values: { theme: 'light' }, merged: undefined });

  // DeleteIdentities takes the identity's data with it
  await p.admin.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [alice] }));
  for (const name of ['prefs', 'cart', kept]) assert.equal(await s.deps.store.datasets.get(alice, name), null, name);
  assert.equal((await s.deps.store.datasets.records(alice, 'prefs', 0, 10)).items.length, 0);
});

test('MergeDeveloperIdentities moves the source identity\'s datasets; DeleteIdentityPool removes every dataset and setting of the pool', async () => {
  await p.admin.send(new UpdateIdentityPoolCommand({ IdentityPoolId: p.identityPoolId, IdentityPoolName: 'merge', AllowUnauthenticatedIdentities: true, DeveloperProviderName: 'login.example' }));
  const dev = async (user: string) =>
    (await p.admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: p.identityPoolId, Logins: { 'login.example': user } }))).IdentityId!;
  const [one, two] = [await dev('one'), await dev('two')];
  await put(one, 'notes', { a: '1' });
  await put(two, 'notes', { b: '2' });
  await put(two, 'extra', { c: '3' });
  const merged = await p.admin.send(
    new MergeDeveloperIdentitiesCommand({ IdentityPoolId: p.identityPoolId, DeveloperProviderName: 'login.example', SourceUserIdentifier: 'two', DestinationUserIdentifier: 'one' }),
  );
  assert.equal(merged.IdentityId, one);
  assert.deepEqual(await records(one, 'notes'), { values: { a: '1' }, merged: [`notes.${two}`] });
  assert.deepEqual((await records(one, 'extra')).values, { c: '3' });

  await admin.send(new SetCognitoEventsCommand({ IdentityPoolId: p.identityPoolId, Events: { SyncTrigger: 'arn:aws:lambda:us-east-1:123456789012:function:f' } }));
  await p.admin.send(new DeleteIdentityPoolCommand({ IdentityPoolId: p.identityPoolId }));
  assert.equal(await s.deps.store.datasets.get(one, 'notes'), null);
  assert.equal(await s.deps.store.datasets.get(one, `notes.${two}`), null);
  assert.equal(await s.deps.store.syncConfig.get(p.identityPoolId), null);
});
