// SQLite identities: the identity row and its logins written in one IMMEDIATE transaction, keyset pages per pool.
import type { IdentityRecord, IdentityStore } from '../interfaces/identities.ts';
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
  const link = db.transaction((id: string, provider: string, userId: string, now: number) => {
    const r = q('SELECT * FROM identities WHERE id = ?').get(id) as Row | undefined;
    if (!r) return null;
    const linked = q(
      'SELECT i.* FROM identity_logins l JOIN identities i ON i.id = l.identity_id WHERE l.pool_id = ? AND l.provider = ? AND l.user_id = ?',
    ).get(r.pool_id, provider, userId) as Row | undefined;
    if (linked) return of(linked);
    q('INSERT INTO identity_logins (pool_id, provider, user_id, identity_id) VALUES (?, ?, ?, ?)').run(r.pool_id, provider, userId, id);
    const logins = [...(JSON.parse(r.logins) as string[]).filter((p) => p !== provider), provider];
    q('UPDATE identities SET logins = ?, modified_at = ? WHERE id = ?').run(JSON.stringify(logins), now, id);
    return identityOf({ ...r, modified_at: now }, logins);
  });
  const remove = db.transaction((id: string) => {
    q('DELETE FROM identity_logins WHERE identity_id = ?').run(id);
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
  return {
    async create(i) {
      insert(i);
    },
    async forLogin(fresh, provider, userId) {
      return forLogin.immediate(fresh, provider, userId);
    },
    async link(id, provider, userId, now) {
      return link.immediate(id, provider, userId, now);
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
