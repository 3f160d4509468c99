// Logins from the pool's OpenIdConnectProviderARNs (`arn:aws:iam::{account}:oidc-provider/{host/path}`): the Logins
// key is the ARN's `{host/path}`, the token's issuer `https://{host/path}` (or the URL --identity-providers gives for
// it), verified against that issuer's published keys.
import type { IdentityPoolRecord } from '../../storage/records.ts';
import { verifyOidcLogin } from './oidc.ts';
import { providerUrl, type LoginDeps, type VerifiedLogin } from './login.ts';

const MARK = ':oidc-provider/';

/** The pool's OpenIdConnectProviderARNs entry whose provider name is `provider`, if any. */
export function oidcProviderArn(pool: IdentityPoolRecord, provider: string): string | undefined {
  return pool.settings.OpenIdConnectProviderARNs?.find((arn) => arn.includes(MARK) && arn.slice(arn.indexOf(MARK) + MARK.length) === provider);
}

export async function openIdConnectLogin(deps: LoginDeps, provider: string, token: string): Promise<VerifiedLogin> {
  const url = providerUrl(deps, provider, `https://${provider}`);
  // Cognate keeps no IAM OIDC provider records, so no client id list is known: any audience is taken.
  return verifyOidcLogin(deps, { provider, url, issuers: [...new Set([`https://${provider}`, url])] }, token);
}
