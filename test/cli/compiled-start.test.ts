// The compiled start: `npm install` builds src/ into dist/ (the `prepare` script) and `npm start` / `npx cognate`
// run bin/cognate.mjs, which serves from dist/ — or from src/ through tsx, saying so, when dist/ is stale.
// src/ is compiled once, by the prepare script; each case runs from a temporary package root of its own holding a
// copy of that build, so the checkout's dist/ is never touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fetchWithin, START_TIMEOUT_MS, startCognate, tempDir } from '../support/process.ts';

const root = new URL('../../', import.meta.url).pathname;

/** How long one compile of src/ may take before it counts as hung. */
const BUILD_TIMEOUT_MS = 240_000;

let compiled: string | undefined;
/**
 * src/ compiled by the `prepare` script (scripts/build.mjs) into a temporary directory: once for the file, as it
 * is the same for every case; each package root gets a copy.
 */
function compiledDist(): string {
  if (compiled) return compiled;
  const out = tempDir('cognate-build-');
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--outDir', out], { cwd: root, encoding: 'utf8', timeout: BUILD_TIMEOUT_MS });
  assert.equal(build.status, 0, `build failed (${build.error ?? build.signal ?? build.status}): ${build.stdout}${build.stderr}`);
  assert.doesNotMatch(build.stderr, /not installed/);
  compiled = out;
  return out;
}

/** A package root holding bin/, package.json, the checkout's node_modules and a freshly copied dist/. */
function builtPackage(withSource: boolean): string {
  const dir = tempDir('cognate-pkg-');
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(root, 'bin', 'cognate.mjs'), join(dir, 'bin', 'cognate.mjs'));
  copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  cpSync(compiledDist(), join(dir, 'dist'), { recursive: true }); // copied now: newer than every file under src/
  if (withSource) symlinkSync(join(root, 'src'), join(dir, 'src'));
  return dir;
}

async function serveFrom(pkg: string) {
  const server = await startCognate(['--data-dir', tempDir()], {}, START_TIMEOUT_MS, { argv: [join(pkg, 'bin', 'cognate.mjs')], cwd: pkg });
  try {
    const health = await fetchWithin(`${server.url}/health`);
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
  assert.ok(existsSync(join(compiledDist(), 'main.js')), 'dist/main.js was built');
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
  const server = await startCognate(['--data-dir', tempDir(), '--workers', '1'], {}, START_TIMEOUT_MS, { argv: [npmCli(), 'start', '--'], cwd: pkg });
  assert.equal((await fetchWithin(`${server.url}/health`)).status, 200);
  await server.stop('SIGTERM');
  // Let go of the pipes, so that a server left running (the failure this test catches) cannot hold the test open.
  server.child.stdout?.destroy();
  server.child.stderr?.destroy();
  // npm has exited; the server must have too, not lingered re-parented to init.
  let answered = true;
  for (let i = 0; i < 50 && answered; i++) {
    answered = await fetchWithin(`${server.url}/health`).then(() => true, () => false);
    if (answered) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(answered, false, 'the server still answers after npm start was sent SIGTERM');
});
