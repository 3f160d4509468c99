// SQLite identities: the identity row and its logins written in one IMMEDIATE transaction, keyset pages per pool.
import { sqliteDropDatasets, sqliteMoveDatasets } from './datasets.ts';
import type { IdentityRecord, IdentityStore, LinkOutcome, LoginKey } from '../interfaces/identities.ts';
import { planLink, type StoredLink } from '../identity-links.ts';
import { cursorArgs, page } from '../pages.ts';
import type { Row, SqliteDb } from './db.ts';

export const identityOf = (r: Row, logins: unknown): IdentityRecord => ({
  id: r.id,
  poolId: r.pool_id,
  createdAt: Number(r.created_at),
  modifiedAt: Number(r.modified_at),
  logins: logins as string[],
});

export function sqliteIdentities({ db, q }: SqliteDb): IdentityStore {
  const of = (r: Row) => identityOf(r, JSON.parse(r.logins));
  const insert = (i: IdentityRecord) =>
    q('INSERT INTO identities (id, pool_id, created_at, modified_at, logins) VALUES (?, ?, ?, ?, ?)').run(
      i.id,
      i.poolId,
      i.createdAt,
      i.modifiedAt,
      JSON.stringify(i.logins),
    );
  // IMMEDIATE: the write lock is taken before the lookup, so a second process waits and then finds the first's row.
  const forLogin = db.transaction((fresh: IdentityRecord, provider: string, userId: string) => {
    const linked = q(
      'SELECT i.* FROM identity_logins l JOIN identities i ON i.id = l.identity_id WHERE l.pool_id = ? AND l.provider = ? AND l.user_id = ?',
    ).get(fresh.poolId, provider, userId) as Row | undefined;
    if (linked) return of(linked);
    const made = { ...fresh, logins: [provider] };
    insert(made);
    q('INSERT INTO identity_logins (pool_id, provider, user_id, identity_id) VALUES (?, ?, ?, ?)').run(fresh.poolId, provider, userId, fresh.id);
    return made;
  });
  const link = db.transaction((fresh: IdentityRecord, logins: LoginKey[], maxLogins: number, now: number): LinkOutcome => {
    const holderIds = new Set<string>();
    for (const l of logins) {
      const r = q('SELECT identity_id FROM identity_logins WHERE pool_id = ? AND provider = ? AND user_id = ?').get(fresh.poolId, l.provider, l.userId) as Row | undefined;
      if (r) holderIds.add(r.identity_id);
    }
    const holders: IdentityRecord[] = [];
    const links: StoredLink[] = [];
    for (const id of holderIds) {
      holders.push(of(q('SELECT * FROM identities WHERE id = ?').get(id) as Row));
      for (const r of q('SELECT provider, user_id FROM identity_logins WHERE identity_id = ?').all(id) as Row[]) {
        links.push({ provider: r.provider, userId: r.user_id, identityId: id });
      }
    }
    const plan = planLink(fresh, holders, links, logins, maxLogins, now);
    if (plan.kind === 'refused') return plan.outcome;
    const { identity } = plan;
    if (plan.kind === 'found') return { identity };
    if (plan.kind === 'create') insert(identity);
    else {
      for (const gone of plan.absorbed) {
        q('UPDATE identity_logins SET identity_id = ? WHERE identity_id = ?').run(identity.id, gone);
        sqliteMoveDatasets(q, gone, identity.id);
        q('DELETE FROM identities WHERE id = ?').run(gone);
      }
      q('UPDATE identities SET logins = ?, modified_at = ? WHERE id = ?').run(JSON.stringify(identity.logins), identity.modifiedAt, identity.id);
    }
    for (const l of plan.add) {
      q('INSERT INTO identity_logins (pool_id, provider, user_id, identity_id) VALUES (?, ?, ?, ?)').run(identity.poolId, l.provider, l.userId, identity.id);
    }
    return { identity };
  });
  const remove = db.transaction((id: string) => {
    q('DELETE FROM identity_logins WHERE identity_id = ?').run(id);
    sqliteDropDatasets(q, id);
    return q('DELETE FROM identities WHERE id = ?').run(id).changes === 1;
  });
  const unlink = db.transaction((id: string, providers: string[], now: number) => {
    const r = q('SELECT * FROM identities WHERE id = ?').get(id) as Row | undefined;
    if (!r) return null;
    for (const p of providers) q('DELETE FROM identity_logins WHERE identity_id = ? AND provider = ?').run(id, p);
    const logins = (JSON.parse(r.logins) as string[]).filter((p) => !providers.includes(p));
    q('UPDATE identities SET logins = ?, modified_at = ? WHERE id = ?').run(JSON.stringify(logins), now, id);
    return identityOf({ ...r, modified_at: now }, logins);
  });
  const setLogins = (id: string, logins: string[], now: number) =>
    q('UPDATE identities SET logins = ?, modified_at = ? WHERE id = ?').run(JSON.stringify(logins), now, id);
  const linkTo = db.transaction((id: string, provider: string, userId: string, now: number) => {
    const r = q('SELECT * FROM identities WHERE id = ?').get(id) as Row | undefined;
    if (!r) return null;
    const owner = q('SELECT identity_id FROM identity_logins WHERE pool_id = ? AND provider = ? AND user_id = ?').get(r.pool_id, provider, userId) as
      | Row
      | undefined;
    if (owner) return owner.identity_id as string;
    q('INSERT INTO identity_logins (pool_id, provider, user_id, identity_id) VALUES (?, ?, ?, ?)').run(r.pool_id, provider, userId, id);
    const logins = JSON.parse(r.logins) as string[];
    setLogins(id, logins.includes(provider) ? logins : [...logins, provider], now);
    return id;
  });
  const loginsOf = (id: string) =>
    (q('SELECT provider, user_id FROM identity_logins WHERE identity_id = ? ORDER BY provider, user_id').all(id) as Row[]).map((r) => ({
      provider: r.provider as string,
      userId: r.user_id as string,
    }));
  const merge = db.transaction((sourceId: string, destinationId: string, now: number) => {
    const src = q('SELECT * FROM identities WHERE id = ?').get(sourceId) as Row | undefined;
    const dst = q('SELECT * FROM identities WHERE id = ?').get(destinationId) as Row | undefined;
    if (!src || !dst) return null;
    q('UPDATE identity_logins SET identity_id = ? WHERE identity_id = ?').run(destinationId, sourceId);
    sqliteMoveDatasets(q, sourceId, destinationId);
    q('DELETE FROM identities WHERE id = ?').run(sourceId);
    const logins = [...new Set([...(JSON.parse(dst.logins) as string[]), ...(JSON.parse(src.logins) as string[])])];
    setLogins(destinationId, logins, now);
    return identityOf({ ...dst, modified_at: now }, logins);
  });
  const unlinkLogin = db.transaction((id: string, provider: string, userId: string, now: number) => {
    const r = q('SELECT * FROM identities WHERE id = ?').get(id) as Row | undefined;
    if (!r) return null;
    if (q('DELETE FROM identity_logins WHERE identity_id = ? AND provider = ? AND user_id = ?').run(id, provider, userId).changes === 0) return null;
    const left = q('SELECT 1 FROM identity_logins WHERE identity_id = ? AND provider = ?').get(id, provider);
    const logins = (JSON.parse(r.logins) as string[]).filter((p) => left || p !== provider);
    setLogins(id, logins, now);
    return identityOf({ ...r, modified_at: now }, logins);
  });
  return {
    async create(i) {
      insert(i);
    },
    async forLogin(fresh, provider, userId) {
      return forLogin.immediate(fresh, provider, userId);
    },
    async link(fresh, logins, maxLogins, now) {
      return link.immediate(fresh, logins, maxLogins, now);
    },
    async get(id) {
      const r = q('SELECT * FROM identities WHERE id = ?').get(id) as Row | undefined;
      return r ? of(r) : null;
    },
    async linked(poolId, provider, userId) {
      const r = q('SELECT identity_id FROM identity_logins WHERE pool_id = ? AND provider = ? AND user_id = ?').get(poolId, provider, userId) as Row | undefined;
      return r ? (r.identity_id as string) : null;
    },
    async unlink(id, providers, now) {
      return unlink.immediate(id, providers, now);
    },
    async linkTo(id, provider, userId, now) {
      return linkTo.immediate(id, provider, userId, now);
    },
    async loginsOf(id) {
      return loginsOf(id);
    },
    async merge(sourceId, destinationId, now) {
      return merge.immediate(sourceId, destinationId, now);
    },
    async unlinkLogin(id, provider, userId, now) {
      return unlinkLogin.immediate(id, provider, userId, now);
    },
    async list(poolId, limit, cursor) {
      const [t, id] = cursorArgs(cursor);
      const found = q(
        'SELECT * FROM identities WHERE pool_id = ? AND (created_at > ? OR (created_at = ? AND id > ?)) ORDER BY created_at, id LIMIT ?',
      ).all(poolId, t, t, id, limit + 1) as Row[];
      return page(found.map(of), limit, (i) => i.id);
    },
    async delete(id) {
      return remove.immediate(id);
    },
  };
}
