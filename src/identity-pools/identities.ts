// Identities of identity pools: GetId's guest identities and the identities of verified logins (linked and merged
// where one request names several), and the IdentityDescription shape DescribeIdentity answers.
import type { Deps } from '../deps.ts';
import type { IdentityPoolRecord } from '../storage/records.ts';
import type { IdentityRecord } from '../storage/store.ts';
import type { LoginKey } from '../storage/interfaces/identities.ts';
import { COGNITO_IDENTITY_LOGIN, COGNITO_TOKEN_REFUSED, verifyIdentityPoolLogin } from './developer.ts';
import { LimitExceededException, NotAuthorizedException, ResourceConflictException, ResourceNotFoundException } from './errors.ts';
import type { VerifiedLogin } from './providers/login.ts';
import { oidcProviderArn, openIdConnectLogin } from './providers/openid-connect.ts';
import { publicLogin, publicProviderApp } from './providers/public.ts';
import { samlLogin, samlProviderArn } from './providers/saml.ts';
import { userPoolLogin, userPoolProviders } from './providers/user-pool.ts';
import type { IdentityDescription } from './shapes.ts';

export type { VerifiedLogin };

type IdentityDeps = Pick<Deps, 'store' | 'clock' | 'caches' | 'config' | 'random' | 'secrets'>;

/** A new identity record of `pool`: `{region}:{uuid}`, as Cognito's. */
export function newIdentity(deps: IdentityDeps, pool: IdentityPoolRecord): IdentityRecord {
  const now = deps.clock.now();
  return { id: `${deps.config.region}:${deps.random.uuid()}`, poolId: pool.id, createdAt: now, modifiedAt: now, logins: [] };
}

/** The most logins one identity holds (MergeDeveloperIdentities: "The number of linked logins is limited to 20"). */
export const MAX_LINKED_LOGINS = 20;

/**
 * One login of a GetId/GetOpenIdToken/GetCredentialsForIdentity request, verified as Cognito does for its kind of
 * provider: one module per kind in providers/, chosen here by how the pool names the provider.
 */
export async function verifyLogin(deps: IdentityDeps, pool: IdentityPoolRecord, provider: string, token: string): Promise<VerifiedLogin> {
  if (provider === COGNITO_IDENTITY_LOGIN) return verifyIdentityPoolLogin(deps, pool, token);
  const userPools = userPoolProviders(deps, pool, provider);
  if (userPools.length) return userPoolLogin(deps, userPools, token);
  const appId = publicProviderApp(pool, provider);
  if (appId !== undefined) return publicLogin(deps, provider, appId, token);
  const oidcArn = oidcProviderArn(pool, provider);
  if (oidcArn) return openIdConnectLogin(deps, oidcArn, provider, token);
  const samlArn = samlProviderArn(pool, provider);
  if (samlArn) return samlLogin(deps, samlArn, token);
  throw new NotAuthorizedException('Token is not from a supported provider of this identity pool.');
}

/**
 * GetId: a new guest identity without logins (if the pool allows them), else the one identity of the logins, all
 * verified: a new one linked to them all when none is linked yet; the rest linked to the identity one of them is
 * linked to; identities that several of them are linked to merged into the oldest (the implicit linking GetId does,
 * as Cognito: "Supplying multiple logins will create an implicit linked account").
 */
export async function identityFor(deps: IdentityDeps, pool: IdentityPoolRecord, logins: Record<string, string> | undefined): Promise<IdentityRecord> {
  const entries = Object.entries(logins ?? {});
  if (entries.length === 0) {
    if (!pool.settings.AllowUnauthenticatedIdentities) throw new NotAuthorizedException('Unauthenticated access is not supported for this identity pool.');
    const guest = newIdentity(deps, pool);
    await deps.store.identities.create(guest);
    return guest;
  }
  const verified: LoginKey[] = [];
  for (const [provider, token] of entries) {
    const login = await verifyLogin(deps, pool, provider, token);
    if (login.identityId !== undefined) throw new NotAuthorizedException(COGNITO_TOKEN_REFUSED);
    verified.push({ provider: login.provider, userId: login.sub });
  }
  return linkLogins(deps, pool, verified);
}

/** Refusal of one identity holding two users of `provider` (wording ours). */
export const differentUsers = (provider: string) => new ResourceConflictException(`The identities of these logins are linked to different users of ${provider}.`);

/** The one identity of `logins` (verified), linking and merging as identityFor says; refusals as Cognito's. */
export async function linkLogins(deps: IdentityDeps, pool: IdentityPoolRecord, logins: LoginKey[]): Promise<IdentityRecord> {
  const out = await deps.store.identities.link(newIdentity(deps, pool), logins, MAX_LINKED_LOGINS, deps.clock.now());
  if (out.refused === 'conflict') {
    // MergeDeveloperIdentities: "If the users to be merged are associated with the same public provider, but as two
    // different users, an exception will be thrown."
    throw differentUsers(out.provider);
  }
  if (out.refused === 'limit') throw new LimitExceededException(`An identity can have at most ${MAX_LINKED_LOGINS} linked logins.`); // wording ours
  return out.identity;
}

export async function getIdentity(deps: Pick<Deps, 'store'>, id: string): Promise<IdentityRecord> {
  const identity = await deps.store.identities.get(id);
  if (!identity) throw new ResourceNotFoundException(`Identity '${id}' not found.`);
  return identity;
}

export function describeIdentity(i: IdentityRecord): IdentityDescription {
  return { IdentityId: i.id, Logins: i.logins, CreationDate: i.createdAt / 1000, LastModifiedDate: i.modifiedAt / 1000 };
}
