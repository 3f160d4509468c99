// The `cognate` command line: help generated from the settings schema, refusals of mistyped flags and commands
// with a suggestion (exit 2), --version, one-line start refusals (exit 1), and `cognate outbox` reading a code
// from a running server signed with the admin key in the data directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { spawn } from 'node:child_process';
import { CognitoIdentityProviderClient, CreateUserPoolClientCommand, CreateUserPoolCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { settings } from '../../src/config/schema.ts';
import { runCognate, startCognate, tempDir } from '../support/process.ts';

test('--help, -h and `help` list every command and every setting with its flag, environment variable and default', async () => {
  for (const args of [['--help'], ['-h'], ['help']]) {
    const r = await runCognate(args);
    assert.equal(r.code, 0, r.stderr);
    for (const cmd of ['serve', 'migrate', 'rotate-keys', 'identity-key', 'outbox']) assert.match(r.stdout, new RegExp(`^  ${cmd}\\b`, 'm'), cmd);
    for (const s of settings) {
      if (s.flag) assert.ok(r.stdout.includes(s.flag), `${s.flag} missing from ${args.join(' ')}`);
      if (s.env) assert.ok(r.stdout.includes(s.env), `${s.env} missing`);
      if (s.default !== undefined && s.default !== false) assert.ok(r.stdout.includes(`default ${s.default}`), `default of ${s.key}`);
    }
    assert.doesNotMatch(r.stdout, /listening/);
  }
});

test('a command with --help shows its own flags and does not run', async () => {
  const r = await runCognate(['rotate-keys', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^usage: cognate rotate-keys --pool-id POOL_ID \[--revoke\]/);
  assert.match(r.stdout, /--revoke\s+retire the old keys now/);
  const o = await runCognate(['outbox', '-h']);
  assert.match(o.stdout, /--to ADDRESS/);
  assert.match(o.stdout, /--follow/);
});

test('mistyped flags and commands are refused in one line with a suggestion, exit 2, and nothing starts', async () => {
  const dir = tempDir();
  const cases: [string[], RegExp][] = [
    [['--prot', '9999'], /^cognate: unknown flag '--prot' \(did you mean --port\?\)/],
    [['--bogus'], /^cognate: unknown flag '--bogus'; `cognate --help` lists them/],
    [['--data-dri', dir], /did you mean --data-dir\?/],
    [['serv'], /^cognate: unknown command 'serv' \(did you mean serve\?\)/],
    [['migrate', '--to', 'a@example.com'], /--to belongs to `cognate outbox`/],
    [['-x'], /unknown flag '-x'/],
  ];
  for (const [args, message] of cases) {
    const r = await runCognate([...args, '--data-dir', dir]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stdout, /listening/);
  }
});

test('--version prints the package version', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const r = await runCognate(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), `cognate ${pkg.version}`);
});

test('a busy port is refused in one line naming --port, exit 1, no stack trace', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as { port: number }).port;
  try {
    for (const workers of ['1', '2']) {
      const r = await runCognate(['--port', String(port), '--data-dir', tempDir(), '--workers', workers]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`^cognate: port ${port} on 127.0.0.1 is already in use .*--port N$`, 'm'));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  } finally {
    holder.close();
  }
});

test('the start banner says the region, store, workers, mode and where the admin key lives', async () => {
  const dataDir = tempDir();
  const s = await startCognate(['--data-dir', dataDir, '--workers', '1', '--region', 'eu-west-1']);
  try {
    const banner = s.stdout().slice(s.stdout().indexOf('Cognate listening on'));
    assert.match(banner, /^Cognate listening on http:\/\/127\.0\.0\.1:\d+\n/);
    assert.match(banner, /region eu-west-1/);
    assert.ok(banner.includes(`store SQLite ${dataDir}/cognate.db`), banner);
    assert.match(banner, /1 worker /);
    assert.match(banner, /production mode/);
    assert.ok(banner.includes(`admin key in ${dataDir}/admin-credentials.json`), banner);
    // Started with --port 0: the issuer base says the port the system picked, not :0.
    assert.ok(banner.includes(`issuer base ${s.url}`), banner);
  } finally {
    await s.stop();
  }
});

test('cognate outbox --to ADDRESS prints the confirmation code, signed with the admin key from the data directory', async () => {
  const dataDir = tempDir();
  const s = await startCognate(['--data-dir', dataDir, '--workers', '1']);
  try {
    const port = new URL(s.url).port;
    const creds = JSON.parse(readFileSync(`${dataDir}/admin-credentials.json`, 'utf8'));
    const idp = new CognitoIdentityProviderClient({ endpoint: s.url, region: 'us-east-1', credentials: creds });
    const pool = await idp.send(new CreateUserPoolCommand({ PoolName: 'cli', AutoVerifiedAttributes: ['email'] }));
    const client = await idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool.UserPool!.Id!, ClientName: 'web' }));
    // The server was started with --port 0: issuers name the port it listens on.
    const discovery = (await (await fetch(`${s.url}/${pool.UserPool!.Id}/.well-known/openid-configuration`)).json()) as { issuer: string };
    assert.equal(discovery.issuer, `${s.url}/${pool.UserPool!.Id}`);
    const empty = await runCognate(['outbox', '--to', 'newcomer@example.com', '--data-dir', dataDir, '--port', port]);
    assert.equal(empty.code, 0, empty.stderr);
    assert.match(empty.stdout, /no messages to newcomer@example\.com/);

    // --follow prints messages as they arrive, until stopped.
    const follow = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'outbox', '--follow', '--to', 'newcomer@example.com', '--data-dir', dataDir, '--port', port], {
      cwd: new URL('../../', import.meta.url).pathname,
    });
    let followed = '';
    follow.stdout.on('data', (d) => (followed += d));
    const followedCode = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`--follow printed no code: ${followed}`)), 30_000);
      follow.stdout.on('data', () => {
        const m = /^  code: (\d{6})$/m.exec(followed);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    await new Promise((r) => setTimeout(r, 3000)); // let it take its first look at an empty outbox

    await idp.send(
      new SignUpCommand({
        ClientId: client.UserPoolClient!.ClientId!,
        Username: 'newcomer@example.com',
        Password: 'Passw0rd!long',
        UserAttributes: [{ Name: 'email', Value: 'newcomer@example.com' }],
      }),
    );
    const fromFollow = await followedCode.finally(() => follow.kill('SIGINT'));
    const r = await runCognate(['outbox', '--to', 'newcomer@example.com', '--data-dir', dataDir, '--port', port]);
    assert.equal(r.code, 0, r.stderr);
    const code = /^  code: (\d{6})$/m.exec(r.stdout)?.[1];
    assert.equal(fromFollow, code, '--follow printed the same code');
    assert.ok(code, r.stdout);
    assert.ok(r.stdout.includes(code), 'the code is in the printed body');
    assert.match(r.stdout, /to newcomer@example\.com/);

    // Another data directory holds another key: the server refuses it, and the command says so in one line.
    const other = tempDir();
    const s2 = await startCognate(['--data-dir', other, '--workers', '1']);
    await s2.stop();
    const refused = await runCognate(['outbox', '--data-dir', other, '--port', port]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^cognate: the server refused: \w+/);
    const none = await runCognate(['outbox', '--data-dir', tempDir(), '--port', port]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^cognate: no admin key in .*start the server first/);
  } finally {
    await s.stop();
  }
});
