// Identities of identity pools: GetId's guest identities and logins by ID tokens of Cognate's own user pools, and the
// IdentityDescription shape DescribeIdentity answers.
import type { Deps } from '../deps.ts';
import type { IdentityPoolRecord } from '../storage/records.ts';
import type { IdentityRecord } from '../storage/store.ts';
import { verifySignedToken } from '../tokens/verify.ts';
import { InvalidParameterException, NotAuthorizedException, ResourceNotFoundException } from './errors.ts';
import type { IdentityDescription } from './shapes.ts';

type IdentityDeps = Pick<Deps, 'store' | 'clock' | 'caches' | 'config' | 'random'>;

/** A new identity record of `pool`: `{region}:{uuid}`, as Cognito's. */
export function newIdentity(deps: IdentityDeps, pool: IdentityPoolRecord): IdentityRecord {
  const now = deps.clock.now();
  return { id: `${deps.config.region}:${deps.random.uuid()}`, poolId: pool.id, createdAt: now, modifiedAt: now, logins: [] };
}

const invalidLogin = (why: string) => new NotAuthorizedException(`Invalid login token. ${why}`);

/**
 * Whether `provider` (as configured on the pool) names the user pool that issued a token with issuer `iss`: the
 * AWS-style `cognito-idp.{region}.amazonaws.com/{UserPoolId}` (the local pool), or the issuer without its scheme.
 */
function providerIssued(deps: IdentityDeps, provider: string, iss: string, poolId: string): boolean {
  return provider === `cognito-idp.${deps.config.region}.amazonaws.com/${poolId}` || provider === iss.replace(/^https?:\/\//, '');
}

/**
 * The local user pool a provider name means, under either of its names: AWS's `cognito-idp.{region}.amazonaws.com/{id}`
 * or this server's issuer without its scheme (`127.0.0.1:9330/{id}`), which is what Amplify makes of the ID token's iss.
 */
function localPoolOf(deps: IdentityDeps, name: string): string | undefined {
  const own = deps.config.publicUrl.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  for (const prefix of [`cognito-idp.${deps.config.region}.amazonaws.com/`, `${own}/`]) {
    const rest = name.startsWith(prefix) ? name.slice(prefix.length) : '';
    if (rest && !rest.includes('/')) return rest;
  }
  return undefined;
}

/** The pool's configured user-pool provider a Logins key names: by its configured name, or by the other name of its pool. */
function configuredProvider(deps: IdentityDeps, pool: IdentityPoolRecord, provider: string) {
  const all = pool.settings.CognitoIdentityProviders ?? [];
  const local = localPoolOf(deps, provider);
  return all.find((p) => p.ProviderName === provider) ?? (local ? all.find((p) => p.ProviderName && localPoolOf(deps, p.ProviderName) === local) : undefined);
}

/** One verified login: the provider user id (Cognito's "sub" of the provider) and the token's claims, if it had any. */
export interface VerifiedLogin {
  /** the provider as the pool names it (whichever name of a local user pool the request used): logins link by it */
  provider: string;
  sub: string;
  claims: Record<string, unknown>;
}

/** One login of a GetId/GetOpenIdToken/GetCredentialsForIdentity request, verified as Cognito does for its provider. */
export async function verifyLogin(deps: IdentityDeps, pool: IdentityPoolRecord, provider: string, token: string): Promise<VerifiedLogin> {
  const cfg = configuredProvider(deps, pool, provider);
  if (!cfg?.ProviderName) {
    if (pool.settings.SupportedLoginProviders?.[provider] !== undefined) {
      throw invalidLogin('Logins from public providers are not supported by Cognate.'); // wording ours
    }
    throw new NotAuthorizedException('Token is not from a supported provider of this identity pool.');
  }
  const signed = await verifySignedToken(deps, token, 'id');
  if (!signed.ok) {
    if (signed.reason === 'expired') {
      const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).exp;
      throw invalidLogin(`Token expired: ${exp} >= ${Math.floor(deps.clock.now() / 1000)}`);
    }
    throw invalidLogin('Not a valid OpenId Connect identity token.');
  }
  const { claims, poolId } = signed;
  if (!providerIssued(deps, cfg.ProviderName, String(claims.iss), poolId)) throw invalidLogin("Issuer doesn't match providerName");
  if (claims.aud !== cfg.ClientId) throw invalidLogin('Incorrect token audience.'); // wording ours
  if (cfg.ServerSideTokenCheck) {
    // As GetUser: the session the token was issued in must not be revoked (sign-out, RevokeToken) or gone.
    const session = await deps.store.sessions.get(claims.origin_jti);
    if (!session || session.revokedAt !== null || session.poolId !== poolId || session.clientId !== claims.aud) {
      throw invalidLogin('Token has been revoked.'); // wording ours
    }
  }
  return { provider: cfg.ProviderName, sub: claims.sub, claims };
}

/** GetId: a new guest identity without logins (if the pool allows them), else the identity of the login. */
export async function identityFor(deps: IdentityDeps, pool: IdentityPoolRecord, logins: Record<string, string> | undefined): Promise<IdentityRecord> {
  const entries = Object.entries(logins ?? {});
  if (entries.length === 0) {
    if (!pool.settings.AllowUnauthenticatedIdentities) throw new NotAuthorizedException('Unauthenticated access is not supported for this identity pool.');
    const guest = newIdentity(deps, pool);
    await deps.store.identities.create(guest);
    return guest;
  }
  if (entries.length > 1) throw new InvalidParameterException('Cognate does not yet link several logins in one request.'); // wording ours
  const [key, token] = entries[0]!;
  const { provider, sub } = await verifyLogin(deps, pool, key, token);
  return deps.store.identities.forLogin(newIdentity(deps, pool), provider, sub);
}

export async function getIdentity(deps: Pick<Deps, 'store'>, id: string): Promise<IdentityRecord> {
  const identity = await deps.store.identities.get(id);
  if (!identity) throw new ResourceNotFoundException(`Identity '${id}' not found.`);
  return identity;
}

export function describeIdentity(i: IdentityRecord): IdentityDescription {
  return { IdentityId: i.id, Logins: i.logins, CreationDate: i.createdAt / 1000, LastModifiedDate: i.modifiedAt / 1000 };
}
