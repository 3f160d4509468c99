// openid-client v6 set up against a pool's discovery document on this plain-HTTP test server, with the client
// authentication a test names.
import * as oidc from 'openid-client';

export type ClientAuthKind = 'basic' | 'post' | 'none';

export function discoverClient(issuer: string, clientId: string, secret: string | undefined, auth: ClientAuthKind): Promise<oidc.Configuration> {
  const method = auth === 'basic' ? oidc.ClientSecretBasic(secret) : auth === 'post' ? oidc.ClientSecretPost(secret) : oidc.None();
  return oidc.discovery(new URL(issuer), clientId, auth === 'none' ? {} : (secret ?? ''), method, { execute: [oidc.allowInsecureRequests] });
}
