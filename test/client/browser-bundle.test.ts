// `cognate/sync` as a browser gets it: client/index.ts bundled by esbuild for the browser platform (so the AWS SDK's
// browser build, fetch instead of node:http, and no better-sqlite3), then run here with what a page provides — a
// global indexedDB (fake-indexeddb) and a window that fires 'online' — against a real server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { IDBFactory } from 'fake-indexeddb';
import { CognitoSyncClient, ListRecordsCommand } from '@aws-sdk/client-cognito-sync';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import type { TestServer } from '../support/server.ts';
import type { IdentityPoolSetup } from '../support/identity-pool.ts';
import { startGuestSyncPool } from '../support/guest-sync-pool.ts';

let s: TestServer;
let p: IdentityPoolSetup;
let close: () => Promise<void>;
let code: string;
const dir = mkdtempSync(join(tmpdir(), 'cognate-browser-bundle-'));

before(async () => {
  const out = await build({ entryPoints: [new URL('../../client/index.ts', import.meta.url).pathname], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
  code = out.outputFiles[0]!.text;
  ({ s, p, close } = await startGuestSyncPool('browser'));
});
after(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

test('the browser bundle holds no Node module and syncs from a page: global indexedDB, the window\'s online event', async () => {
  assert.doesNotMatch(code, /better-sqlite3|from ["']node:|require\(["'](fs|http|https|net)["']\)/);
  const file = join(dir, 'sync.mjs');
  writeFileSync(file, code);
  const window = new EventTarget();
  const g = globalThis as Record<string, unknown>;
  g.indexedDB = new IDBFactory();
  g.addEventListener = window.addEventListener.bind(window);
  g.removeEventListener = window.removeEventListener.bind(window);
  try {
    const lib = (await import(pathToFileURL(file).href)) as typeof import('../../client/index.ts');
    const region = s.deps.config.region;
    const credentials = fromCognitoIdentityPool({ identityPoolId: p.identityPoolId, clientConfig: { region, endpoint: s.url, maxAttempts: 1 } });
    const synced: unknown[] = [];
    const errors: unknown[] = [];
    const client = new lib.SyncClient({ identityPoolId: p.identityPoolId, endpoint: s.url, region, credentials, cache: new lib.IndexedDbCache(),
      clientConfig: { maxAttempts: 1 }, onSync: (r) => synced.push(r), onError: (e) => errors.push(e) });
    const d = await client.openOrCreateDataset('page');
    await d.put('visits', '1');
    window.dispatchEvent(new Event('online'));
    for (let i = 0; i < 100 && synced.length + errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(errors, []);
    assert.deepEqual((synced[0] as { pushed: string[] }).pushed, ['visits']);
    const sync = new CognitoSyncClient({ region, endpoint: s.url, credentials, maxAttempts: 1 });
    const listed = await sync.send(new ListRecordsCommand({ IdentityPoolId: p.identityPoolId, IdentityId: await client.identity(), DatasetName: 'page' }));
    assert.deepEqual(listed.Records!.map((r) => [r.Key, r.Value]), [['visits', '1']]);
    sync.destroy();
    await client.close();
  } finally {
    delete g.indexedDB;
    delete g.addEventListener;
    delete g.removeEventListener;
  }
});
