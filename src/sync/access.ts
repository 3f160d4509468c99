// Who may touch which Cognito Sync data: the admin key (developer credentials) any identity; credentials issued by
// GetCredentialsForIdentity (or AssumeRoleWithWebIdentity) only the identity they were issued to, in its own pool
// ("Each identity has access only to its own data"), and never the operations AWS keeps for developer credentials.
// The role's policies are applied first, at the edge, on the resource ARN below (IAM's form for cognito-sync).
import type { Deps } from '../deps.ts';
import { roleContextOf } from '../identity-pools/authorize.ts';
import type { OperationContext } from '../protocol/operation.ts';
import { NotAuthorizedException } from './errors.ts';

const AUD = 'cognito-identity.amazonaws.com:aud';

/**
 * The resource a call acts on, as AWS names it in its AccessDenied answers for cognito-sync (observed:
 * `…:identitypool/{pool}/identity/{id}/dataset/null` for ListDatasets).
 */
export function syncResource(deps: Pick<Deps, 'config'>, input: Record<string, unknown>): string {
  const { region, accountId } = deps.config;
  if (typeof input.IdentityPoolId !== 'string') return '*';
  const pool = `arn:aws:cognito-sync:${region}:${accountId}:identitypool/${input.IdentityPoolId}`;
  if (typeof input.IdentityId !== 'string') return pool;
  return `${pool}/identity/${input.IdentityId}/dataset/${typeof input.DatasetName === 'string' ? input.DatasetName : 'null'}`;
}

/** Throws NotAuthorizedException unless the caller is the admin or holds credentials of this identity of this pool. */
export function requireIdentityAccess(ctx: OperationContext, poolId: string, identityId: string): void {
  const role = roleContextOf(ctx.principal);
  if (!role) return;
  const aud = role.keys?.[AUD];
  if (role.identityId !== identityId || (aud !== undefined && aud !== poolId))
    throw new NotAuthorizedException(`Access to Identity '${identityId}' is forbidden.`);
}

/** Throws NotAuthorizedException for identity credentials: the operation is for developer credentials only. */
export function requireDeveloper(ctx: OperationContext, operation: string): void {
  // Wording ours, after the AWS docs: "ListIdentityPoolUsage can only be called with developer credentials."
  if (roleContextOf(ctx.principal)) throw new NotAuthorizedException(`${operation} can only be called with developer credentials.`);
}
