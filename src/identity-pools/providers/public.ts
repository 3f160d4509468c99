// Logins from the public providers of the pool's SupportedLoginProviders (provider name → the app's id there):
// Google and Sign in with Apple by their OpenID Connect ID tokens, Facebook, Login with Amazon and Twitter by asking
// the provider about the token.
import type { IdentityPoolRecord } from '../../storage/records.ts';
import { amazonLogin, AMAZON } from './amazon.ts';
import { facebookLogin, FACEBOOK } from './facebook.ts';
import { invalidLogin, providerUrl, type LoginDeps, type VerifiedLogin } from './login.ts';
import { verifyOidcLogin } from './oidc.ts';
import { twitterLogin, TWITTER } from './twitter.ts';

const GOOGLE = 'accounts.google.com';
const APPLE = 'appleid.apple.com';

/** The app id the pool configures for public provider `provider`, if it configures the provider. */
export function publicProviderApp(pool: IdentityPoolRecord, provider: string): string | undefined {
  return pool.settings.SupportedLoginProviders?.[provider];
}

/** An OIDC public provider: its ID token's audience must be the app id. */
function idTokenLogin(deps: LoginDeps, provider: string, appId: string, token: string, bareIssuer: boolean): Promise<VerifiedLogin> {
  const url = providerUrl(deps, provider, `https://${provider}`);
  const issuers = [url, `https://${provider}`, ...(bareIssuer ? [provider] : [])]; // Google also issues "iss":"accounts.google.com"
  return verifyOidcLogin(deps, { provider, url, issuers, audiences: [appId] }, token);
}

export async function publicLogin(deps: LoginDeps, provider: string, appId: string, token: string): Promise<VerifiedLogin> {
  switch (provider) {
    case GOOGLE:
      return idTokenLogin(deps, provider, appId, token, true);
    case APPLE:
      return idTokenLogin(deps, provider, appId, token, false);
    case FACEBOOK:
      return facebookLogin(deps, appId, token);
    case AMAZON:
      return amazonLogin(deps, appId, token);
    case TWITTER:
      return twitterLogin(deps, appId, token);
    default:
      // www.digits.com (retired by Twitter in 2017) and anything else CreateIdentityPool let through.
      throw invalidLogin(`Logins from ${provider} are not supported.`); // wording ours
  }
}
