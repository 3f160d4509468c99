// PostgreSQL identities: as sqlite/identities.ts; the identity for a login is found or made under an advisory lock
// on that login, so concurrent first sign-ins (any process) answer one identity.
import { pgDropDatasets, pgMoveDatasets } from './datasets.ts';
import type { IdentityRecord, IdentityStore, LinkOutcome } from '../interfaces/identities.ts';
import { planLink, type StoredLink } from '../identity-links.ts';
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

async function setLogins(c: Pick<pg.PoolClient, 'query'>, id: string, logins: string[], now: number): Promise<void> {
  await c.query('UPDATE identities SET logins = $1, modified_at = $2 WHERE id = $3', [JSON.stringify(logins), now, id]);
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
    async link(fresh, logins, maxLogins, now) {
      const providers = logins.map((l) => l.provider);
      const users = logins.map((l) => l.userId);
      const holdersOf = (c: Pick<pg.PoolClient, 'query'>) =>
        c.query(
          'SELECT DISTINCT identity_id FROM identity_logins WHERE pool_id = $1 AND (provider, user_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))',
          [fresh.poolId, providers, users],
        );
      // Most calls find every login linked to one identity already: answered without a lock.
      const { rows: seen } = await holdersOf(pool);
      if (seen.length === 1) {
        const found = await one('SELECT * FROM identities WHERE id = $1', [seen[0].identity_id]);
        const held = await all('SELECT provider, user_id FROM identity_logins WHERE identity_id = $1', [seen[0].identity_id]);
        if (found && logins.every((l) => held.some((h) => h.provider === l.provider && h.user_id === l.userId))) return { identity: of(found) };
      }
      // A change: one writer per pool at a time (a merge moves logins this call did not name), also against forLogin's
      // single-login lock for each login.
      return tx(async (c): Promise<LinkOutcome> => {
        await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, [JSON.stringify(['identity_link', fresh.poolId])]);
        for (const l of [...logins].sort((a, b) => (a.provider < b.provider ? -1 : 1))) {
          await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, [JSON.stringify(['identity_login', fresh.poolId, l.provider, l.userId])]);
        }
        const ids = (await holdersOf(c)).rows.map((r) => r.identity_id as string);
        const { rows: found } = await c.query('SELECT * FROM identities WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [ids]);
        const { rows: held } = await c.query('SELECT provider, user_id, identity_id FROM identity_logins WHERE identity_id = ANY($1::text[])', [ids]);
        const links: StoredLink[] = held.map((r) => ({ provider: r.provider, userId: r.user_id, identityId: r.identity_id }));
        const plan = planLink(fresh, found.map(of), links, logins, maxLogins, now);
        if (plan.kind === 'refused') return plan.outcome;
        const { identity } = plan;
        if (plan.kind === 'found') return { identity };
        if (plan.kind === 'create') await insert(c, identity);
        else {
          await c.query('UPDATE identity_logins SET identity_id = $1 WHERE identity_id = ANY($2::text[])', [identity.id, plan.absorbed]);
          for (const gone of plan.absorbed) await pgMoveDatasets(c, gone, identity.id);
          await c.query('DELETE FROM identities WHERE id = ANY($1::text[])', [plan.absorbed]);
          await c.query('UPDATE identities SET logins = $1, modified_at = $2 WHERE id = $3', [JSON.stringify(identity.logins), identity.modifiedAt, identity.id]);
        }
        for (const l of plan.add) {
          await c.query('INSERT INTO identity_logins (pool_id, provider, user_id, identity_id) VALUES ($1, $2, $3, $4)', [identity.poolId, l.provider, l.userId, identity.id]);
        }
        return { identity };
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
    linkTo(id, provider, userId, now) {
      return tx(async (c) => {
        const { rows: found } = await c.query('SELECT * FROM identities WHERE id = $1 FOR UPDATE', [id]);
        if (!found.length) return null;
        const poolId = found[0].pool_id as string;
        // The lock forLogin takes for this login: a first sign-in and a link of one login never both insert it.
        await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, [JSON.stringify(['identity_login', poolId, provider, userId])]);
        const { rows: owner } = await c.query('SELECT identity_id FROM identity_logins WHERE pool_id = $1 AND provider = $2 AND user_id = $3', [
          poolId,
          provider,
          userId,
        ]);
        if (owner.length) return owner[0].identity_id as string;
        await c.query('INSERT INTO identity_logins (pool_id, provider, user_id, identity_id) VALUES ($1, $2, $3, $4)', [poolId, provider, userId, id]);
        const logins = JSON.parse(found[0].logins) as string[];
        await setLogins(c, id, logins.includes(provider) ? logins : [...logins, provider], now);
        return id;
      });
    },
    async loginsOf(id) {
      const rows = await all('SELECT provider, user_id FROM identity_logins WHERE identity_id = $1 ORDER BY provider, user_id', [id]);
      return rows.map((r) => ({ provider: r.provider as string, userId: r.user_id as string }));
    },
    merge(sourceId, destinationId, now) {
      return tx(async (c) => {
        // Both rows locked in id order, so two merges of one pair in opposite directions cannot deadlock.
        const { rows } = await c.query('SELECT * FROM identities WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [[sourceId, destinationId]]);
        const src = rows.find((r) => r.id === sourceId);
        const dst = rows.find((r) => r.id === destinationId);
        if (!src || !dst) return null;
        await c.query('UPDATE identity_logins SET identity_id = $1 WHERE identity_id = $2', [destinationId, sourceId]);
        await pgMoveDatasets(c, sourceId, destinationId);
        await c.query('DELETE FROM identities WHERE id = $1', [sourceId]);
        const logins = [...new Set([...(JSON.parse(dst.logins) as string[]), ...(JSON.parse(src.logins) as string[])])];
        await setLogins(c, destinationId, logins, now);
        return identityOf({ ...dst, modified_at: now }, logins);
      });
    },
    unlinkLogin(id, provider, userId, now) {
      return tx(async (c) => {
        const { rows: found } = await c.query('SELECT * FROM identities WHERE id = $1 FOR UPDATE', [id]);
        if (!found.length) return null;
        const gone = await c.query('DELETE FROM identity_logins WHERE identity_id = $1 AND provider = $2 AND user_id = $3', [id, provider, userId]);
        if (gone.rowCount === 0) return null;
        const { rows: left } = await c.query('SELECT 1 FROM identity_logins WHERE identity_id = $1 AND provider = $2 LIMIT 1', [id, provider]);
        const logins = (JSON.parse(found[0].logins) as string[]).filter((p) => left.length > 0 || p !== provider);
        await setLogins(c, id, logins, now);
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
        await pgDropDatasets(c, id);
        const r = await c.query('DELETE FROM identities WHERE id = $1', [id]);
        return r.rowCount === 1;
      });
    },
  };
}
