// Two devices of one (guest) identity sharing a dataset through Cognate's Cognito Sync with `cognate/sync`: both
// edit the same key while apart, the second to sync settles the conflict with a merge, and a device restarted from
// its cache file finds its data. Run against a server:
//   COGNATE_ENDPOINT=http://127.0.0.1:9330 IDENTITY_POOL_ID=us-east-1:… node examples/sync-client/two-devices.mjs
// (the pool's unauthenticated role must allow cognito-sync:*; `npm run build` makes dist/, which cognate/sync names).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { SyncClient } from 'cognate/sync';
import { SqliteCache } from 'cognate/sync/sqlite';

const endpoint = process.env.COGNATE_ENDPOINT ?? 'http://127.0.0.1:9330';
const region = process.env.AWS_REGION ?? 'us-east-1';
const identityPoolId = process.env.IDENTITY_POOL_ID;
if (!identityPoolId) throw new Error('set IDENTITY_POOL_ID');
const dir = mkdtempSync(join(tmpdir(), 'sync-example-'));

// the first device gets a guest identity; the second signs in as that same identity
const laptopCredentials = fromCognitoIdentityPool({ identityPoolId, clientConfig: { region, endpoint } });
const { identityId } = await laptopCredentials();

function device(name, credentials) {
  return new SyncClient({
    identityPoolId,
    endpoint,
    region,
    credentials,
    cache: new SqliteCache(join(dir, `${name}.db`)),
    // keep both edits: "remote+local"
    conflictHandler: (c) => {
      console.log(`${name}: conflict on ${c.key}: here ${c.local.value}, there ${c.remote.value}`);
      return { merged: `${c.remote.value}+${c.local.value}` };
    },
  });
}
const phoneCredentials = () => fromCognitoIdentityPool({ identityPoolId, identityId, clientConfig: { region, endpoint } });
const laptop = device('laptop', laptopCredentials);
let phone = device('phone', phoneCredentials());

const onLaptop = await laptop.openOrCreateDataset('settings');
await onLaptop.put('theme', 'dark');
await onLaptop.synchronize();
let onPhone = await phone.openOrCreateDataset('settings');
await onPhone.synchronize();
console.log('phone sees theme:', await onPhone.get('theme'));

// apart: both change the theme (writes are local, queued until the next synchronize)
await onLaptop.put('theme', 'light');
await onPhone.put('theme', 'solarized');
await onPhone.put('font', 'serif');
console.log('phone pending:', (await onPhone.pending()).join(','));
await onLaptop.synchronize();
const r = await onPhone.synchronize();
console.log(`phone synced: pulled ${r.pulled.length}, pushed ${r.pushed.join(',')}, conflicts ${r.conflicts}`);
await onLaptop.synchronize();
console.log('laptop:', JSON.stringify(await onLaptop.getAll()));

// the phone restarts: its cache file has everything
await phone.close();
phone = device('phone', phoneCredentials());
onPhone = await phone.openOrCreateDataset('settings');
console.log('phone after restart:', JSON.stringify(await onPhone.getAll()));
await phone.close();
await laptop.close();
