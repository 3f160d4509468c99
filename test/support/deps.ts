// Test support: Deps over in-memory SQLite and a config with every setting at its default, and argon2id at a test
// cost.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { assembleDeps, type Deps } from '../../src/deps.ts';
import { systemClock } from '../../src/runtime/clock.ts';
import { argon2Hasher } from '../../src/runtime/hashing.ts';
import { memoryLogger } from '../../src/runtime/logger.ts';
import { cryptoRandom } from '../../src/runtime/random.ts';
import { secretBox } from '../../src/runtime/secrets.ts';
import { openSqliteStore } from '../../src/storage/sqlite/index.ts';
import { testRsaKeyPair } from './rsa-keys.ts';

/** Defaults for tests: every setting at its default, overridden by `over`. */
export function testConfig(over: Partial<Config> = {}): Config {
  const { config } = loadConfig([], {});
  return { ...config, logLevel: 'error', ...over };
}

/**
 * argon2id at the lowest cost it allows (64 KiB, one pass) instead of the production 19 MiB and two passes: the
 * same algorithm, code and PHC strings, in a millisecond instead of tens. The production cost is asserted where it
 * matters (src/runtime/hashing.test.ts, test/sdk/enumeration.test.ts, and every test of a real process).
 */
export const TEST_ARGON2_PARAMETERS = { memoryCost: 64, timeCost: 1, parallelism: 1 } as const;

/** Deps for tests: in-memory SQLite (or the store given), fixed admin key, random master key, quiet logger, cheap argon2id. */
export async function makeTestDeps(
  over: Partial<Omit<Deps, 'config'>> & { config?: Partial<Config> } = {},
): Promise<Deps & { logger: ReturnType<typeof memoryLogger> }> {
  const config = testConfig({ dataDir: '/nonexistent', ...over.config });
  const store = over.store ?? openSqliteStore(':memory:');
  if (!over.store) await store.migrate();
  const secrets = over.secrets ?? secretBox(randomBytes(32));
  const admin = over.admin ?? { accessKeyId: 'AKIDTESTADMIN0000001', secretAccessKey: 'test-admin-secret-key-0000000000000000000' };
  const clock = over.clock ?? systemClock;
  // User pools' RSA signing keys from a stock of distinct ones instead of generated (test/support/rsa-keys.ts).
  const random = { ...(over.random ?? cryptoRandom), rsaKeyPair: testRsaKeyPair };
  const logger = memoryLogger();
  const hashing = over.hashing ?? argon2Hasher(undefined, TEST_ARGON2_PARAMETERS);
  return assembleDeps({ config, store, clock, random, logger, secrets, admin }, { ...over, hashing });
}
