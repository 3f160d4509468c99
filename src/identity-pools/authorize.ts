// Authorization of calls signed with issued credentials (issue 10): the assumed role's inline policies, evaluated
// by policy.ts for the call's action (`{service}:{Operation}`) and resource, with the condition keys the credentials
// carry (cognito-identity.amazonaws.com:sub/aud/amr) and the request's own (aws:CurrentTime, aws:SourceIp, …).
// Calls signed by the admin key are not restricted here. The policies come from role-policies.ts: a change made through
// this server applies at once, one made by another server sharing the database within a few seconds.
import type { Deps } from '../deps.ts';
import { AccessDeniedException, type ServiceError } from '../protocol/errors.ts';
import type { SigV4Principal } from '../protocol/sigv4.ts';
import type { RoleContext } from './credentials.ts';
import { evaluate, type Decision, type PolicyDocument } from './policy.ts';

export function roleContextOf(principal: SigV4Principal | undefined): RoleContext | undefined {
  const c = principal?.context as { kind?: string } | undefined;
  return c?.kind === 'role' ? (c as RoleContext) : undefined;
}

export function roleNameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

export function assumedRoleArn(accountId: string, roleArn: string, sessionName: string): string {
  return `arn:aws:sts::${accountId}:assumed-role/${roleNameOf(roleArn)}/${sessionName}`;
}

/** The resource a call names: the pool it acts on, else `*`. */
export function resourceOf(deps: Pick<Deps, 'config'>, input: Record<string, unknown>): string {
  const { region, accountId } = deps.config;
  if (typeof input.UserPoolId === 'string') return `arn:aws:cognito-idp:${region}:${accountId}:userpool/${input.UserPoolId}`;
  if (typeof input.IdentityPoolId === 'string') return `arn:aws:cognito-identity:${region}:${accountId}:identitypool/${input.IdentityPoolId}`;
  return '*';
}

/** Throws AccessDeniedException unless the principal is the admin or its role allows `action` on `resource`. */
export async function authorize(
  deps: Pick<Deps, 'store' | 'config' | 'clock' | 'caches'>,
  principal: SigV4Principal | undefined,
  action: string,
  resource: string,
  sourceIp: string,
): Promise<void> {
  const role = roleContextOf(principal);
  if (!role) return;
  const decision = await decide(deps, role, action, resource, sourceIp);
  if (decision === 'Allow') return;
  throw denied(deps, role, action, resource, decision);
}

/** The role's decision on `action` and `resource`, with the credentials' condition keys, the request's and `extraKeys`. */
export async function decide(
  deps: Pick<Deps, 'store' | 'config' | 'clock' | 'caches'>,
  role: RoleContext,
  action: string,
  resource: string,
  sourceIp: string,
  extraKeys: Record<string, string> = {},
): Promise<Decision> {
  const name = roleNameOf(role.roleArn);
  // One read of the role with its policies, parsed, kept a few seconds (role-policies.ts); only the role the
  // credentials were issued for (same ARN, same unique id: not another role made since under its name) grants anything.
  const { role: stored, policies: parsed } = await deps.caches.rolePolicies.get(deps, name);
  const policies: PolicyDocument[] = stored && stored.arn === role.roleArn && (role.roleId === undefined || stored.roleId === role.roleId) ? parsed : [];
  const now = deps.clock.now();
  const keys: Record<string, string | string[]> = {
    ...extraKeys,
    ...(role.keys ?? {}),
    'aws:CurrentTime': new Date(now).toISOString(),
    'aws:EpochTime': String(Math.floor(now / 1000)),
    'aws:SourceIp': sourceIp,
    'aws:userid': `${stored?.roleId ?? name}:${role.roleSessionName}`,
    'aws:PrincipalArn': role.roleArn,
  };
  for (const [k, v] of Object.entries(role.tags ?? {})) keys[`aws:PrincipalTag/${k}`] = v;
  return evaluate(policies, { action, resource, keys });
}

/** IAM's AccessDenied for a decision other than Allow. */
export function denied(deps: Pick<Deps, 'config'>, role: RoleContext, action: string, resource: string, decision: Decision): ServiceError {
  const who = assumedRoleArn(deps.config.accountId, role.roleArn, role.roleSessionName);
  return new AccessDeniedException(
    `User: ${who} is not authorized to perform: ${action} on resource: ${resource}` +
      (decision === 'ExplicitDeny' ? ' with an explicit deny in an identity-based policy' : ' because no identity-based policy allows the ' + action + ' action'),
  );
}
