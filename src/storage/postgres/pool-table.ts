// The SQL user pools and identity pools share: each is a table of (id, name, arn, times, version, settings, tags),
// created counted under an advisory lock, read by id, listed in (created_at, id) order, updated on the version.
import type pg from 'pg';
import { cursorArgs, page } from '../pages.ts';
import type { CreateResult } from '../interfaces/create-result.ts';
import type { Page, PoolRecord } from '../records.ts';
import { json, LOCK, num, type PgDb, type Row } from './db.ts';

type PoolLike = Omit<PoolRecord, 'settings'> & { settings: unknown };

export interface PoolTable<T extends PoolLike> {
  /** Inserts `p` unless `max` rows exist, then runs `also` in the same transaction. */
  create(p: T, max: number, also?: (c: pg.PoolClient) => Promise<void>): Promise<CreateResult>;
  get(id: string): Promise<T | null>;
  list(limit: number, cursor?: string): Promise<Page<T>>;
  update(p: T): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  count(): Promise<number>;
}

export function pgPoolTable<T extends PoolLike>({ tx, one, all, changed }: PgDb, table: 'pools' | 'identity_pools', map: (r: Row) => T): PoolTable<T> {
  return {
    create(p, max, also) {
      // The advisory lock serialises creators across every process, so count-then-insert cannot overshoot.
      return tx(async (c) => {
        await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, [table]);
        const { rows: counted } = await c.query(`SELECT count(*) AS n FROM ${table}`);
        if (num(counted[0].n) >= max) return 'limit' as const;
        await c.query(
          `INSERT INTO ${table} (id, name, arn, created_at, updated_at, version, settings, tags)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb)`,
          [p.id, p.name, p.arn, p.createdAt, p.updatedAt, p.version, json(p.settings), json(p.tags)],
        );
        await also?.(c);
        return 'ok' as const;
      });
    },
    async get(id) {
      const r = await one(`SELECT * FROM ${table} WHERE id = $1`, [id]);
      return r ? map(r) : null;
    },
    async list(limit, cursor) {
      const [t, id] = cursorArgs(cursor);
      const found = await all(`SELECT * FROM ${table} WHERE (created_at, id) > ($1, $2) ORDER BY created_at, id LIMIT $3`, [t, id, limit + 1]);
      return page(found.map(map), limit, (p) => p.id);
    },
    update(p) {
      return changed(
        `UPDATE ${table} SET name = $1, updated_at = $2, version = $3, settings = $4::jsonb, tags = $5::jsonb
         WHERE id = $6 AND version = $7`,
        [p.name, p.updatedAt, p.version, json(p.settings), json(p.tags), p.id, p.version - 1],
      );
    },
    delete(id) {
      return changed(`DELETE FROM ${table} WHERE id = $1`, [id]);
    },
    async count() {
      return num((await one(`SELECT count(*) AS n FROM ${table}`, []))!.n);
    },
  };
}
