// Logins by ID tokens of Cognate's own user pools (the pool's CognitoIdentityProviders): the token verified as
// GetUser verifies it, its issuer and audience matched to the provider, and its session checked where the provider
// asks for ServerSideTokenCheck.
import type { IdentityPoolRecord } from '../../storage/records.ts';
import { verifySignedToken } from '../../tokens/verify.ts';
import { expiredLogin, invalidLogin, type LoginDeps, type VerifiedLogin } from './login.ts';

type UserPoolProvider = NonNullable<IdentityPoolRecord['settings']['CognitoIdentityProviders']>[number];

/**
 * The local user pool a provider name means, under either of its names: AWS's `cognito-idp.{region}.amazonaws.com/{id}`
 * or this server's issuer without its scheme (`127.0.0.1:9330/{id}`), which is what Amplify makes of the ID token's iss.
 */
function localPoolOf(deps: Pick<LoginDeps, 'config'>, name: string): string | undefined {
  const own = deps.config.publicUrl.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  for (const prefix of [`cognito-idp.${deps.config.region}.amazonaws.com/`, `${own}/`]) {
    const rest = name.startsWith(prefix) ? name.slice(prefix.length) : '';
    if (rest && !rest.includes('/')) return rest;
  }
  return undefined;
}

/**
 * The pool's CognitoIdentityProviders entries a Logins key names: by their configured name, else by the other name of
 * the same local user pool. A pool may name one user pool several times, once per app client (role mappings are keyed
 * by the client), so this is a list; the token's audience picks the entry.
 */
export function userPoolProviders(deps: Pick<LoginDeps, 'config'>, pool: IdentityPoolRecord, provider: string): UserPoolProvider[] {
  const all = (pool.settings.CognitoIdentityProviders ?? []).filter((p) => p.ProviderName);
  const named = all.filter((p) => p.ProviderName === provider);
  if (named.length) return named;
  const local = localPoolOf(deps, provider);
  return local ? all.filter((p) => localPoolOf(deps, p.ProviderName!) === local) : [];
}

/**
 * Whether `provider` (as configured on the pool) names the user pool that issued a token with issuer `iss`: the
 * AWS-style `cognito-idp.{region}.amazonaws.com/{UserPoolId}` (the local pool), or the issuer without its scheme.
 */
function providerIssued(deps: LoginDeps, provider: string, iss: string, poolId: string): boolean {
  return provider === `cognito-idp.${deps.config.region}.amazonaws.com/${poolId}` || provider === iss.replace(/^https?:\/\//, '');
}

/** A login by a user pool's ID token; `provider` in the answer is the name the pool configured (logins link by it). */
export async function userPoolLogin(deps: LoginDeps, cfgs: UserPoolProvider[], token: string): Promise<VerifiedLogin> {
  const signed = await verifySignedToken(deps, token, 'id');
  if (!signed.ok) {
    if (signed.reason === 'expired') {
      const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).exp;
      throw expiredLogin(exp, deps.clock.now());
    }
    throw invalidLogin('Not a valid OpenId Connect identity token.');
  }
  const { claims, poolId } = signed;
  const provider = cfgs[0]!.ProviderName!;
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
