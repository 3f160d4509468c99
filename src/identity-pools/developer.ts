// Developer-authenticated identities (issue 10): the pool's developer provider, the OpenID tokens
// GetOpenIdTokenForDeveloperIdentity mints, and those tokens as the login `cognito-identity.amazonaws.com` of
// GetCredentialsForIdentity / GetOpenIdToken (Cognito's "enhanced flow" for developer identities).
import type { Deps } from '../deps.ts';
import type { IdentityPoolRecord } from '../storage/records.ts';
import type { IdentityRecord } from '../storage/store.ts';
import { InvalidParameterException, NotAuthorizedException, ResourceNotFoundException } from './errors.ts';
import type { VerifiedLogin } from './identities.ts';
import { verifyOpenIdToken } from './openid.ts';

/** The login name under which an identity-pool OpenID token is given back to Cognito (developer guide, JavaScript). */
export const COGNITO_IDENTITY_LOGIN = 'cognito-identity.amazonaws.com';

/** Observed answer when GetId is given an identity-pool token as a login (aws-amplify/amplify-js#388). */
export const COGNITO_TOKEN_REFUSED = "Invalid login token. Can't pass in a Cognito token.";

/** Default TokenDuration (API reference: 15 minutes; the model's range 1–86400 is checked at the edge). */
export const DEFAULT_TOKEN_SECONDS = 900;
/** DeveloperUserIdentifier: 1–1024 characters (service model). */
const MAX_IDENTIFIER = 1024;

/** Cognito's answer (observed, danilop/LambdAuth#32) for a developer provider name the pool does not have. */
const UNSUPPORTED = 'This identity pool does not support the specified developer provider.';

// Wording ours: Cognito's texts for these were not found.
export const IDENTIFIER_NOT_LINKED = 'The developer user identifier is not linked to an identity.';
export const IDENTIFIER_LINKED_ELSEWHERE = 'The developer user identifier is linked to a different identity.';

/** The pool's developer provider name, which `name` (when given) must be; NotAuthorizedException otherwise. */
export function developerProvider(pool: IdentityPoolRecord, name?: string): string {
  const dev = pool.settings.DeveloperProviderName;
  if (dev === undefined || (name !== undefined && name !== dev)) throw new NotAuthorizedException(UNSUPPORTED);
  return dev;
}

/** The developer login of a Logins map: the pool's developer provider name and the user identifier it maps to. */
export function developerLogin(pool: IdentityPoolRecord, logins: Record<string, string>): { dev: string; userId: string } {
  const dev = developerProvider(pool);
  const userId = logins[dev];
  if (userId === undefined) throw new NotAuthorizedException(UNSUPPORTED);
  // The map's values are model-checked as tokens (up to 50,000 characters); an identifier is 1–1024.
  if (userId.length < 1 || userId.length > MAX_IDENTIFIER)
    throw new InvalidParameterException(`1 validation error detected: Value at 'logins.${dev}' failed to satisfy constraint: Member must have length between 1 and ${MAX_IDENTIFIER}`);
  return { dev, userId };
}

/** Cognito's amr for a developer login (COGNITO-API §3.8). */
export function developerAmr(dev: string, poolId: string, identifier: string): string[] {
  return ['authenticated', dev, `${dev}:${poolId}:${identifier}`];
}

const invalidLogin = (why: string) => new NotAuthorizedException(`Invalid login token. ${why}`);

/**
 * The login `cognito-identity.amazonaws.com`: an authenticated OpenID token this installation minted for an identity
 * of `pool` (aud), not expired. The identity it proves is its sub, which the caller compares with the identity asked
 * about; its amr (after "authenticated") is carried over as the identity's amr.
 */
export async function verifyIdentityPoolLogin(deps: Pick<Deps, 'store' | 'secrets' | 'config' | 'clock' | 'caches'>, pool: IdentityPoolRecord, token: string): Promise<VerifiedLogin> {
  const v = await verifyOpenIdToken(deps, token);
  if (!v.ok) {
    if (v.reason === 'expired') {
      const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).exp;
      throw invalidLogin(`Token expired: ${exp} >= ${Math.floor(deps.clock.now() / 1000)}`);
    }
    throw invalidLogin('Not a valid OpenId Connect identity token.');
  }
  const { claims } = v;
  if (claims.aud !== pool.id) throw invalidLogin('Incorrect token audience.'); // wording ours
  const amr = Array.isArray(claims.amr) ? claims.amr.map(String) : [];
  // A guest's token (amr ["unauthenticated"]) proves no login: it must not make its identity an authenticated one.
  if (amr[0] !== 'authenticated' || typeof claims.sub !== 'string') throw invalidLogin('Not an authenticated identity token.'); // wording ours
  return { provider: COGNITO_IDENTITY_LOGIN, sub: claims.sub, claims, identityId: claims.sub, amr: amr.slice(1) };
}

/** The identity `id` of `pool`: ResourceNotFoundException when there is none, or it is another pool's. */
export async function identityOfPool(deps: Pick<Deps, 'store'>, pool: IdentityPoolRecord, id: string): Promise<IdentityRecord> {
  const identity = await deps.store.identities.get(id);
  if (!identity || identity.poolId !== pool.id) throw new ResourceNotFoundException(`Identity '${id}' not found.`);
  return identity;
}

/**
 * Seconds left on the identity-pool tokens among `logins` (Infinity when there are none): GetOpenIdToken's token for
 * such a login lasts no longer than it, so a short TokenDuration cannot be stretched by exchanging tokens in a chain.
 */
export function tokenLoginSecondsLeft(deps: Pick<Deps, 'clock'>, logins: VerifiedLogin[]): number {
  const now = Math.floor(deps.clock.now() / 1000);
  return Math.min(Infinity, ...logins.filter((l) => l.identityId !== undefined).map((l) => Math.max(1, Number(l.claims.exp) - now)));
}
