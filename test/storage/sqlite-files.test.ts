// The SQLite files on disk are the owner's alone: the data directory 0700, the database and its WAL and SHM 0600,
// whatever the umask (they hold every user's attributes, password hashes and sealed secrets).
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteStore } from '../../src/storage/sqlite/index.ts';
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
