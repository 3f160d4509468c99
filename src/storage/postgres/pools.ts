// PostgreSQL user pools: create counted under an advisory lock (with the first signing keys), versioned update, paged list.
import { cursorArgs, page } from '../pages.ts';
import type { PoolStore } from '../store.ts';
import { json, LOCK, num, rows, type PgDb } from './db.ts';
import { insertKeys } from './keys.ts';

export function pgPools({ tx, one, all, changed }: PgDb): PoolStore {
  return {
    create(p, keys, maxPools) {
      // The advisory lock serialises creators across every process, so count-then-insert cannot overshoot.
      return tx(async (c) => {
        await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, ['pools']);
        const { rows: counted } = await c.query('SELECT count(*) AS n FROM pools');
        if (num(counted[0].n) >= maxPools) return 'limit' as const;
        await c.query(
          `INSERT INTO pools (id, name, arn, created_at, updated_at, version, settings, tags)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb)`,
          [p.id, p.name, p.arn, p.createdAt, p.updatedAt, p.version, json(p.settings), json(p.tags)],
        );
        await insertKeys(c, keys);
        return 'ok' as const;
      });
    },
    async get(id) {
      const r = await one('SELECT * FROM pools WHERE id = $1', [id]);
      return r ? rows.pool(r) : null;
    },
    async list(limit, cursor) {
      const [t, id] = cursorArgs(cursor);
      const found = await all('SELECT * FROM pools WHERE (created_at, id) > ($1, $2) ORDER BY created_at, id LIMIT $3', [t, id, limit + 1]);
      return page(found.map(rows.pool), limit, (p) => p.id);
    },
    update(p) {
      return changed(
        `UPDATE pools SET name = $1, updated_at = $2, version = $3, settings = $4::jsonb, tags = $5::jsonb
         WHERE id = $6 AND version = $7`,
        [p.name, p.updatedAt, p.version, json(p.settings), json(p.tags), p.id, p.version - 1],
      );
    },
    delete(id) {
      return changed('DELETE FROM pools WHERE id = $1', [id]);
    },
    async count() {
      return num((await one('SELECT count(*) AS n FROM pools', []))!.n);
    },
  };
}
