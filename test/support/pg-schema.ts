// A fresh PostgreSQL schema for a test that also spawns `cognate serve` on it: the store (migrated), the database URL
// that puts a spawned server in that schema (search_path), and a cleanup that drops the schema.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore } from '../../src/storage/postgres/index.ts';
import type { Store } from '../../src/storage/store.ts';

export async function freshPostgresSchema(pgUrl: string, prefix: string): Promise<{ store: Store; url: string; drop(): Promise<void> }> {
  const schema = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const store = await openPostgresStore(pgUrl, { schema });
  await store.migrate();
  const url = new URL(pgUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    store,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    },
  };
}
