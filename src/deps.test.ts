// makeDeps on a real data directory: a new one is private, an existing one others can read is reported.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeDeps } from './deps.ts';
import { memoryLogger } from './runtime/logger.ts';
import { testConfig } from '../test/support/deps.ts';

test('makeDeps creates the data directory 0700 and its files 0600; an existing directory others can enter is warned about', async (t) => {
  const old = process.umask(0o022);
  t.after(() => process.umask(old));
  const root = mkdtempSync(join(tmpdir(), 'cognate-deps-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dataDir = join(root, 'data');
  const quiet = memoryLogger();
  const { deps } = await makeDeps(testConfig({ dataDir }), { logger: quiet });
  await deps.store.close();
  assert.equal(statSync(dataDir).mode & 0o777, 0o700);
  for (const f of ['cognate.db', 'master.key', 'admin-credentials.json']) assert.equal(statSync(join(dataDir, f)).mode & 0o777, 0o600, f);
  assert.deepEqual(quiet.entries.filter((e) => e.level === 'warn'), []);

  chmodSync(dataDir, 0o755); // as earlier versions created it: left as the operator has it, but said
  const logger = memoryLogger();
  const again = await makeDeps(testConfig({ dataDir }), { logger });
  await again.deps.store.close();
  assert.equal(statSync(dataDir).mode & 0o777, 0o755);
  const warned = logger.entries.find((e) => e.level === 'warn' && /data directory/.test(e.msg));
  assert.ok(warned, JSON.stringify(logger.entries));
  assert.equal(warned.fields?.mode, '0755');
});
