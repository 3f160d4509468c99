// SetIdentityPoolRoles / GetIdentityPoolRoles: the pool's authenticated / unauthenticated roles and its role
// mappings per provider, checked as Cognito checks them (role ARNs, keys that are providers of the pool).
import type { IdentityPoolRecord, IdentityPoolSettings } from '../storage/records.ts';
import { InvalidParameterException } from './errors.ts';
import type { RoleMapping } from './shapes.ts';

export const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const ROLE_KEYS = new Set(['authenticated', 'unauthenticated']);
/** Role-mapping providers per identity pool (quotas page: 10); rules per provider (docs: 25). */
export const MAX_ROLE_MAPPINGS = 10;
export const MAX_RULES = 25;

function checkRoleArn(arn: string): void {
  if (!ROLE_ARN.test(arn)) throw new InvalidParameterException(`Invalid role ARN: ${arn}`); // wording ours
}

/** The names a role mapping may be keyed by: each login provider of the pool, as Cognito names them. */
function providersOf(s: IdentityPoolSettings): Set<string> {
  const names = new Set<string>(Object.keys(s.SupportedLoginProviders ?? {}));
  for (const p of s.CognitoIdentityProviders ?? []) if (p.ProviderName && p.ClientId) names.add(`${p.ProviderName}:${p.ClientId}`);
  for (const arn of s.OpenIdConnectProviderARNs ?? []) names.add(arn.slice(arn.indexOf('oidc-provider/') + 'oidc-provider/'.length));
  for (const arn of s.SamlProviderARNs ?? []) names.add(arn);
  return names;
}

/** The settings of `pool` with the roles and mappings of a SetIdentityPoolRoles request, or InvalidParameterException. */
export function withRoles(
  pool: IdentityPoolRecord,
  roles: Record<string, string>,
  mappings: Record<string, RoleMapping> | undefined,
): IdentityPoolSettings {
  for (const [key, arn] of Object.entries(roles)) {
    if (!ROLE_KEYS.has(key)) throw new InvalidParameterException(`Invalid key in Roles: ${key}. Valid keys are authenticated and unauthenticated.`); // wording ours
    checkRoleArn(arn);
  }
  const entries = Object.entries(mappings ?? {});
  if (entries.length > MAX_ROLE_MAPPINGS) throw new InvalidParameterException(`RoleMappings can have at most ${MAX_ROLE_MAPPINGS} entries.`); // wording ours
  const providers = providersOf(pool.settings);
  for (const [provider, m] of entries) {
    if (!providers.has(provider)) throw new InvalidParameterException(`${provider} is not a login provider of this identity pool.`); // wording ours
    if (!m.AmbiguousRoleResolution) throw new InvalidParameterException('AmbiguousRoleResolution must be specified.'); // wording ours
    if (m.Type === 'Rules') {
      const rules = m.RulesConfiguration?.Rules ?? [];
      if (rules.length === 0) throw new InvalidParameterException('RulesConfiguration must be specified for a mapping of Type Rules.'); // wording ours
      if (rules.length > MAX_RULES) throw new InvalidParameterException(`A role mapping can have at most ${MAX_RULES} rules.`); // wording ours
      for (const r of rules) checkRoleArn(r.RoleARN);
    }
  }
  const { Roles: _r, RoleMappings: _m, ...rest } = pool.settings;
  return {
    ...rest,
    ...(Object.keys(roles).length ? { Roles: { ...roles } } : {}),
    ...(entries.length ? { RoleMappings: structuredClone(mappings) } : {}),
  };
}
