// Principal tags (attributes for access control): per login provider of an identity pool, a map of session tag →
// token claim (SetPrincipalTagAttributeMap), or the defaults (Cognito's "Default provider mappings": `username` ← `sub`,
// `client` ← `aud`). When credentials are issued, each tag takes its claim's value from the verified login's token and
// rides in the session as `aws:PrincipalTag/{tag}`; the role's trust policy must then also allow `sts:TagSession`, as
// AWS requires for session tags ("Using attributes for access control policy example").
import type { IdentityPoolSettings } from '../storage/records.ts';
import { InvalidParameterException } from './errors.ts';
import type { VerifiedLogin } from './identities.ts';
import { TAGS_CLAIM } from './openid.ts';

export type PrincipalTagMap = NonNullable<IdentityPoolSettings['PrincipalTagMaps']>[string];

/** The default mapping Cognito applies to user pool, OIDC and social providers: user id and client id. */
export const DEFAULT_PRINCIPAL_TAGS: Readonly<Record<string, string>> = Object.freeze({ client: 'aud', username: 'sub' });

/** STS's rules for a session tag: key 1–128, value 0–256 characters, letters, digits, spaces and `_.:/=+-@`. */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const MAX_SESSION_TAGS = 50;

/** The login provider names of a pool that principal tags may be set for (as its Logins maps name them). */
export function loginProvidersOf(s: IdentityPoolSettings): Set<string> {
  const names = new Set<string>(Object.keys(s.SupportedLoginProviders ?? {}));
  for (const p of s.CognitoIdentityProviders ?? []) if (p.ProviderName) names.add(p.ProviderName);
  for (const arn of s.OpenIdConnectProviderARNs ?? []) names.add(arn.slice(arn.indexOf('oidc-provider/') + 'oidc-provider/'.length));
  for (const arn of s.SamlProviderARNs ?? []) names.add(arn);
  return names;
}

/** The map a SetPrincipalTagAttributeMap request stores, or InvalidParameterException (wording ours). */
export function principalTagMap(settings: IdentityPoolSettings, provider: string, useDefaults: boolean | undefined, tags: Record<string, string> | undefined): PrincipalTagMap {
  if (!loginProvidersOf(settings).has(provider)) throw new InvalidParameterException(`${provider} is not a login provider of this identity pool.`);
  if (useDefaults) return { UseDefaults: true, PrincipalTags: { ...DEFAULT_PRINCIPAL_TAGS } };
  const out: Record<string, string> = {};
  for (const [tag, claim] of Object.entries(tags ?? {})) {
    if (!TAG_CHARS.test(tag) || tag.toLowerCase().startsWith('aws:')) throw new InvalidParameterException(`Invalid principal tag key: ${tag}`);
    out[tag] = claim;
  }
  return { UseDefaults: false, PrincipalTags: out };
}

/**
 * GetOpenIdTokenForDeveloperIdentity's PrincipalTags, which become the token's session tags. The model has checked
 * the map's size (≤ 50) and the lengths of keys (1–128) and values (1–256); STS's rules for a session tag's characters
 * and its reserved `aws:` prefix are checked here, so that no token carries tags STS would refuse (wording ours).
 */
export function developerPrincipalTags(tags: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags ?? {})) {
    if (!TAG_CHARS.test(key) || key.toLowerCase().startsWith('aws:')) throw new InvalidParameterException(`Invalid principal tag key: ${key}`);
    if (!TAG_CHARS.test(value)) throw new InvalidParameterException(`Invalid principal tag value for key: ${key}`);
    out[key] = value;
  }
  return out;
}

/**
 * The session tags an identity-pool OpenID token carries (`{"principal_tags": {"key": ["value"]}}` in its
 * `https://aws.amazon.com/tags` claim; a value may also be a plain string) as tag → value; anything else, none.
 */
export function sessionTagsOf(claim: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  const p = claim && typeof claim === 'object' ? (claim as { principal_tags?: unknown }).principal_tags : undefined;
  if (!p || typeof p !== 'object' || Array.isArray(p)) return tags;
  for (const [k, v] of Object.entries(p as Record<string, unknown>)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (typeof value === 'string') tags[k] = value;
  }
  return tags;
}

/**
 * The session tags of the request's verified logins (the first login naming a tag wins): an identity-pool token
 * (the login cognito-identity.amazonaws.com, e.g. a developer token) carries its own, as STS reads them from it;
 * another login's come from its claims by the pool's map for its provider.
 */
export function principalTagsFor(settings: IdentityPoolSettings, logins: VerifiedLogin[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const login of logins) {
    if (login.identityId !== undefined) {
      for (const [tag, value] of Object.entries(sessionTagsOf(login.claims[TAGS_CLAIM]))) {
        if (!Object.hasOwn(tags, tag) && Object.keys(tags).length < MAX_SESSION_TAGS) tags[tag] = value;
      }
      continue;
    }
    const map = settings.PrincipalTagMaps?.[login.provider];
    if (!map) continue;
    const wanted = map.UseDefaults ? DEFAULT_PRINCIPAL_TAGS : map.PrincipalTags;
    for (const [tag, claim] of Object.entries(wanted)) {
      if (Object.hasOwn(tags, tag) || Object.keys(tags).length >= MAX_SESSION_TAGS) continue;
      const v = Object.hasOwn(login.claims, claim) ? login.claims[claim] : undefined;
      // A claim the token lacks, or one that is no valid session tag value (an object, an array, too long), sets no tag.
      if (!['string', 'number', 'boolean'].includes(typeof v)) continue;
      const value = String(v);
      if (value.length <= 256 && TAG_CHARS.test(value)) tags[tag] = value;
    }
  }
  return tags;
}

/** The condition keys a TagSession check sees for these tags (aws:RequestTag/{key}, aws:TagKeys). */
export function requestTagKeys(tags: Record<string, string>): Record<string, string | string[]> {
  const keys: Record<string, string | string[]> = { 'aws:TagKeys': Object.keys(tags) };
  for (const [k, v] of Object.entries(tags)) keys[`aws:RequestTag/${k}`] = v;
  return keys;
}
