// Start-up refusals on a real process: one line `cognate: <message>` on stderr, no stack trace, a non-zero exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCognate, tempDir } from '../support/process.ts';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');

function oneLine(stderr: string, pattern: RegExp) {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line:\n${stderr}`);
  assert.match(lines[0]!, /^cognate: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(stderr, /\n\s+at /);
}

test('another master key on a database sealed with one: one line, exit 1', async () => {
  const dir = tempDir();
  // rotate-keys opens the store (sealing it to key A) and then refuses the unknown pool.
  const first = await runCognate(['rotate-keys', '--pool-id', 'us-east-1_nope', '--data-dir', dir], { COGNATE_MASTER_KEY: KEY_A });
  assert.equal(first.code, 1, first.stderr);
  const r = await runCognate(['--port', '0', '--data-dir', dir], { COGNATE_MASTER_KEY: KEY_B });
  assert.equal(r.code, 1);
  oneLine(r.stderr, /sealed with master key \w+, but this server has \w+/);
});

test('a malformed master key: one line, exit 1', async () => {
  const r = await runCognate(['--port', '0', '--data-dir', tempDir()], { COGNATE_MASTER_KEY: 'too-short' });
  assert.equal(r.code, 1);
  oneLine(r.stderr, /COGNATE_MASTER_KEY must be 32 bytes/);
});

test('half an admin key pair in the environment: one line, exit 2 like any configuration error', async () => {
  const r = await runCognate(['--port', '0', '--data-dir', tempDir()], { COGNATE_ADMIN_ACCESS_KEY_ID: 'AKIAHALF000000000001' });
  assert.equal(r.code, 2);
  oneLine(r.stderr, /must be given together/);
});

test('a bad --triggers file: one line, exit 2 like any configuration error', async () => {
  const dir = tempDir();
  const file = join(dir, 'triggers.json');
  writeFileSync(file, '{');
  const r = await runCognate(['--port', '0', '--data-dir', dir, '--triggers', file]);
  assert.equal(r.code, 2);
  oneLine(r.stderr, /--triggers .*triggers\.json: /);
});

test('a PostgreSQL that cannot be reached or has no such database: one line naming it without its password, exit 1', async () => {
  const closed = await runCognate(['--port', '0', '--workers', '1', '--database-url', 'postgres://u:s3cretpw@127.0.0.1:1/x', '--data-dir', tempDir()]);
  assert.equal(closed.code, 1);
  oneLine(closed.stderr, /^cognate: cannot use PostgreSQL 127\.0\.0\.1:1\/x: connect ECONNREFUSED .*--database-url/);
  assert.doesNotMatch(closed.stderr, /s3cretpw/);
  const migrate = await runCognate(['migrate', '--database-url', 'postgres://u:s3cretpw@127.0.0.1:1/x', '--data-dir', tempDir()]);
  assert.equal(migrate.code, 1);
  oneLine(migrate.stderr, /cannot use PostgreSQL 127\.0\.0\.1:1\/x/);
});
