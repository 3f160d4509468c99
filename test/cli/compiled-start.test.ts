// The compiled start: `npm install` builds src/ into dist/ (the `prepare` script) and `npm start` / `npx cognate`
// run bin/cognate.mjs, which serves from dist/ — or from src/ through tsx, saying so, when dist/ is stale.
// Each case builds into its own temporary package root, so the checkout's dist/ is never touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { startCognate, tempDir } from '../support/process.ts';

const root = new URL('../../', import.meta.url).pathname;

/** A package root holding bin/, package.json, the checkout's node_modules and a freshly compiled dist/. */
function builtPackage(withSource: boolean): string {
  const dir = tempDir('cognate-pkg-');
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(root, 'bin', 'cognate.mjs'), join(dir, 'bin', 'cognate.mjs'));
  copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], { encoding: 'utf8' });
  assert.equal(tsc.status, 0, `build failed: ${tsc.stdout}${tsc.stderr}`);
  if (withSource) symlinkSync(join(root, 'src'), join(dir, 'src'));
  return dir;
}

async function serveFrom(pkg: string) {
  const server = await startCognate(['--data-dir', tempDir()], {}, 20000, { argv: [join(pkg, 'bin', 'cognate.mjs')], cwd: pkg });
  try {
    const health = await fetch(`${server.url}/health`);
    assert.equal(health.status, 200);
  } finally {
    assert.equal(await server.stop('SIGTERM'), 0, 'SIGTERM drains and exits 0');
  }
  return server;
}

test('the package scripts build on install and start the compiled server', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.equal(pkg.scripts.prepare, 'node scripts/build.mjs');
  // The prepare step really compiles (it once skipped the build, not finding TypeScript's bin through its exports).
  const out = tempDir('cognate-build-');
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--outDir', out], { cwd: root, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  assert.doesNotMatch(build.stderr, /not installed/);
  assert.ok(existsSync(join(out, 'main.js')), 'dist/main.js was built');
  // exec: the shell npm runs the script in becomes node, so a signal to `npm start` reaches the server.
  assert.equal(pkg.scripts.start, 'exec node bin/cognate.mjs');
  assert.equal(pkg.bin.cognate, 'bin/cognate.mjs');
});

test('bin/cognate serves from the compiled dist/ when it is current', async () => {
  const server = await serveFrom(builtPackage(false));
  assert.doesNotMatch(server.stderr(), /running from source/);
});

test('bin/cognate runs the source, and says so, when dist/ is older than src/', async () => {
  const pkg = builtPackage(true);
  const old = new Date('2000-01-01T00:00:00Z');
  utimesSync(join(pkg, 'dist', 'main.js'), old, old);
  const server = await serveFrom(pkg);
  assert.match(server.stderr(), /running from source \(dist\/ is missing or older than src\//);
});

/** npm's own CLI beside this node (Debian's and nodejs.org's layouts both put it there). */
function npmCli(): string {
  return join(process.execPath, '..', '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
}

test('SIGTERM (or Ctrl-C) to `npm start` stops the server it started', async () => {
  const pkg = builtPackage(false);
  const server = await startCognate(['--data-dir', tempDir(), '--workers', '1'], {}, 30000, { argv: [npmCli(), 'start', '--'], cwd: pkg });
  assert.equal((await fetch(`${server.url}/health`)).status, 200);
  await server.stop('SIGTERM');
  // Let go of the pipes, so that a server left running (the failure this test catches) cannot hold the test open.
  server.child.stdout?.destroy();
  server.child.stderr?.destroy();
  // npm has exited; the server must have too, not lingered re-parented to init.
  let answered = true;
  for (let i = 0; i < 50 && answered; i++) {
    answered = await fetch(`${server.url}/health`).then(() => true, () => false);
    if (answered) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(answered, false, 'the server still answers after npm start was sent SIGTERM');
});
