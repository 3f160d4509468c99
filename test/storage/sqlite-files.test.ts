// The SQLite files on disk are the owner's alone: the data directory 0700, the database and its WAL and SHM 0600,
// whatever the umask (they hold every user's attributes, password hashes and sealed secrets). And a copy of them
// holds no code or temporary password in plain text: the outbox is sealed, and migration 6 leaves no trace of the
// plaintext outbox an earlier version kept.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import {
  AdminCreateUserCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { readOutbox } from '../../src/runtime/delivery.ts';
import { migrations } from '../../src/storage/sqlite/migrations.ts';
import { openSqliteStore } from '../../src/storage/sqlite/index.ts';
import { startTestServer } from '../support/server.ts';
import { pool } from './contract/index.ts';

const modeOf = (path: string) => statSync(path).mode & 0o777;

test('sqlite: a new data directory is 0700 and the database, WAL and SHM files 0600, under a permissive umask', async (t) => {
  const old = process.umask(0o002);
  t.after(() => process.umask(old));
  const root = mkdtempSync(join(tmpdir(), 'cognate-modes-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'data');
  const file = join(dir, 'cognate.db');
  const store = openSqliteStore(file);
  try {
    await store.migrate();
    await store.pools.create(pool('p1'), [], 10); // a write, so that the WAL has content
    assert.equal(modeOf(dir), 0o700);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      assert.ok(existsSync(f), `${f} exists`);
      assert.equal(modeOf(f), 0o600, `${f} is 0600`);
    }
  } finally {
    await store.close();
  }
});

test('sqlite: database files an earlier version left readable by others are made 0600 on open', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'cognate-modes-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const file = join(root, 'cognate.db');
  const first = openSqliteStore(file);
  await first.migrate();
  await first.close();
  chmodSync(file, 0o644);
  writeFileSync(`${file}-wal`, '');
  chmodSync(`${file}-wal`, 0o644);
  const store = openSqliteStore(file);
  try {
    await store.migrate();
    await store.pools.create(pool('p1'), [], 10);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) assert.equal(modeOf(f), 0o600, `${f} is 0600`);
  } finally {
    await store.close();
  }
});

/** The raw bytes of the database file and its WAL (when there is one), as a copy of the data directory would have. */
function rawFiles(file: string): Buffer {
  return Buffer.concat([file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
}

const holds = (bytes: Buffer, text: string) => bytes.includes(Buffer.from(text, 'utf8'));

test('sqlite: the database and WAL files hold no code and no temporary password in plain text', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'cognate-plain-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const file = join(root, 'cognate.db');
  const store = openSqliteStore(file);
  await store.migrate();
  // --dev, so that every message is kept in the outbox (the most that is ever stored).
  const s = await startTestServer({ store, config: { dev: true } });
  try {
    const poolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'files', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
    const clientId = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }))).UserPoolClient!.ClientId!;
    const email = 'ann@example.com';
    await s.idp.send(
      new SignUpCommand({ ClientId: clientId, Username: 'ann', Password: 'Passw0rd!', UserAttributes: [{ Name: 'email', Value: email }] }),
    );
    const signUpCode = /\d{6}/.exec((await readOutbox(s.deps, email, 1))[0]!.body)![0];
    await s.idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'ann', ConfirmationCode: signUpCode }));
    await s.idp.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'ann' }));
    const resetCode = /\d{6}/.exec((await readOutbox(s.deps, email, 1))[0]!.body)![0];
    const temporary = 'Temp-Plain-Pass-7361';
    await s.idp.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'bob',
        TemporaryPassword: temporary,
        UserAttributes: [{ Name: 'email', Value: 'bob@example.com' }],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    assert.match((await readOutbox(s.deps, 'bob@example.com', 1))[0]!.body, new RegExp(temporary), 'the invitation is kept');

    const bytes = rawFiles(file);
    assert.ok(holds(bytes, email), 'the files were read (they hold the email address)');
    for (const secret of [signUpCode, resetCode, temporary, `is ${signUpCode}`, `is ${temporary}`])
      assert.equal(holds(bytes, secret), false, `the files do not hold ${JSON.stringify(secret)}`);
  } finally {
    await s.close();
  }
});

test('sqlite: migration 6 drops the plaintext outbox of an earlier version and leaves no copy in the file or the WAL', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'cognate-plain-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const file = join(root, 'cognate.db');
  // A database as version 5 left it, written without secure_delete: a kept message, and one deleted earlier whose
  // text is still in a free page (the end of a long body, in an overflow page).
  const old = new Database(file);
  old.pragma('journal_mode = WAL');
  old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  for (const m of migrations.filter((m) => m.version <= 5)) {
    old.exec(m.sql);
    old.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, 0);
  }
  const add = old.prepare(`INSERT INTO outbox (id, pool_id, channel, to_address, subject, body, sent_at, delivery) VALUES (?, NULL, 'email', ?, ?, ?, 0, 'outbox-only')`);
  add.run('kept', 'ann@example.com', 'Your temporary password', 'Your username is ann and temporary password is Old-Plain-Pass-4410.');
  add.run('gone', 'bob@example.com', 'Your verification code', `${'padding '.repeat(6000)}Your verification code is 918273.`);
  old.prepare("DELETE FROM outbox WHERE id = 'gone'").run();
  old.close();
  const before = rawFiles(file);
  assert.ok(holds(before, 'Old-Plain-Pass-4410'), 'the old file holds the kept plaintext');
  assert.ok(holds(before, 'Your verification code is 918273'), 'and the deleted one, in a free page');

  const store = openSqliteStore(file);
  try {
    // 6 and every later migration apply
    assert.deepEqual(await store.migrate(), migrations.filter((m) => m.version > 5).map((m) => m.version));
    assert.equal(migrations.find((m) => m.version === 6)?.name.startsWith('outbox sealed'), true);
    assert.deepEqual(await store.outbox.list(undefined, 10, 0), [], 'the plaintext rows are dropped');
    const after = rawFiles(file);
    for (const secret of ['Old-Plain-Pass-4410', '918273', 'Your temporary password', 'Your verification code'])
      assert.equal(holds(after, secret), false, `no copy of ${JSON.stringify(secret)} is left`);
  } finally {
    await store.close();
  }
});
