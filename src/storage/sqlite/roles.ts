// SQLite IAM roles and their inline policies: names unique case-insensitively (name_key), pages by name.
import type { RolePolicyRecord, RoleRecord, RoleStore } from '../interfaces/roles.ts';
import { nameCursorArg, namePage } from '../pages.ts';
import type { Row, SqliteDb } from './db.ts';

export const roleOf = (r: Row): RoleRecord => ({
  name: r.name,
  roleId: r.role_id,
  arn: r.arn,
  path: r.path,
  assumeRolePolicy: r.assume_role_policy,
  ...(r.description !== null && r.description !== undefined ? { description: r.description } : {}),
  maxSessionDuration: Number(r.max_session_duration),
  createdAt: Number(r.created_at),
});

/** One statement for a role and its inline policies: a row per policy (policy columns null for a role without any). */
export const ROLE_WITH_POLICIES = `SELECT r.*, p.name AS policy_name, p.document AS policy_document
  FROM iam_roles r LEFT JOIN iam_role_policies p ON p.role_key = r.name_key WHERE r.name_key = $1 ORDER BY p.name`;

const SQLITE_ROLE_WITH_POLICIES = ROLE_WITH_POLICIES.replace('$1', '?');

/** The rows of ROLE_WITH_POLICIES as the role and its policies, or null when there were none (no such role). */
export function withPolicies(name: string, rows: Row[]): { role: RoleRecord; policies: RolePolicyRecord[] } | null {
  if (rows.length === 0) return null;
  const policies = rows
    .filter((r) => r.policy_name !== null && r.policy_name !== undefined)
    .map((r) => ({ roleName: name, policyName: r.policy_name as string, document: r.policy_document as string }));
  return { role: roleOf(rows[0]!), policies };
}

export function sqliteRoles({ db, q }: SqliteDb): RoleStore {
  const create = db.transaction((r: RoleRecord, max: number) => {
    if (q('SELECT 1 FROM iam_roles WHERE name_key = ?').get(r.name.toLowerCase())) return 'exists' as const;
    const { n } = q('SELECT count(*) AS n FROM iam_roles').get() as Row;
    if (n >= max) return 'limit' as const;
    q(
      `INSERT INTO iam_roles (name_key, name, role_id, arn, path, assume_role_policy, description, max_session_duration, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(r.name.toLowerCase(), r.name, r.roleId, r.arn, r.path, r.assumeRolePolicy, r.description ?? null, r.maxSessionDuration, r.createdAt);
    return 'ok' as const;
  });
  const remove = db.transaction((name: string) => {
    const key = name.toLowerCase();
    if (!q('SELECT 1 FROM iam_roles WHERE name_key = ?').get(key)) return 'missing' as const;
    if (q('SELECT 1 FROM iam_role_policies WHERE role_key = ? LIMIT 1').get(key)) return 'conflict' as const;
    q('DELETE FROM iam_roles WHERE name_key = ?').run(key);
    return 'ok' as const;
  });
  const put = db.transaction((roleName: string, policyName: string, document: string) => {
    const key = roleName.toLowerCase();
    if (!q('SELECT 1 FROM iam_roles WHERE name_key = ?').get(key)) return false;
    q(
      `INSERT INTO iam_role_policies (role_key, name_key, name, document) VALUES (?, ?, ?, ?)
       ON CONFLICT (role_key, name_key) DO UPDATE SET name = excluded.name, document = excluded.document`,
    ).run(key, policyName.toLowerCase(), policyName, document);
    return true;
  });
  const policyOf = (roleName: string) => (r: Row) => ({ roleName, policyName: r.name as string, document: r.document as string });
  return {
    async create(role, max) {
      return create.immediate(role, max);
    },
    async get(name) {
      const r = q('SELECT * FROM iam_roles WHERE name_key = ?').get(name.toLowerCase()) as Row | undefined;
      return r ? roleOf(r) : null;
    },
    async list(pathPrefix, limit, cursor) {
      const after = nameCursorArg(cursor);
      const found = q('SELECT * FROM iam_roles WHERE name > ? AND substr(path, 1, ?) = ? ORDER BY name LIMIT ?').all(
        after,
        pathPrefix.length,
        pathPrefix,
        limit + 1,
      ) as Row[];
      return namePage(found.map(roleOf), limit);
    },
    async setAssumeRolePolicy(name, document) {
      return q('UPDATE iam_roles SET assume_role_policy = ? WHERE name_key = ?').run(document, name.toLowerCase()).changes === 1;
    },
    async delete(name) {
      return remove.immediate(name);
    },
    async putPolicy(p) {
      return put.immediate(p.roleName, p.policyName, p.document);
    },
    async getPolicy(roleName, policyName) {
      const r = q('SELECT * FROM iam_role_policies WHERE role_key = ? AND name_key = ?').get(roleName.toLowerCase(), policyName.toLowerCase()) as
        | Row
        | undefined;
      return r ? policyOf(roleName)(r) : null;
    },
    async listPolicies(roleName, limit, cursor) {
      const after = nameCursorArg(cursor);
      const found = q('SELECT name FROM iam_role_policies WHERE role_key = ? AND name > ? ORDER BY name LIMIT ?').all(
        roleName.toLowerCase(),
        after,
        limit + 1,
      ) as Row[];
      const p = namePage(found.map((r) => ({ name: r.name as string })), limit);
      return { items: p.items.map((x) => x.name), ...(p.next ? { next: p.next } : {}) };
    },
    async allPolicies(roleName) {
      return (q('SELECT * FROM iam_role_policies WHERE role_key = ? ORDER BY name').all(roleName.toLowerCase()) as Row[]).map(policyOf(roleName));
    },
    async getWithPolicies(name) {
      return withPolicies(name, q(SQLITE_ROLE_WITH_POLICIES).all(name.toLowerCase()) as Row[]);
    },
    async deletePolicy(roleName, policyName) {
      return q('DELETE FROM iam_role_policies WHERE role_key = ? AND name_key = ?').run(roleName.toLowerCase(), policyName.toLowerCase()).changes === 1;
    },
  };
}
