// What GetOpenIdToken and GetCredentialsForIdentity share (issue 10): an identity proven by its logins (or a guest
// identity where the pool allows guests; a guest signing in gets its login linked), its amr as Cognito writes it, and
// the role it gets (the pool's authenticated or unauthenticated role; role mappings are not applied yet), whose trust
// policy must allow it.
import type { Deps } from '../deps.ts';
import type { IdentityPoolRecord } from '../storage/records.ts';
import type { IdentityRecord } from '../storage/store.ts';
import { InvalidIdentityPoolConfigurationException, NotAuthorizedException } from './errors.ts';
import { getIdentity, verifyLogin, type VerifiedLogin } from './identities.ts';
import { getIdentityPool, identityPoolArn } from './pools.ts';
import { evaluate, parsePolicy } from './policy.ts';
import { roleNameOf } from './authorize.ts';
import type { RoleRecord } from '../storage/store.ts';

const NS = 'cognito-identity.amazonaws.com';
const LOGINS_MISMATCH = "Logins don't match. Please include at least one valid login for this identity or identity pool.";

export interface ProvenIdentity {
  identity: IdentityRecord;
  pool: IdentityPoolRecord;
  poolArn: string;
  authenticated: boolean;
  amr: string[];
  /** The verified logins of the request (empty for a guest), with their tokens' claims for role mappings. */
  logins: VerifiedLogin[];
}

export async function proveIdentity(
  deps: Deps,
  identityId: string,
  logins: Record<string, string> | undefined,
): Promise<ProvenIdentity> {
  const identity = await getIdentity(deps, identityId);
  const pool = await getIdentityPool(deps, identity.poolId);
  const poolArn = identityPoolArn(deps, pool.id);
  const entries = Object.entries(logins ?? {});
  if (entries.length === 0) {
    if (identity.logins.length > 0) throw new NotAuthorizedException(LOGINS_MISMATCH);
    if (!pool.settings.AllowUnauthenticatedIdentities)
      throw new NotAuthorizedException('Unauthenticated access is not supported for this identity pool.');
    return { identity, pool, poolArn, authenticated: false, amr: ['unauthenticated'], logins: [] };
  }
  // A guest signing in keeps its identity, as Cognito does (Amplify asks with the guest id it has): a login linked
  // nowhere yet is linked to it, and a login already linked to another identity answers for that one (the caller
  // proved the login; Cognito merges the guest into it, which Cognate does not do yet: the guest identity stays).
  const guest = identity.logins.length === 0;
  let target = identity;
  const amr = ['authenticated'];
  const verified: VerifiedLogin[] = [];
  for (const [key, token] of entries) {
    const login = await verifyLogin(deps, pool, key, token);
    const { provider, sub } = login;
    verified.push(login);
    let at = await deps.store.identities.linked(pool.id, provider, sub);
    if (at === null && guest && entries.length === 1) {
      target = (await deps.store.identities.link(identity.id, provider, sub, deps.clock.now())) ?? (await getIdentity(deps, identity.id));
      at = target.id;
    }
    if (at !== target.id) {
      if (!guest || at === null || target !== identity) throw new NotAuthorizedException(LOGINS_MISMATCH);
      target = await getIdentity(deps, at);
    }
    amr.push(provider, `${provider}:CognitoSignIn:${sub}`);
  }
  return { identity: target, pool, poolArn, authenticated: true, amr, logins: verified };
}

/** The condition keys a role's trust policy and permission policies see for this identity. */
export function identityKeys(p: Pick<ProvenIdentity, 'identity' | 'pool' | 'amr'>): Record<string, string | string[]> {
  return { [`${NS}:aud`]: p.pool.id, [`${NS}:sub`]: p.identity.id, [`${NS}:amr`]: p.amr };
}

/** Whether `role`'s trust policy lets the identity pools federate into it with these keys. */
export function trustAllows(role: RoleRecord, keys: Record<string, string | string[]>): boolean {
  let trust;
  try {
    trust = parsePolicy(role.assumeRolePolicy);
  } catch {
    return false;
  }
  // A statement counts only where its principal covers the identity pools' federation: Principal "*" or
  // {"AWS":"*"}, a Federated list naming them, or a NotPrincipal that does not name them. A Deny without a principal
  // counts (a stricter reading than IAM, which refuses such a trust policy); an Allow without one does not.
  const all = Array.isArray(trust.Statement) ? trust.Statement : trust.Statement ? [trust.Statement] : [];
  const statements = all.filter((st) => principalCovers(st as TrustStatement));
  return evaluate([{ ...trust, Statement: statements }], { action: 'sts:AssumeRoleWithWebIdentity', resource: role.arn, keys }) === 'Allow';
}

interface TrustStatement {
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
}
const names = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
function principalCovers(st: TrustStatement): boolean {
  const covers = (p: unknown): boolean => {
    if (p === '*') return true;
    if (!p || typeof p !== 'object') return false;
    const o = p as Record<string, unknown>;
    return names(o.Federated).includes(NS) || names(o.AWS).includes('*');
  };
  if (st.Principal !== undefined) return covers(st.Principal);
  if (st.NotPrincipal !== undefined) return !covers(st.NotPrincipal);
  return st.Effect === 'Deny';
}

const BAD_CONFIG = 'Invalid identity pool configuration. Check assigned IAM roles for this pool.';

/** The role the identity gets: CustomRoleArn only where a mapping could name it (not yet), else the pool's role. */
export async function roleFor(deps: Deps, p: ProvenIdentity, customRoleArn: string | undefined): Promise<RoleRecord> {
  // Until role mappings are applied, the identity gets exactly its pool role: a guest never the authenticated one.
  const arn = p.pool.settings.Roles?.[p.authenticated ? 'authenticated' : 'unauthenticated'];
  if (!arn) throw new InvalidIdentityPoolConfigurationException(BAD_CONFIG);
  if (customRoleArn !== undefined && customRoleArn !== arn) throw new InvalidIdentityPoolConfigurationException(BAD_CONFIG);
  const role = await deps.store.roles.get(roleNameOf(arn));
  if (!role || role.arn !== arn || !trustAllows(role, identityKeys(p))) throw new InvalidIdentityPoolConfigurationException(BAD_CONFIG);
  return role;
}
