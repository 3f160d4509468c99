// What GetOpenIdToken and GetCredentialsForIdentity share (issue 10): an identity proven by its logins (or a guest
// identity where the pool allows guests; a guest signing in keeps its identity), its amr as Cognito writes it, and the
// role it gets (the pool's authenticated or unauthenticated role, or the one a role mapping picks by the login's token
// claims), whose trust policy must allow it (and allow sts:TagSession when principal tags ride along).
import type { Deps } from '../deps.ts';
import type { IdentityPoolRecord } from '../storage/records.ts';
import type { IdentityRecord } from '../storage/store.ts';
import { InvalidIdentityPoolConfigurationException, NotAuthorizedException } from './errors.ts';
import { differentUsers, getIdentity, linkLogins, verifyLogin, type VerifiedLogin } from './identities.ts';
import { getIdentityPool, identityPoolArn } from './pools.ts';
import { evaluate, parsePolicy } from './policy.ts';
import { roleNameOf } from './authorize.ts';
import type { RoleRecord } from '../storage/store.ts';
import { applyMapping, mappingFor } from './role-mappings.ts';
import { requestTagKeys } from './principal-tags.ts';

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
  // An identity whose last login was removed (UnlinkIdentity, UnlinkDeveloperIdentity) "becomes inaccessible" (API
  // reference), not a guest anyone knowing its id could use or sign in to. A guest's record changes only by gaining a
  // login, so no logins and a modification after creation mean logins were removed. Wording ours.
  if (identity.logins.length === 0 && identity.modifiedAt > identity.createdAt) throw new NotAuthorizedException('This identity has no linked logins left and is no longer accessible.');
  if (entries.length === 0) {
    if (identity.logins.length > 0) throw new NotAuthorizedException(LOGINS_MISMATCH);
    if (!pool.settings.AllowUnauthenticatedIdentities)
      throw new NotAuthorizedException('Unauthenticated access is not supported for this identity pool.');
    return { identity, pool, poolArn, authenticated: false, amr: ['unauthenticated'], logins: [] };
  }
  // A guest signing in keeps its identity, as Cognito does (Amplify asks with the guest id it has): a login linked
  // nowhere yet is linked to it, and a login already linked to another identity answers for that one, into which the
  // guest identity is merged: it is gone afterwards (developer guide, "Switching unauthenticated users to authenticated
  // users": the old identity takes the new one's identifier and its profile data is merged; Cognito disables it,
  // amplify-js#6616). Its Cognito Sync datasets move with it (storage: renamed "NAME.GUESTID" beside one of the same
  // name, which reports it in MergedDatasetNames).
  const guest = identity.logins.length === 0;
  let target = identity;
  const amr = ['authenticated'];
  const verified: VerifiedLogin[] = [];
  let unlinked = false;
  let ours = false;
  let linkedHere = false; // a login of the request (not an identity-pool token) is linked to the target
  for (const [key, token] of entries) {
    const login = await verifyLogin(deps, pool, key, token);
    const { provider, sub } = login;
    verified.push(login);
    // An identity-pool token (developer.ts) proves the identity it was minted for; other logins, the one linked to them.
    if (login.identityId !== undefined) {
      if (login.identityId !== identity.id) throw new NotAuthorizedException(LOGINS_MISMATCH);
      ours = true;
      amr.push(...(login.amr ?? []));
      continue;
    }
    const holder = await deps.store.identities.linked(pool.id, provider, sub);
    if (holder === null) unlinked = true;
    else if (holder === target.id) ours = linkedHere = true;
    else if (guest && entries.length === 1) {
      // A guest presenting a login linked to another identity (a returning user on a new device): that identity.
      target = await getIdentity(deps, holder);
      ours = linkedHere = true;
    } else throw new NotAuthorizedException(LOGINS_MISMATCH);
    amr.push(provider, `${provider}:CognitoSignIn:${sub}`);
  }
  const fresh = verified.filter((l) => l.identityId === undefined);
  if (!ours) {
    // Only a guest may gain logins that are linked nowhere yet (signing in keeps its identity id, as Cognito's); not
    // two users of one provider (under its two names), which link() refuses too.
    if (!guest) throw new NotAuthorizedException(LOGINS_MISMATCH);
    const twice = fresh.find((l, i) => fresh.some((o, j) => j < i && o.provider === l.provider && o.sub !== l.sub));
    if (twice) throw differentUsers(twice.provider);
    for (const l of fresh) {
      if ((await deps.store.identities.linkTo(identity.id, l.provider, l.sub, deps.clock.now())) !== identity.id) throw new NotAuthorizedException(LOGINS_MISMATCH);
    }
    target = await getIdentity(deps, identity.id);
  } else if (unlinked) {
    // At least one login is already this identity's; the others are linked to it ("Supplying multiple logins creates
    // an implicit link", as GetId).
    // Where only an identity-pool token proved the identity, one of its linked logins anchors the link to it (else
    // link() would make a new identity of the fresh logins, and leave it behind when refused below).
    const anchor = linkedHere ? [] : (await deps.store.identities.loginsOf(target.id)).slice(0, 1);
    if (anchor.length === 0 && !linkedHere) throw new NotAuthorizedException(LOGINS_MISMATCH);
    const linked = await linkLogins(deps, pool, [...anchor, ...fresh.map((l) => ({ provider: l.provider, userId: l.sub }))]);
    if (linked.id !== target.id) throw new NotAuthorizedException(LOGINS_MISMATCH);
    target = linked;
  }
  // The guest merged into the identity its login proved (a guest has no logins to move; it is deleted). Done last, once
  // every login of the request is proven: a refused request leaves the guest as it was.
  if (guest && target.id !== identity.id) target = (await deps.store.identities.merge(identity.id, target.id, deps.clock.now())) ?? target;
  return { identity: target, pool, poolArn, authenticated: true, amr, logins: verified };
}

/** The condition keys a role's trust policy and permission policies see for this identity. */
export function identityKeys(p: Pick<ProvenIdentity, 'identity' | 'pool' | 'amr'>): Record<string, string | string[]> {
  return { [`${NS}:aud`]: p.pool.id, [`${NS}:sub`]: p.identity.id, [`${NS}:amr`]: p.amr };
}

/** Whether `role`'s trust policy lets the identity pools federate into it (or tag the session) with these keys. */
export function trustAllows(role: RoleRecord, keys: Record<string, string | string[]>, action = 'sts:AssumeRoleWithWebIdentity'): boolean {
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
  return evaluate([{ ...trust, Statement: statements }], { action, resource: role.arn, keys }) === 'Allow';
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

/** Whether the role's trust policy allows the session these keys and principal tags describe (TagSession too, if tagged). */
export function trustAllowsSession(role: RoleRecord, keys: Record<string, string | string[]>, tags: Record<string, string>): boolean {
  if (!trustAllows(role, keys)) return false;
  return Object.keys(tags).length === 0 || trustAllows(role, { ...keys, ...requestTagKeys(tags) }, 'sts:TagSession');
}

/**
 * The ARN of the role the identity gets. A guest: the pool's unauthenticated role (CustomRoleArn may name only that).
 * A signed-in identity: the role the first login's role mapping picks (Cognito: "The ambiguous role mapping rules
 * for: … denied this request." where it says Deny), else for a SAML login the role its assertion offers (CustomRoleArn
 * choosing among several), else the pool's authenticated role, which CustomRoleArn may name.
 */
export function roleArnFor(p: ProvenIdentity, customRoleArn: string | undefined): string {
  const poolRole = p.pool.settings.Roles?.[p.authenticated ? 'authenticated' : 'unauthenticated'];
  const mapped = p.authenticated ? p.logins.map((l) => ({ l, m: mappingFor(p.pool.settings, l) })).find((x) => x.m) : undefined;
  const samlRoles = p.authenticated ? p.logins.find((l) => l.roles?.length)?.roles : undefined;
  if (mapped?.m) {
    const { key, mapping } = mapped.m;
    const natural = applyMapping(key, mapping, mapped.l.claims, undefined);
    const naturalArn = natural.kind === 'role' ? natural.arn : natural.kind === 'authenticated' ? poolRole : undefined;
    const r = customRoleArn === undefined || customRoleArn === naturalArn ? natural : applyMapping(key, mapping, mapped.l.claims, customRoleArn);
    if (r.kind === 'deny') throw new NotAuthorizedException(`The ambiguous role mapping rules for: ${r.key} denied this request.`);
    // Wording ours: the guide says only that access is denied when CustomRoleArn is not one the token offers.
    if (r.kind === 'refused') throw new NotAuthorizedException(`CustomRoleArn is not a role the role mapping for: ${key} offers this login.`);
    if (r.kind === 'role') return r.arn;
  } else if (samlRoles?.length) {
    // SAML (Developer Guide, "Customizing your user role with SAML"): the roles the assertion's Role attribute pairs
    // with this provider; CustomRoleArn picks one of them (or the pool's role), a single one needs no picking.
    if (customRoleArn !== undefined) {
      if (samlRoles.includes(customRoleArn)) return customRoleArn;
      if (customRoleArn !== poolRole) throw new NotAuthorizedException('CustomRoleArn is not a role the SAML assertion offers this login.'); // wording ours
    } else if (samlRoles.length === 1) return samlRoles[0]!;
  } else if (customRoleArn !== undefined && customRoleArn !== poolRole) throw new InvalidIdentityPoolConfigurationException(BAD_CONFIG);
  if (!poolRole) throw new InvalidIdentityPoolConfigurationException(BAD_CONFIG);
  return poolRole;
}

/** The role the identity gets (roleArnFor), which must exist and trust the identity pools for this identity. */
export async function roleFor(deps: Deps, p: ProvenIdentity, customRoleArn: string | undefined, tags: Record<string, string> = {}): Promise<RoleRecord> {
  const arn = roleArnFor(p, customRoleArn);
  const role = await deps.store.roles.get(roleNameOf(arn));
  if (!role || role.arn !== arn || !trustAllowsSession(role, identityKeys(p), tags)) throw new InvalidIdentityPoolConfigurationException(BAD_CONFIG);
  return role;
}
