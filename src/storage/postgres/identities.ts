// PostgreSQL identities: as sqlite/identities.ts; the identity for a login is found or made under an advisory lock
// on that login, so concurrent first sign-ins (any process) answer one identity.
import type { IdentityRecord, IdentityStore } from '../interfaces/identities.ts';
import { cursorArgs, page } from '../pages.ts';
import { identityOf } from '../sqlite/identities.ts';
import { LOCK, type PgDb } from './db.ts';
import type pg from 'pg';

const of = (r: Record<string, unknown>) => identityOf(r, JSON.parse(r.logins as string));

async function insert(c: Pick<pg.PoolClient, 'query'>, i: IdentityRecord): Promise<void> {
  await c.query('INSERT INTO identities (id, pool_id, created_at, modified_at, logins) VALUES ($1, $2, $3, $4, $5)', [
    i.id,
    i.poolId,
    i.createdAt,
    i.modifiedAt,
    JSON.stringify(i.logins),
  ]);
}

export function pgIdentities({ pool, tx, one, all }: PgDb): IdentityStore {
  return {
    async create(i) {
      await insert(pool, i);
    },
    forLogin(fresh, provider, userId) {
      return tx(async (c) => {
        await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, [JSON.stringify(['identity_login', fresh.poolId, provider, userId])]);
        const { rows: linked } = await c.query(
          'SELECT i.* FROM identity_logins l JOIN identities i ON i.id = l.identity_id WHERE l.pool_id = $1 AND l.provider = $2 AND l.user_id = $3',
          [fresh.poolId, provider, userId],
        );
        if (linked.length) return of(linked[0]);
        const made = { ...fresh, logins: [provider] };
        await insert(c, made);
        await c.query('INSERT INTO identity_logins (pool_id, provider, user_id, identity_id) VALUES ($1, $2, $3, $4)', [fresh.poolId, provider, userId, fresh.id]);
        return made;
      });
    },
    link(id, provider, userId, now) {
      return tx(async (c) => {
        const { rows: found } = await c.query('SELECT * FROM identities WHERE id = $1 FOR UPDATE', [id]);
        if (!found.length) return null;
        const poolId = found[0].pool_id as string;
        // the same lock as forLogin's: a first sign-in and a guest's link of one login never both insert it
        await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, [JSON.stringify(['identity_login', poolId, provider, userId])]);
        const { rows: linked } = await c.query(
          'SELECT i.* FROM identity_logins l JOIN identities i ON i.id = l.identity_id WHERE l.pool_id = $1 AND l.provider = $2 AND l.user_id = $3',
          [poolId, provider, userId],
        );
        if (linked.length) return of(linked[0]);
        await c.query('INSERT INTO identity_logins (pool_id, provider, user_id, identity_id) VALUES ($1, $2, $3, $4)', [poolId, provider, userId, id]);
        const logins = [...(JSON.parse(found[0].logins) as string[]).filter((p) => p !== provider), provider];
        await c.query('UPDATE identities SET logins = $1, modified_at = $2 WHERE id = $3', [JSON.stringify(logins), now, id]);
        return identityOf({ ...found[0], modified_at: now }, logins);
      });
    },
    async get(id) {
      const r = await one('SELECT * FROM identities WHERE id = $1', [id]);
      return r ? of(r) : null;
    },
    async linked(poolId, provider, userId) {
      const r = await one('SELECT identity_id FROM identity_logins WHERE pool_id = $1 AND provider = $2 AND user_id = $3', [poolId, provider, userId]);
      return r ? (r.identity_id as string) : null;
    },
    unlink(id, providers, now) {
      return tx(async (c) => {
        const { rows: found } = await c.query('SELECT * FROM identities WHERE id = $1 FOR UPDATE', [id]);
        if (!found.length) return null;
        await c.query('DELETE FROM identity_logins WHERE identity_id = $1 AND provider = ANY($2::text[])', [id, providers]);
        const logins = (JSON.parse(found[0].logins) as string[]).filter((p) => !providers.includes(p));
        await c.query('UPDATE identities SET logins = $1, modified_at = $2 WHERE id = $3', [JSON.stringify(logins), now, id]);
        return identityOf({ ...found[0], modified_at: now }, logins);
      });
    },
    async list(poolId, limit, cursor) {
      const [t, id] = cursorArgs(cursor);
      const found = await all(
        'SELECT * FROM identities WHERE pool_id = $1 AND (created_at, id) > ($2, $3) ORDER BY created_at, id LIMIT $4',
        [poolId, t, id, limit + 1],
      );
      return page(found.map(of), limit, (i) => i.id);
    },
    delete(id) {
      return tx(async (c) => {
        await c.query('DELETE FROM identity_logins WHERE identity_id = $1', [id]);
        const r = await c.query('DELETE FROM identities WHERE id = $1', [id]);
        return r.rowCount === 1;
      });
    },
  };
}
