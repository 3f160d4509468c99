// Identities of identity pools: GetId's guest identities and logins by ID tokens of Cognate's own user pools, and the
// IdentityDescription shape DescribeIdentity answers.
import type { Deps } from '../deps.ts';
import type { IdentityPoolRecord } from '../storage/records.ts';
import type { IdentityRecord } from '../storage/store.ts';
import { verifySignedToken } from '../tokens/verify.ts';
import { COGNITO_IDENTITY_LOGIN, COGNITO_TOKEN_REFUSED, verifyIdentityPoolLogin } from './developer.ts';
import { InvalidParameterException, NotAuthorizedException, ResourceNotFoundException } from './errors.ts';
import type { IdentityDescription } from './shapes.ts';

type IdentityDeps = Pick<Deps, 'store' | 'clock' | 'caches' | 'config' | 'random' | 'secrets'>;

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

/** One verified login: the provider user id (Cognito's "sub" of the provider) and the token's claims, if it had any. */
export interface VerifiedLogin {
  provider: string;
  sub: string;
  claims: Record<string, unknown>;
  /** For an identity-pool token (developer.ts): the identity it proves, and its amr after "authenticated". */
  identityId?: string;
  amr?: string[];
}

/** One login of a GetId/GetOpenIdToken/GetCredentialsForIdentity request, verified as Cognito does for its provider. */
export async function verifyLogin(deps: IdentityDeps, pool: IdentityPoolRecord, provider: string, token: string): Promise<VerifiedLogin> {
  if (provider === COGNITO_IDENTITY_LOGIN) return verifyIdentityPoolLogin(deps, pool, token);
  // A pool may name one user pool several times, once per app client (role mappings are keyed by the client).
  const cfgs = pool.settings.CognitoIdentityProviders?.filter((p) => p.ProviderName === provider) ?? [];
  if (cfgs.length === 0) {
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
  if (!providerIssued(deps, provider, String(claims.iss), poolId)) throw invalidLogin("Issuer doesn't match providerName");
  const cfg = cfgs.find((p) => p.ClientId === claims.aud);
  if (!cfg) throw invalidLogin('Incorrect token audience.'); // wording ours
  if (cfg.ServerSideTokenCheck) {
    // As GetUser: the session the token was issued in must not be revoked (sign-out, RevokeToken) or gone.
    const session = await deps.store.sessions.get(claims.origin_jti);
    if (!session || session.revokedAt !== null || session.poolId !== poolId || session.clientId !== claims.aud) {
      throw invalidLogin('Token has been revoked.'); // wording ours
    }
  }
  return { provider, sub: claims.sub, claims };
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
  const [provider, token] = entries[0]!;
  const { sub, identityId } = await verifyLogin(deps, pool, provider, token);
  if (identityId !== undefined) throw new NotAuthorizedException(COGNITO_TOKEN_REFUSED);
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
