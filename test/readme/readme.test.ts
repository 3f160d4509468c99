// The README's first session, executed: its marked blocks (see blocks.ts) run as a reader runs them — the shell
// steps in one bash session from a directory of the clone, the JavaScript files saved there and run by those steps
// with node — against a real server process, so the README cannot drift from the product. The one thing done
// differently is the start: the server is started here (on a free port, with a fresh data directory) instead of by
// the README's `npm start`, and the README's `http://127.0.0.1:9330` and `./data/` are replaced by those.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startCognate, tempDir } from '../support/process.ts';
import { extractSteps, outputsByStep, ReadmeFormatError, sessionScript, substitute, type Step } from './blocks.ts';

const root = new URL('../../', import.meta.url).pathname;
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const aws = spawnSync('aws', ['--version'], { encoding: 'utf8' });
const noAws = aws.status === 0 ? false : 'the aws CLI is not installed (the first session uses it)';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number) {
  return new Promise<{ code: number | string; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      resolve({ code: code ?? sig ?? -1, stdout, stderr });
    });
  });
}

test('the README marks its first session for this test: shell steps, the files they run, and what they print', () => {
  const steps = extractSteps(readme);
  assert.ok(steps.filter((s) => s.kind === 'sh').length >= 3, 'shell steps');
  assert.deepEqual(
    steps.filter((s) => s.kind === 'file').map((s) => (s as { name: string }).name),
    ['signup.mjs', 'signin.mjs', 'verify.mjs', 'admin.mjs'],
  );
  assert.ok(steps.some((s) => s.kind === 'output'), 'an expected output');
  assert.match(readme, /npm install && npm start/);
  // A marker without its block is a README mistake, said as one.
  assert.throws(() => extractSteps('<!-- readme-test: sh -->\n\n```sh\necho\n```\n'), ReadmeFormatError);
  assert.throws(() => extractSteps('<!-- readme-test: output -->\n```\nx\n```\n'), ReadmeFormatError);
});

test("package.json's description claims no Cognito service that Cognate does not serve", async () => {
  const { allOperations } = await import('../../src/operations.ts');
  const served = new Set<string>(allOperations.map((o) => o.service));
  const { description } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { description: string };
  const claims: Record<string, RegExp> = { 'cognito-idp': /user pools/i, 'cognito-identity': /identity pools/i, 'cognito-sync': /\bsync\b/i };
  for (const [service, named] of Object.entries(claims))
    if (!served.has(service)) assert.doesNotMatch(description, named, `${service} is not served`);
});

test('the README\'s first session runs top to bottom: pool, public client, sign-up, the code from the outbox, SRP sign-in, token verified', { skip: noAws, timeout: 180_000 }, async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const home = tempDir('cognate-readme-');
  const dataDir = join(home, 'data');
  // No admin key from this machine's environment: the server generates one into the data directory, as on a first start.
  const server = await startCognate(['--port', String(port), '--data-dir', dataDir, '--workers', '1'], {
    COGNATE_ADMIN_ACCESS_KEY_ID: '',
    COGNATE_ADMIN_SECRET_ACCESS_KEY: '',
  });
  // The session's directory: inside the clone, as the reader's is, so `npx cognate` and the imports resolve.
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const work = mkdtempSync(join(root, '.tmp', 'readme-'));
  try {
    const steps: Step[] = substitute(extractSteps(readme), { 'http://127.0.0.1:9330': url, './data/': `${dataDir}/` });
    for (const s of steps) {
      assert.doesNotMatch(s.code, /:9330\b/, `README line ${s.line}: a server address other than http://127.0.0.1:9330`);
      if (s.kind === 'file') writeFileSync(join(work, s.name), s.code);
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // `npx cognate outbox` finds the server and its data directory as it would with the defaults
      COGNATE_PORT: String(port),
      COGNATE_DATA_DIR: dataDir,
      // nothing from this machine's AWS setup
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    };
    const unset = ['AWS_ENDPOINT_URL', 'AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION'];
    unset.push('AWS_DEFAULT_REGION', 'NODE_TEST_CONTEXT', 'NODE_OPTIONS', 'COGNATE_ADMIN_ACCESS_KEY_ID', 'COGNATE_ADMIN_SECRET_ACCESS_KEY');
    unset.push('COGNATE_PUBLIC_URL', 'COGNATE_HOST', 'COGNATE_REGION');
    for (const k of unset) delete env[k];

    const run = await bash(sessionScript(steps), work, env, 150_000);
    const outputs = outputsByStep(run.stdout);
    const reached = Math.max(-1, ...outputs.keys());
    const at = steps[reached]?.line;
    assert.equal(run.code, 0, `the session failed in the shell step at README line ${at}:\n${run.stderr}\nstdout:\n${run.stdout}\nserver stderr:\n${server.stderr()}`);
    steps.forEach((s, i) => {
      if (s.kind !== 'output') return;
      const printed = outputs.get(i - 1) ?? '';
      for (const line of s.code.trim().split('\n'))
        assert.ok(printed.split('\n').some((l) => l.trim() === line.trim()), `README line ${s.line}: expected "${line}", the step printed:\n${printed}`);
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
});
