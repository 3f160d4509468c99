// OpenID Connect ID tokens from outside issuers (OpenIdConnectProviderARNs, and Google and Sign in with Apple among
// the SupportedLoginProviders): the issuer's key set found by its discovery document, cached per issuer; the
// issuer, audience and expiry checked in the order and words Cognito answers them.
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import { ExternalServiceException } from '../errors.ts';
import { expiredLogin, getJson, invalidLogin, type LoginDeps, type VerifiedLogin } from './login.ts';

/** Asymmetric algorithms only: a key set never verifies an HMAC ("alg":"HS256" signed with a public key). */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface OidcCheck {
  /** the Logins key the token came under */
  provider: string;
  /** the URL the issuer is reached at (its discovery document is `{url}/.well-known/openid-configuration`) */
  url: string;
  /** `iss` values accepted (the URL, and for Google also the bare host) */
  issuers: string[];
  /** `aud` values accepted; undefined: any (an OIDC provider with no client ids known) */
  audiences?: string[];
}

/** The issuer's key set: its discovery document's jwks_uri, fetched on first use and kept per issuer. */
async function keySetOf(deps: LoginDeps, url: string) {
  const cached = deps.caches.remoteJwks.get(url);
  if (cached) return cached;
  const { status, json } = await getJson(`${url}/.well-known/openid-configuration`);
  const jwksUri = json?.jwks_uri;
  if (status !== 200 || typeof jwksUri !== 'string' || !/^https?:\/\//.test(jwksUri)) {
    throw new ExternalServiceException(`${new URL(url).host} published no OpenID configuration.`); // wording ours
  }
  const set = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: 10_000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  deps.caches.remoteJwks.set(url, set);
  return set;
}

export async function verifyOidcLogin(deps: LoginDeps, check: OidcCheck, token: string): Promise<VerifiedLogin> {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch {
    throw invalidLogin('Not a valid OpenId Connect identity token.');
  }
  if (typeof claims.iss !== 'string' || !check.issuers.includes(claims.iss)) throw invalidLogin("Issuer doesn't match providerName");
  if (claims.aud === undefined) throw invalidLogin('Missing a required claim: aud');
  const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (check.audiences && !auds.some((a) => check.audiences!.includes(a))) throw invalidLogin('Incorrect token audience.'); // wording ours
  if (typeof claims.exp !== 'number') throw invalidLogin('Missing a required claim: exp');
  if (claims.exp * 1000 <= deps.clock.now()) throw expiredLogin(claims.exp, deps.clock.now());
  if (typeof claims.sub !== 'string' || claims.sub === '') throw invalidLogin('Missing a required claim: sub');
  try {
    await jwtVerify(token, await keySetOf(deps, check.url), { algorithms: ALGORITHMS, currentDate: new Date(deps.clock.now()) });
  } catch (e) {
    if (e instanceof ExternalServiceException) throw e;
    // The key set could not be fetched: the provider's fault, not the token's.
    if (e instanceof errors.JWKSTimeout || (e instanceof Error && !(e instanceof errors.JOSEError))) {
      throw new ExternalServiceException(`${new URL(check.url).host} did not answer its key set.`); // wording ours
    }
    throw invalidLogin('Not a valid OpenId Connect identity token.'); // bad signature, unknown key, nbf in the future
  }
  return { provider: check.provider, sub: claims.sub, claims: claims as Record<string, unknown> };
}
