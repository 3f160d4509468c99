// examples/nginx/nginx.conf run by Debian's nginx (/usr/sbin/nginx) in front of a temporary upload folder, each request
// asked about at Cognate's /_cognate/authorize: the owner's signed PUT lands in its own folder, a PUT into another
// identity's folder, an unsigned one, one with expired credentials and one climbing out with `..` are refused.
// Skipped, with the reason, where nginx (with auth_request and dav) is not installed (.ci/run installs it). Cognate runs
// on the store under test (PostgreSQL when COGNATE_TEST_DATABASE_URL is set).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { FixedClock } from '../../src/runtime/clock.ts';
import { tempDir } from '../support/process.ts';
import { rawRequest } from '../support/raw-http.ts';
import type { TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { s3Path, signS3, uploadsPool, type Guest, type UploadsPool } from '../support/identity-uploads.ts';

const NGINX = '/usr/sbin/nginx';
const EXAMPLE = new URL('../../examples/nginx/nginx.conf', import.meta.url).pathname;

function nginxMissing(): string | false {
  if (!existsSync(NGINX)) return `${NGINX} is not installed (apt-get install nginx)`;
  const v = spawnSync(NGINX, ['-V'], { encoding: 'utf8' });
  const flags = `${v.stdout}${v.stderr}`;
  if (!flags.includes('http_auth_request_module') || !flags.includes('http_dav_module')) return `${NGINX} lacks auth_request or dav`;
  return false;
}
const missing = nginxMissing();
if (missing) console.log(`# skipping the nginx tests: ${missing}`);

const clock = new FixedClock(Date.now());
let s: TestServer;
let pool: UploadsPool;
let alice: Guest;
let bob: Guest;
let dir: string;
let nginx: ChildProcess | undefined;
let nginxLog = '';
let base: string;

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function listening(port: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const c = connect(port, '127.0.0.1', () => (c.end(), r(true)));
      c.on('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`nginx did not listen on ${port}: ${nginxLog}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The example's config with this run's ports and folders. */
function config(nginxPort: number, cognatePort: string): string {
  let c = readFileSync(EXAMPLE, 'utf8')
    .replaceAll('/var/lib/cognate-nginx', dir)
    .replace('listen 127.0.0.1:8080', `listen 127.0.0.1:${nginxPort}`)
    .replace('http://127.0.0.1:9330/', `http://127.0.0.1:${cognatePort}/`)
    .replace('root /srv;', `root ${join(dir, 'files')};`);
  // root keeps its own worker user (the temporary folder is root's); elsewhere the directive would only be ignored
  c = c.replace('user www-data;', process.getuid?.() === 0 ? 'user root;' : '');
  assert.ok(c.includes(`127.0.0.1:${nginxPort}`) && c.includes(`127.0.0.1:${cognatePort}/_cognate/authorize`), 'the example config changed shape');
  return c;
}

before(async () => {
  if (missing) return;
  s = await startServerOnStoreUnderTest(clock, 'nginx_authorize');
  pool = await uploadsPool(s.url, s.deps.admin, s.deps.config.region);
  alice = await pool.guest();
  bob = await pool.guest();
  dir = tempDir('cognate-nginx-');
  mkdirSync(join(dir, 'files', 'uploads'), { recursive: true });
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), config(port, new URL(s.url).port));
  nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  nginx.stdout!.on('data', (d) => (nginxLog += d));
  nginx.stderr!.on('data', (d) => (nginxLog += d));
  await listening(port, 10_000);
  base = `http://127.0.0.1:${port}`;
});

after(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((r) => nginx!.once('exit', r));
    nginx.kill('SIGTERM');
    await exited;
  }
  pool?.destroy();
  await s?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
testOnPostgres(() => s, missing);

const host = () => new URL(base).host;
async function put(who: Guest | undefined, key: string, body: string, path = s3Path('uploads', key)) {
  const headers = who ? await signS3(host(), who.credentials, s.deps.config.region, { method: 'PUT', path, body, signingDate: new Date(clock.now()) }) : { host: host() };
  return rawRequest(base, { method: 'PUT', path, headers, body });
}
const file = (key: string) => join(dir, 'files', 'uploads', key);

test("the owner's signed PUT lands in its own folder, and it reads it back", { skip: missing }, async () => {
  const key = `${alice.identityId}/notes.txt`;
  const r = await put(alice, key, 'hello from alice');
  assert.ok(r.status === 201 || r.status === 204, `${r.status} ${r.body} ${nginxLog}`);
  assert.equal(r.headers['x-cognate-identity-id'], alice.identityId);
  assert.equal(readFileSync(file(key), 'utf8'), 'hello from alice');
  const path = s3Path('uploads', key);
  const headers = await signS3(host(), alice.credentials, s.deps.config.region, { method: 'GET', path, signingDate: new Date(clock.now()) });
  const got = await rawRequest(base, { method: 'GET', path, headers });
  assert.equal(got.status, 200);
  assert.equal(got.body, 'hello from alice');
});

test("a PUT into another identity's folder is 403 and writes nothing", { skip: missing }, async () => {
  const key = `${alice.identityId}/from-bob.txt`;
  const r = await put(bob, key, 'bob was here');
  assert.equal(r.status, 403);
  assert.equal(existsSync(file(key)), false);
});

test('an unsigned PUT is 401; a PUT climbing out with .. is 403', { skip: missing }, async () => {
  const unsigned = await put(undefined, `${alice.identityId}/anon.txt`, 'anon');
  assert.equal(unsigned.status, 401);
  assert.equal(existsSync(file(`${alice.identityId}/anon.txt`)), false);
  const climb = `/uploads/${encodeURIComponent(bob.identityId)}/../${encodeURIComponent(alice.identityId)}/climb.txt`;
  const r = await put(bob, '', 'climb', climb);
  assert.equal(r.status, 403);
  assert.equal(existsSync(file(`${alice.identityId}/climb.txt`)), false);
});

test('credentials past their expiry are refused (401)', { skip: missing }, async () => {
  const key = `${bob.identityId}/late.txt`;
  const start = clock.now();
  clock.advance(3601 * 1000);
  try {
    const r = await put(bob, key, 'too late');
    assert.equal(r.status, 401);
    assert.equal(existsSync(file(key)), false);
  } finally {
    clock.set(start);
  }
});

test("'//uploads/…' (nginx merges the slashes) is not the bucket list: a role allowed s3:ListAllMyBuckets reads no one's file by it", { skip: missing }, async () => {
  const lister = await uploadsPool(s.url, s.deps.admin, s.deps.config.region, 'lister', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }] });
  try {
    const eve = await lister.guest();
    mkdirSync(file(alice.identityId), { recursive: true });
    writeFileSync(file(`${alice.identityId}/diary.txt`), 'private');
    const path = `/${s3Path('uploads', `${alice.identityId}/diary.txt`)}`;
    const headers = await signS3(host(), eve.credentials, s.deps.config.region, { method: 'GET', path, signingDate: new Date(clock.now()) });
    const got = await rawRequest(base, { method: 'GET', path, headers });
    assert.equal(got.status, 403, got.body);
    assert.doesNotMatch(got.body, /private/);
  } finally {
    lister.destroy();
  }
});
