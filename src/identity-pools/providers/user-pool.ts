// Logins by ID tokens of Cognate's own user pools (the pool's CognitoIdentityProviders): the token verified as
// GetUser verifies it, its issuer and audience matched to the provider, and its session checked where the provider
// asks for ServerSideTokenCheck.
import type { IdentityPoolRecord } from '../../storage/records.ts';
import { verifySignedToken } from '../../tokens/verify.ts';
import { expiredLogin, invalidLogin, type LoginDeps, type VerifiedLogin } from './login.ts';

type UserPoolProvider = NonNullable<IdentityPoolRecord['settings']['CognitoIdentityProviders']>[number];

/** The pool's CognitoIdentityProviders entry named `provider`, if any. */
export function userPoolProvider(pool: IdentityPoolRecord, provider: string): UserPoolProvider | undefined {
  return pool.settings.CognitoIdentityProviders?.find((p) => p.ProviderName === provider);
}

/**
 * Whether `provider` (as configured on the pool) names the user pool that issued a token with issuer `iss`: the
 * AWS-style `cognito-idp.{region}.amazonaws.com/{UserPoolId}` (the local pool), or the issuer without its scheme.
 */
function providerIssued(deps: LoginDeps, provider: string, iss: string, poolId: string): boolean {
  return provider === `cognito-idp.${deps.config.region}.amazonaws.com/${poolId}` || provider === iss.replace(/^https?:\/\//, '');
}

export async function userPoolLogin(deps: LoginDeps, cfg: UserPoolProvider, provider: string, token: string): Promise<VerifiedLogin> {
  const signed = await verifySignedToken(deps, token, 'id');
  if (!signed.ok) {
    if (signed.reason === 'expired') {
      const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).exp;
      throw expiredLogin(exp, deps.clock.now());
    }
    throw invalidLogin('Not a valid OpenId Connect identity token.');
  }
  const { claims, poolId } = signed;
  if (!providerIssued(deps, provider, String(claims.iss), poolId)) throw invalidLogin("Issuer doesn't match providerName");
  if (claims.aud !== cfg.ClientId) throw invalidLogin('Incorrect token audience.'); // wording ours
  if (cfg.ServerSideTokenCheck) {
    // As GetUser: the session the token was issued in must not be revoked (sign-out, RevokeToken) or gone.
    const session = await deps.store.sessions.get(claims.origin_jti);
    if (!session || session.revokedAt !== null || session.poolId !== poolId || session.clientId !== claims.aud) {
      throw invalidLogin('Token has been revoked.'); // wording ours
    }
  }
  return { provider, sub: claims.sub, claims };
}
