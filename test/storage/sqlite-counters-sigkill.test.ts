// The SQLite counters connection commits with synchronous=NORMAL: an acknowledged attempt must still survive SIGKILL
// of the process (its WAL frames are written before the commit returns; only a power loss could take them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/storage/sqlite/index.ts';
import { tempDir } from '../support/process.ts';

const root = new URL('../../', import.meta.url).pathname;
const T0 = 1_722_000_000_000;

test('attempts acknowledged through the counters connection survive SIGKILL of the process', async () => {
  const dir = tempDir('cognate-sigkill-');
  const path = join(dir, 'cognate.db');
  try {
    const setup = openSqliteStore(path);
    await setup.migrate();
    await setup.close();
    // The child takes three attempts, says so, and waits to be killed (never closing the store).
    const script = `
      import { openSqliteStore } from './src/storage/sqlite/index.ts';
      const store = openSqliteStore(${JSON.stringify(path)});
      for (let i = 0; i < 3; i++) await store.counters.takeAttempt('k', ${T0}, [0, 0, 0, 0, 1000], { key: 'use:' + i, windowMs: 60000 });
      process.stdout.write('taken\\n');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('taken') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    const exited = new Promise((r) => child.on('exit', (_code, signal) => r(signal)));
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    const again = openSqliteStore(path);
    await again.migrate();
    assert.deepEqual(await again.counters.getLockout('k'), { failures: 3, lockedUntil: 0 });
    assert.equal(await again.counters.peek('use:2', T0), 1);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
