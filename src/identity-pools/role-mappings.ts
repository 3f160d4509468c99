// Role mappings (SetIdentityPoolRoles' RoleMappings) applied when credentials are issued: pure rules over one verified
// login's token claims, as the Cognito Developer Guide's "Using role-based access control" describes them.
// - Type Token: CustomRoleArn if it is one of `cognito:roles` (else access is denied), then `cognito:preferred_role`,
//   then the single role of `cognito:roles`; several roles without a preferred one (or none) is ambiguous.
// - Type Rules: the rules in order, the first whose claim matches gives the role (CustomRoleArn may pick the role of
//   any matching rule instead); a NotEqual rule on a claim the token lacks is not evaluated; no match is ambiguous.
// - Ambiguous: AmbiguousRoleResolution AuthenticatedRole → the pool's authenticated role; Deny → refused.
import type { IdentityPoolSettings } from '../storage/records.ts';
import type { VerifiedLogin } from './identities.ts';

type Mapping = NonNullable<IdentityPoolSettings['RoleMappings']>[string];
type Rule = NonNullable<Mapping['RulesConfiguration']>['Rules'][number];

export type MappedRole =
  /** the mapping names this role */
  | { kind: 'role'; arn: string }
  /** ambiguous, resolved to the pool's authenticated role */
  | { kind: 'authenticated' }
  /** ambiguous and the mapping says Deny */
  | { kind: 'deny'; key: string }
  /** CustomRoleArn names a role the mapping does not offer this login */
  | { kind: 'refused' };

/** The RoleMappings key of a login: `{provider}:{app client id}` for a Cognito user pool, else the provider name. */
export function mappingFor(settings: IdentityPoolSettings, login: VerifiedLogin): { key: string; mapping: Mapping } | undefined {
  const mappings = settings.RoleMappings ?? {};
  const aud = typeof login.claims.aud === 'string' ? login.claims.aud : undefined;
  for (const key of aud ? [`${login.provider}:${aud}`, login.provider] : [login.provider]) {
    const mapping = Object.hasOwn(mappings, key) ? mappings[key] : undefined;
    if (mapping) return { key, mapping };
  }
  return undefined;
}

/** A claim's values as strings: a string, number or boolean is one value, an array each of its scalar elements. */
function claimValues(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.filter((x) => ['string', 'number', 'boolean'].includes(typeof x)).map(String);
  if (['string', 'number', 'boolean'].includes(typeof v)) return [String(v)];
  return undefined;
}

/** Whether one rule matches; array claims (cognito:groups) match when one element does (NotEqual: when none equals). */
export function ruleMatches(rule: Rule, claims: Record<string, unknown>): boolean {
  const values = claimValues(Object.hasOwn(claims, rule.Claim) ? claims[rule.Claim] : undefined);
  if (values === undefined) return false; // a rule on a claim the token lacks is not evaluated (NotEqual included)
  switch (rule.MatchType) {
    case 'Equals':
      return values.includes(rule.Value);
    case 'Contains':
      return values.some((v) => v.includes(rule.Value));
    case 'StartsWith':
      return values.some((v) => v.startsWith(rule.Value));
    case 'NotEqual':
      return values.length > 0 && !values.includes(rule.Value);
    default:
      return false;
  }
}

/** The role one mapping gives a login with these claims, and CustomRoleArn's say in it. */
export function applyMapping(key: string, mapping: Mapping, claims: Record<string, unknown>, customRoleArn: string | undefined): MappedRole {
  let offered: string[];
  let chosen: string | undefined;
  if (mapping.Type === 'Token') {
    // The user pool writes cognito:roles as an array; the guide calls it a comma-separated string: take both.
    const raw = claims['cognito:roles'];
    const roles = Array.isArray(raw) ? raw.filter((r): r is string => typeof r === 'string') : typeof raw === 'string' ? raw.split(',').map((r) => r.trim()).filter(Boolean) : [];
    const preferred = typeof claims['cognito:preferred_role'] === 'string' ? (claims['cognito:preferred_role'] as string) : undefined;
    offered = preferred ? [...roles, preferred] : roles;
    chosen = preferred ?? (roles.length === 1 ? roles[0] : undefined);
  } else {
    const matching = (mapping.RulesConfiguration?.Rules ?? []).filter((r) => ruleMatches(r, claims));
    offered = matching.map((r) => r.RoleARN);
    chosen = offered[0];
  }
  if (customRoleArn !== undefined) {
    if (offered.includes(customRoleArn)) return { kind: 'role', arn: customRoleArn };
    return { kind: 'refused' };
  }
  if (chosen !== undefined) return { kind: 'role', arn: chosen };
  return mapping.AmbiguousRoleResolution === 'AuthenticatedRole' ? { kind: 'authenticated' } : { kind: 'deny', key };
}
