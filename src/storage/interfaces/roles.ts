// The storage interface of IAM roles (account-wide, as IAM's) and their inline policies: what the identity pools'
// role mappings name, what STS assumes, and what authorizes calls signed with the credentials issued for them.

export interface RoleRecord {
  name: string;
  /** IAM's unique id, `AROA` + 17 characters */
  roleId: string;
  arn: string;
  path: string;
  /** the trust policy document (JSON text, as given) */
  assumeRolePolicy: string;
  description?: string;
  maxSessionDuration: number;
  createdAt: number;
}

export interface RolePolicyRecord {
  roleName: string;
  policyName: string;
  /** the permission policy document (JSON text, as given) */
  document: string;
}

export interface RoleStore {
  /** 'exists' when a role of that name (case-insensitive, as IAM) exists; 'limit' at `maxRoles`. */
  create(role: RoleRecord, maxRoles: number): Promise<'ok' | 'exists' | 'limit'>;
  get(name: string): Promise<RoleRecord | null>;
  /** Roles by name whose path starts with `pathPrefix`. */
  list(pathPrefix: string, limit: number, cursor?: string): Promise<{ items: RoleRecord[]; next?: string }>;
  setAssumeRolePolicy(name: string, document: string): Promise<boolean>;
  /** 'conflict' while the role still has inline policies (IAM's DeleteConflict). */
  delete(name: string): Promise<'ok' | 'missing' | 'conflict'>;
  /** Creates or replaces; false when the role does not exist. */
  putPolicy(p: RolePolicyRecord): Promise<boolean>;
  getPolicy(roleName: string, policyName: string): Promise<RolePolicyRecord | null>;
  /** Policy names of the role, by name. */
  listPolicies(roleName: string, limit: number, cursor?: string): Promise<{ items: string[]; next?: string }>;
  /** Every inline policy of the role (for evaluation). */
  allPolicies(roleName: string): Promise<RolePolicyRecord[]>;
  /** The role and every inline policy of it (by name), in one read: what an authorization decision needs; null when no such role. */
  getWithPolicies(name: string): Promise<{ role: RoleRecord; policies: RolePolicyRecord[] } | null>;
  deletePolicy(roleName: string, policyName: string): Promise<boolean>;
}
