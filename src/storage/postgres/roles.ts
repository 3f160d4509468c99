// PostgreSQL IAM roles and their inline policies: as sqlite/roles.ts; creates counted under an advisory lock.
import type { RoleStore } from '../interfaces/roles.ts';
import { nameCursorArg, namePage } from '../pages.ts';
import { ROLE_WITH_POLICIES, roleOf, withPolicies } from '../sqlite/roles.ts';
import { LOCK, num, type PgDb } from './db.ts';

export function pgRoles({ tx, one, all, changed }: PgDb): RoleStore {
  return {
    create(r, max) {
      return tx(async (c) => {
        await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, ['iam_roles']);
        const { rows: found } = await c.query('SELECT 1 FROM iam_roles WHERE name_key = $1', [r.name.toLowerCase()]);
        if (found.length > 0) return 'exists' as const;
        const { rows: counted } = await c.query('SELECT count(*) AS n FROM iam_roles');
        if (num(counted[0].n) >= max) return 'limit' as const;
        await c.query(
          `INSERT INTO iam_roles (name_key, name, role_id, arn, path, assume_role_policy, description, max_session_duration, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [r.name.toLowerCase(), r.name, r.roleId, r.arn, r.path, r.assumeRolePolicy, r.description ?? null, r.maxSessionDuration, r.createdAt],
        );
        return 'ok' as const;
      });
    },
    async get(name) {
      const r = await one('SELECT * FROM iam_roles WHERE name_key = $1', [name.toLowerCase()]);
      return r ? roleOf(r) : null;
    },
    async list(pathPrefix, limit, cursor) {
      const after = nameCursorArg(cursor);
      const found = await all('SELECT * FROM iam_roles WHERE name > $1 AND left(path, $2) = $3 ORDER BY name LIMIT $4', [
        after,
        pathPrefix.length,
        pathPrefix,
        limit + 1,
      ]);
      return namePage(found.map(roleOf), limit);
    },
    setAssumeRolePolicy(name, document) {
      return changed('UPDATE iam_roles SET assume_role_policy = $1 WHERE name_key = $2', [document, name.toLowerCase()]);
    },
    delete(name) {
      return tx(async (c) => {
        const key = name.toLowerCase();
        const { rows: found } = await c.query('SELECT 1 FROM iam_roles WHERE name_key = $1 FOR UPDATE', [key]);
        if (!found.length) return 'missing' as const;
        const { rows: pols } = await c.query('SELECT 1 FROM iam_role_policies WHERE role_key = $1 LIMIT 1', [key]);
        if (pols.length) return 'conflict' as const;
        await c.query('DELETE FROM iam_roles WHERE name_key = $1', [key]);
        return 'ok' as const;
      });
    },
    async putPolicy(p) {
      // The role row is locked FOR SHARE by the insert's foreign key: a concurrent delete waits, and a missing role fails it.
      const key = p.roleName.toLowerCase();
      const r = await one(
        `INSERT INTO iam_role_policies (role_key, name_key, name, document)
         SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM iam_roles WHERE name_key = $1)
         ON CONFLICT (role_key, name_key) DO UPDATE SET name = excluded.name, document = excluded.document RETURNING 1 AS ok`,
        [key, p.policyName.toLowerCase(), p.policyName, p.document],
      );
      return r !== undefined;
    },
    async getPolicy(roleName, policyName) {
      const r = await one('SELECT name, document FROM iam_role_policies WHERE role_key = $1 AND name_key = $2', [roleName.toLowerCase(), policyName.toLowerCase()]);
      return r ? { roleName, policyName: r.name, document: r.document } : null;
    },
    async listPolicies(roleName, limit, cursor) {
      const after = nameCursorArg(cursor);
      const found = await all('SELECT name FROM iam_role_policies WHERE role_key = $1 AND name > $2 ORDER BY name LIMIT $3', [
        roleName.toLowerCase(),
        after,
        limit + 1,
      ]);
      const p = namePage(found.map((r) => ({ name: r.name as string })), limit);
      return { items: p.items.map((x) => x.name), ...(p.next ? { next: p.next } : {}) };
    },
    async allPolicies(roleName) {
      const found = await all('SELECT name, document FROM iam_role_policies WHERE role_key = $1 ORDER BY name', [roleName.toLowerCase()]);
      return found.map((r) => ({ roleName, policyName: r.name, document: r.document }));
    },
    async getWithPolicies(name) {
      return withPolicies(name, await all(ROLE_WITH_POLICIES, [name.toLowerCase()]));
    },
    deletePolicy(roleName, policyName) {
      return changed('DELETE FROM iam_role_policies WHERE role_key = $1 AND name_key = $2', [roleName.toLowerCase(), policyName.toLowerCase()]);
    },
  };
}
