// Test support: Deps over in-memory SQLite and a config with every setting at its default.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { assembleDeps, type Deps } from '../../src/deps.ts';
import { systemClock } from '../../src/runtime/clock.ts';
import { memoryLogger } from '../../src/runtime/logger.ts';
import { cryptoRandom } from '../../src/runtime/random.ts';
import { secretBox } from '../../src/runtime/secrets.ts';
import { openSqliteStore } from '../../src/storage/sqlite/index.ts';

/** Defaults for tests: every setting at its default, overridden by `over`. */
export function testConfig(over: Partial<Config> = {}): Config {
  const { config } = loadConfig([], {});
  return { ...config, logLevel: 'error', ...over };
}

/** Deps for tests: in-memory SQLite (or the store given), fixed admin key, random master key, quiet logger. */
export async function makeTestDeps(
  over: Partial<Omit<Deps, 'config'>> & { config?: Partial<Config> } = {},
): Promise<Deps & { logger: ReturnType<typeof memoryLogger> }> {
  const config = testConfig({ dataDir: '/nonexistent', ...over.config });
  const store = over.store ?? openSqliteStore(':memory:');
  if (!over.store) await store.migrate();
  const secrets = over.secrets ?? secretBox(randomBytes(32));
  const admin = over.admin ?? { accessKeyId: 'AKIDTESTADMIN0000001', secretAccessKey: 'test-admin-secret-key-0000000000000000000' };
  const clock = over.clock ?? systemClock;
  const random = over.random ?? cryptoRandom;
  const logger = memoryLogger();
  return assembleDeps({ config, store, clock, random, logger, secrets, admin }, over);
}
