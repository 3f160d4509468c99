// The production argon2id cost: what argon2Hasher() and the server's deps hash with. (Tests elsewhere hash at a
// cheap cost of their own, test/support/deps.ts; this is where the real one is held.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { assembleDeps } from '../deps.ts';
import { openSqliteStore } from '../storage/sqlite/index.ts';
import { testConfig } from '../../test/support/deps.ts';
import { systemClock } from './clock.ts';
import { argon2Hasher } from './hashing.ts';
import { memoryLogger } from './logger.ts';
import { cryptoRandom } from './random.ts';
import { secretBox } from './secrets.ts';

const PRODUCTION = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/;

test('argon2Hasher() hashes with argon2id at 19 MiB, two passes, one lane (OWASP), and verifies what it hashed', async () => {
  const hasher = argon2Hasher();
  const phc = await hasher.hash('correct horse');
  assert.match(phc, PRODUCTION);
  assert.equal(await hasher.verify(phc, 'correct horse'), true);
  assert.equal(await hasher.verify(phc, 'wrong horse'), false);
  assert.equal(await hasher.verify('not a hash', 'correct horse'), false);
});

test('the deps a server is assembled from hash at the production cost unless told otherwise', async () => {
  const store = openSqliteStore(':memory:');
  await store.migrate();
  try {
    const deps = assembleDeps({
      config: testConfig(),
      store,
      clock: systemClock,
      random: cryptoRandom,
      logger: memoryLogger(),
      secrets: secretBox(randomBytes(32)),
      admin: { accessKeyId: 'AKIDTESTADMIN0000001', secretAccessKey: 'test-admin-secret-key-0000000000000000000' },
    });
    assert.match(await deps.hashing.hash('correct horse'), PRODUCTION);
  } finally {
    await store.close();
  }
});
