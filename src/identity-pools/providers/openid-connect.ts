// Logins from the pool's OpenIdConnectProviderARNs (`arn:aws:iam::{account}:oidc-provider/{host/path}`): the Logins
// key is the ARN's `{host/path}`; the token's issuer is the URL the IAM OIDC provider of that ARN registers (else
// `https://{host/path}`, or the URL --identity-providers gives it), verified against that issuer's published keys;
// its audience one of the IAM provider's client ids, where it lists any.
import type { IdentityPoolRecord } from '../../storage/records.ts';
import { verifyOidcLogin } from './oidc.ts';
import { providerUrl, type LoginDeps, type VerifiedLogin } from './login.ts';

const MARK = ':oidc-provider/';

/** The pool's OpenIdConnectProviderARNs entry whose provider name is `provider`, if any. */
export function oidcProviderArn(pool: IdentityPoolRecord, provider: string): string | undefined {
  return pool.settings.OpenIdConnectProviderARNs?.find((arn) => arn.includes(MARK) && arn.slice(arn.indexOf(MARK) + MARK.length) === provider);
}

export async function openIdConnectLogin(deps: LoginDeps, arn: string, provider: string, token: string): Promise<VerifiedLogin> {
  const registered = await deps.store.oidcProviders.get(arn);
  const url = registered?.url ?? providerUrl(deps, provider, `https://${provider}`);
  // Without a registered provider, or one listing no client ids, no audience list is known: any audience is taken.
  const audiences = registered?.clientIds.length ? registered.clientIds : undefined;
  return verifyOidcLogin(deps, { provider, url, issuers: [...new Set([`https://${provider}`, url])], audiences }, token);
}
