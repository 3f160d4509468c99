// A test server on the store under test: SQLite, or PostgreSQL in a schema of its own (dropped on close) when
// COGNATE_TEST_DATABASE_URL is set.
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '../../src/storage/postgres/index.ts';
import type { Clock } from '../../src/runtime/clock.ts';
import type { Config } from '../../src/config/schema.ts';
import { startTestServer, type TestServer } from './server.ts';

export const pgUrl = process.env.COGNATE_TEST_DATABASE_URL;

export async function startServerOnStoreUnderTest(clock: Clock, schemaPrefix: string, poolSize = 2, config: Partial<Config> = {}): Promise<TestServer> {
  if (!pgUrl) return startTestServer({ clock, config });
  const schema = `${schemaPrefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const store = await openPostgresStore(pgUrl, { schema, poolSize });
  await store.migrate();
  const s = await startTestServer({ clock, store, config });
  const close = s.close.bind(s);
  return Object.assign(s, {
    async close() {
      await close();
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    },
  });
}

/**
 * Declares a test that the file's server runs on PostgreSQL: reported as skipped, with the reason, when
 * COGNATE_TEST_DATABASE_URL is not set (the file's tests then ran on SQLite only), or with `skip` when the file's
 * tests are skipped for a reason of their own (no server was started).
 */
export function testOnPostgres(server: () => TestServer, skip: string | false = false): void {
  test('runs on PostgreSQL', { skip: skip || (pgUrl ? false : 'COGNATE_TEST_DATABASE_URL is not set: ran on SQLite only') }, () => {
    assert.equal(server().deps.store.kind, 'postgres');
  });
}
