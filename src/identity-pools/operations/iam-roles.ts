// IAM's role API over the Query protocol (issue 10): roles with their trust policy and inline permission policies,
// which identity pools name in their role mappings and STS assumes. Errors, limits and wording as IAM's.
import type { Deps } from '../../deps.ts';
import { awsError } from '../../protocol/errors.ts';
import type { QueryOperation, XmlValue } from '../../protocol/query.ts';
import type { RoleRecord } from '../../storage/store.ts';
import { MalformedPolicyError, parsePolicy } from '../policy.ts';

export const NoSuchEntity = awsError('NoSuchEntity', { status: 404 });
export const EntityAlreadyExists = awsError('EntityAlreadyExists', { status: 409 });
const DeleteConflict = awsError('DeleteConflict', { status: 409 });
export const LimitExceeded = awsError('LimitExceeded', { status: 409 });
const MalformedPolicyDocument = awsError('MalformedPolicyDocument');
export const ValidationError = awsError('ValidationError');

/** IAM's default quota of roles per account. */
const MAX_ROLES = 1000;
const NAME = /^[\w+=,.@-]+$/;
const PATH = /^(\u002F)|(\u002F[\u0021-\u007E]+\u002F)$/;
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function required(params: URLSearchParams, name: string, member: string): string {
  const v = params.get(name);
  if (v === null) throw new ValidationError(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  return v;
}
function checkName(v: string, member: string, max: number): void {
  if (v.length < 1 || v.length > max)
    throw new ValidationError(`1 validation error detected: Value '${v}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
  if (!NAME.test(v))
    throw new ValidationError(`1 validation error detected: Value '${v}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
}
/**
 * Checks a policy document as IAM does: a role's trust policy names principals and no resources; a permission
 * policy names resources and no principals.
 */
function checkPolicy(text: string, kind: 'trust' | 'permissions'): void {
  if (text.length > 131072) throw new MalformedPolicyDocument('Cannot exceed quota for PolicySize: 131072');
  let doc;
  try {
    doc = parsePolicy(text);
  } catch (e) {
    if (e instanceof MalformedPolicyError) throw new MalformedPolicyDocument(e.message);
    throw e;
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  for (const st of statements as unknown as Record<string, unknown>[]) {
    const has = (k: string) => st[k] !== undefined;
    if (kind === 'trust') {
      if (has('Resource')) throw new MalformedPolicyDocument('Has prohibited field Resource');
      if (has('NotResource')) throw new MalformedPolicyDocument('Has prohibited field NotResource');
      if (!has('Principal') && !has('NotPrincipal')) throw new MalformedPolicyDocument('Missing required field Principal');
    } else {
      if (has('Principal') || has('NotPrincipal')) throw new MalformedPolicyDocument('Policy document should not specify a principal.');
      if (!has('Resource') && !has('NotResource')) throw new MalformedPolicyDocument('Policy statement must contain resources.');
    }
  }
}
function intParam(params: URLSearchParams, name: string, member: string, min: number, max: number, dflt: number): number {
  const raw = params.get(name);
  if (raw === null) return dflt;
  const n = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ValidationError(`1 validation error detected: Value '${raw}' at '${member}' failed to satisfy constraint: Member must have value between ${min} and ${max}`);
  return n;
}
function roleAndPolicyName(params: URLSearchParams): { roleName: string; policyName: string } {
  const roleName = required(params, 'RoleName', 'roleName');
  checkName(roleName, 'roleName', 64);
  const policyName = required(params, 'PolicyName', 'policyName');
  checkName(policyName, 'policyName', 128);
  return { roleName, policyName };
}
const noRole = (name: string) => new NoSuchEntity(`The role with name ${name} cannot be found.`);

/** IAM answers policy documents URL-encoded (RFC 3986), as the AWS CLI and SDKs expect to decode them. */
const encoded = (doc: string) => encodeURIComponent(doc);
export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function roleXml(r: RoleRecord): XmlValue {
  return {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.roleId,
    Arn: r.arn,
    CreateDate: iso(r.createdAt),
    AssumeRolePolicyDocument: encoded(r.assumeRolePolicy),
    Description: r.description,
    MaxSessionDuration: r.maxSessionDuration,
  };
}

async function mustGetRole(deps: Deps, name: string): Promise<RoleRecord> {
  const r = await deps.store.roles.get(name);
  if (!r) throw noRole(name);
  return r;
}

export const iam = (action: string, handle: QueryOperation['handle']): QueryOperation => ({ service: 'iam', action, auth: 'sigv4', handle });

export const iamRoleOperations: QueryOperation[] = [
  iam('CreateRole', async (params, deps) => {
    const name = required(params, 'RoleName', 'roleName');
    checkName(name, 'roleName', 64);
    const trust = required(params, 'AssumeRolePolicyDocument', 'assumeRolePolicyDocument');
    checkPolicy(trust, 'trust');
    const path = params.get('Path') ?? '/';
    if (path.length > 512 || !PATH.test(path))
      throw new ValidationError(`1 validation error detected: Value '${path}' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)`);
    const description = params.get('Description') ?? undefined;
    if (description !== undefined && description.length > 1000)
      throw new ValidationError(`1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000`);
    const role: RoleRecord = {
      name,
      roleId: 'AROA' + deps.random.string(17, UPPER_ALNUM),
      arn: `arn:aws:iam::${deps.config.accountId}:role${path}${name}`,
      path,
      assumeRolePolicy: trust,
      ...(description !== undefined ? { description } : {}),
      maxSessionDuration: intParam(params, 'MaxSessionDuration', 'maxSessionDuration', 3600, 43200, 3600),
      createdAt: deps.clock.now(),
    };
    const res = await deps.store.roles.create(role, MAX_ROLES);
    deps.caches.rolePolicies.invalidate(name);
    if (res === 'exists') throw new EntityAlreadyExists(`Role with name ${name} already exists.`);
    if (res === 'limit') throw new LimitExceeded(`Cannot exceed quota for RolesPerAccount: ${MAX_ROLES}`);
    return { Role: roleXml(role) };
  }),
  iam('GetRole', async (params, deps) => {
    const name = required(params, 'RoleName', 'roleName');
    checkName(name, 'roleName', 64);
    return { Role: roleXml(await mustGetRole(deps, name)) };
  }),
  iam('ListRoles', async (params, deps) => {
    const max = intParam(params, 'MaxItems', 'maxItems', 1, 1000, 100);
    const marker = params.get('Marker') ?? undefined;
    const page = await deps.store.roles.list(params.get('PathPrefix') ?? '/', max, marker).catch((e) => {
      if (e instanceof Error && e.message === 'invalid pagination token') throw new ValidationError('Invalid Marker.');
      throw e;
    });
    return { Roles: { member: page.items.map(roleXml) }, IsTruncated: page.next !== undefined, Marker: page.next };
  }),
  iam('UpdateAssumeRolePolicy', async (params, deps) => {
    const name = required(params, 'RoleName', 'roleName');
    checkName(name, 'roleName', 64);
    const doc = required(params, 'PolicyDocument', 'policyDocument');
    checkPolicy(doc, 'trust');
    const updated = await deps.store.roles.setAssumeRolePolicy(name, doc);
    deps.caches.rolePolicies.invalidate(name);
    if (!updated) throw noRole(name);
    return undefined;
  }),
  iam('DeleteRole', async (params, deps) => {
    const name = required(params, 'RoleName', 'roleName');
    checkName(name, 'roleName', 64);
    const res = await deps.store.roles.delete(name);
    deps.caches.rolePolicies.invalidate(name);
    if (res === 'missing') throw noRole(name);
    if (res === 'conflict') throw new DeleteConflict('Cannot delete entity, must delete policies first.');
    return undefined;
  }),
  iam('PutRolePolicy', async (params, deps) => {
    const { roleName, policyName } = roleAndPolicyName(params);
    const document = required(params, 'PolicyDocument', 'policyDocument');
    checkPolicy(document, 'permissions');
    const put = await deps.store.roles.putPolicy({ roleName, policyName, document });
    // Decisions on this server see the change at once (role-policies.ts); other servers within a few seconds.
    deps.caches.rolePolicies.invalidate(roleName);
    if (!put) throw noRole(roleName);
    return undefined;
  }),
  iam('GetRolePolicy', async (params, deps) => {
    const { roleName, policyName } = roleAndPolicyName(params);
    const role = await mustGetRole(deps, roleName);
    const p = await deps.store.roles.getPolicy(roleName, policyName);
    if (!p) throw new NoSuchEntity(`The role policy with name ${policyName} cannot be found.`);
    return { RoleName: role.name, PolicyName: p.policyName, PolicyDocument: encoded(p.document) };
  }),
  iam('ListRolePolicies', async (params, deps) => {
    const roleName = required(params, 'RoleName', 'roleName');
    checkName(roleName, 'roleName', 64);
    await mustGetRole(deps, roleName);
    const max = intParam(params, 'MaxItems', 'maxItems', 1, 1000, 100);
    const page = await deps.store.roles.listPolicies(roleName, max, params.get('Marker') ?? undefined).catch((e) => {
      if (e instanceof Error && e.message === 'invalid pagination token') throw new ValidationError('Invalid Marker.');
      throw e;
    });
    return { PolicyNames: { member: page.items }, IsTruncated: page.next !== undefined, Marker: page.next };
  }),
  iam('DeleteRolePolicy', async (params, deps) => {
    const { roleName, policyName } = roleAndPolicyName(params);
    await mustGetRole(deps, roleName);
    const deleted = await deps.store.roles.deletePolicy(roleName, policyName);
    deps.caches.rolePolicies.invalidate(roleName);
    if (!deleted)
      throw new NoSuchEntity(`The role policy with name ${policyName} cannot be found.`);
    return undefined;
  }),
];
