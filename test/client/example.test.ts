// examples/sync-client/two-devices.mjs, the README's sync client example, run as a reader runs it: the client
// library built into dist/client (as `npm run build` builds it), imported by its package name `cognate/sync`, by
// plain node against a real server whose identity pool lets guests sync. Its printed lines are the assertions.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TestServer } from '../support/server.ts';
import type { IdentityPoolSetup } from '../support/identity-pool.ts';
import { startGuestSyncPool } from '../support/guest-sync-pool.ts';

const root = new URL('../../', import.meta.url).pathname;
let s: TestServer;
let p: IdentityPoolSetup;
let close: () => Promise<void>;

before(async () => {
  const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.client.json'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stdout + built.stderr);
  ({ s, p, close } = await startGuestSyncPool('example'));
});
after(async () => {
  await close();
});

test('the two-devices example runs against Cognate and prints what the README says', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['examples/sync-client/two-devices.mjs'], {
    cwd: root,
    env: { ...process.env, COGNATE_ENDPOINT: s.url, IDENTITY_POOL_ID: p.identityPoolId, AWS_REGION: s.deps.config.region },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0, err);
  assert.equal(
    out,
    [
      'phone sees theme: dark',
      'phone pending: font,theme',
      'phone: conflict on theme: here solarized, there light',
      'phone synced: pulled 0, pushed font,theme, conflicts 1',
      'laptop: {"font":"serif","theme":"light+solarized"}',
      'phone after restart: {"font":"serif","theme":"light+solarized"}',
      '',
    ].join('\n'),
  );
});
