// The old AWS sync manager, amazon-cognito-js, on aws-sdk v2, under Node: AWS.CognitoIdentityCredentials (a signed-in
// user of a Cognate user pool, enhanced flow) and AWS.CognitoSync pointed at Cognate's endpoint; the manager's
// openOrCreateDataset → put → synchronize, a second manager (another device: a cache of its own) seeing the value,
// and a conflict resolved through onConflict. The manager's own in-memory DataStore (StoreInMemory) stands for the
// browser's localStorage: under Node there is none, and the library takes the store as an option.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { ListRecordsCommand } from '@aws-sdk/client-cognito-sync';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { systemClock } from '../../src/runtime/clock.ts';
import type { TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest } from '../support/store-under-test.ts';
import { setUpIdentityPool, type IdentityPoolSetup } from '../support/identity-pool.ts';
import { signedInIdentity } from '../support/sync-identity.ts';

const require = createRequire(import.meta.url);
// amazon-cognito-js adds AWS.CognitoSyncManager to the aws-sdk module it requires: the same instance as this one.
const AWS = require('aws-sdk') as typeof import('aws-sdk') & { CognitoSyncManager: any };
require('amazon-cognito-js');

const PW = 'Passw0rd!';
let s: TestServer;
let p: IdentityPoolSetup;

before(async () => {
  s = await startServerOnStoreUnderTest(systemClock, 'cognito_sync_v2', 2);
  p = await setUpIdentityPool(s, 'v2sync', ['alice'], PW);
  await p.iam.send(new PutRolePolicyCommand({ RoleName: p.authRole.name, PolicyName: 'sync',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cognito-sync:*'], Resource: '*' }] }) }));
});
after(async () => {
  p?.iam.destroy();
  p?.admin.destroy();
  await s?.close();
});

interface Dataset {
  put(key: string, value: string, cb: (err: Error | null, record?: unknown) => void): void;
  get(key: string, cb: (err: Error | null, value?: string) => void): void;
  resolve(records: unknown[], cb: (err: Error | null) => void): void;
  synchronize(cb: Record<string, unknown>): void;
}
interface Conflict {
  getKey(): string;
  getRemoteRecord(): { getValue(): string };
  getLocalRecord(): { getValue(): string };
  resolveWithValue(v: string): unknown;
}

/** A "device": alice signs in, v2 credentials for her identity, and a sync manager with a cache of its own. */
async function device(): Promise<{ manager: any; identityId: string }> {
  const out = await s.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: p.clientId, AuthParameters: { USERNAME: 'alice', PASSWORD: PW } }));
  // Cognate's endpoint for the CognitoIdentity client the credentials make, and for the manager's AWS.CognitoSync
  AWS.config.update({ region: s.deps.config.region, cognitoidentity: { endpoint: s.url }, cognitosync: { endpoint: s.url, maxRetries: 0 } });
  const credentials = new AWS.CognitoIdentityCredentials({ IdentityPoolId: p.identityPoolId, Logins: { [p.provider]: out.AuthenticationResult!.IdToken! } });
  // the manager reads AWS.config.credentials when it is constructed
  AWS.config.update({ credentials });
  await credentials.getPromise();
  const manager = new AWS.CognitoSyncManager({ DataStore: AWS.CognitoSyncManager.StoreInMemory });
  return { manager, identityId: credentials.identityId };
}

const open = (m: any, name: string) =>
  new Promise<Dataset>((resolve, reject) => m.openOrCreateDataset(name, (err: Error | null, d: Dataset) => (err ? reject(err) : resolve(d))));
const put = (d: Dataset, k: string, v: string) => new Promise<void>((resolve, reject) => d.put(k, v, (err) => (err ? reject(err) : resolve())));
const get = (d: Dataset, k: string) => new Promise<string | undefined>((resolve, reject) => d.get(k, (err, v) => (err ? reject(err) : resolve(v))));

/** synchronize; `onConflict` (when given) resolves the conflicts it is shown. Rejects on onFailure. */
function synchronize(d: Dataset, onConflict?: (conflicts: Conflict[]) => unknown[]): Promise<{ conflicts: Conflict[] }> {
  const seen: Conflict[] = [];
  return new Promise((resolve, reject) =>
    d.synchronize({
      onSuccess: () => resolve({ conflicts: seen }),
      onFailure: (err: Error) => reject(err),
      onConflict: (ds: Dataset, conflicts: Conflict[], next: (go: boolean) => void) => {
        seen.push(...conflicts);
        if (!onConflict) return next(false);
        ds.resolve(onConflict(conflicts), (err) => (err ? reject(err) : next(true)));
      },
      onDatasetDeleted: (_ds: Dataset, _name: string, next: (go: boolean) => void) => next(true),
      onDatasetsMerged: (_ds: Dataset, _merges: string[], next: (go: boolean) => void) => next(false),
    }),
  );
}

test('amazon-cognito-js on aws-sdk v2: put and synchronize on one device, the other sees it; a conflict resolved through onConflict', { timeout: 60_000 }, async () => {
  const a = await device();
  const b = await device();
  assert.match(a.identityId, /^[\w-]+:[0-9a-f-]+$/);
  assert.equal(b.identityId, a.identityId, 'the same user: the same identity');

  const da = await open(a.manager, 'settings');
  await put(da, 'theme', 'dark');
  await synchronize(da);

  // what the server holds now, read with the v3 SDK
  const v3 = await signedInIdentity(s, p, 'alice', PW);
  try {
    const at = { IdentityPoolId: p.identityPoolId, IdentityId: a.identityId, DatasetName: 'settings' };
    let listed = await v3.sync.send(new ListRecordsCommand(at));
    assert.deepEqual(listed.Records?.map((r) => [r.Key, r.Value, r.SyncCount]), [['theme', 'dark', 1]]);

    const db = await open(b.manager, 'settings');
    assert.equal(await get(db, 'theme'), undefined, 'nothing cached on the other device yet');
    await synchronize(db);
    assert.equal(await get(db, 'theme'), 'dark', 'the other device sees the value');

    // both devices change the same key; the second to synchronize is shown a conflict and merges
    await put(da, 'theme', 'light');
    await synchronize(da);
    await put(db, 'theme', 'blue');
    const { conflicts } = await synchronize(db, (cs) => cs.map((c) => c.resolveWithValue(`${c.getLocalRecord().getValue()}+${c.getRemoteRecord().getValue()}`)));
    assert.deepEqual(conflicts.map((c) => [c.getKey(), c.getLocalRecord().getValue(), c.getRemoteRecord().getValue()]), [['theme', 'blue', 'light']]);
    assert.equal(await get(db, 'theme'), 'blue+light');

    listed = await v3.sync.send(new ListRecordsCommand(at));
    assert.deepEqual(listed.Records?.map((r) => [r.Key, r.Value, r.SyncCount]), [['theme', 'blue+light', 3]]);
    await synchronize(da);
    assert.equal(await get(da, 'theme'), 'blue+light', 'the merge reaches the first device');

    // a conflict the callback declines: the synchronize fails and the server keeps its value
    await put(da, 'theme', 'red');
    await synchronize(da);
    await put(db, 'theme', 'green');
    await assert.rejects(synchronize(db), /Conflict callback returned false/);
    listed = await v3.sync.send(new ListRecordsCommand(at));
    assert.deepEqual(listed.Records?.map((r) => [r.Key, r.Value]), [['theme', 'red']]);
  } finally {
    v3.sync.destroy();
  }
});
