// grant_type=client_credentials (RFC 6749 §4.4; COGNITO-API §7.2): a scoped access token for an app client itself.
import type { Deps } from '../../deps.ts';
import type { ClientRecord } from '../../storage/records.ts';
import { mintClientToken } from '../../tokens/mint.ts';
import { tokenValiditySeconds } from '../../user-pools/domain/clients.ts';
import { customScopesOf } from '../../user-pools/domain/resource-servers.ts';
import { runPreTokenGeneration } from '../../user-pools/triggers/pre-token-generation.ts';
import { OAuthError } from '../errors.ts';

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
}

/** `aws_client_metadata`: URL-encoded JSON of string values for the PreTokenGeneration function (developer guide, token endpoint). */
function clientMetadataOf(v: string | null): Record<string, string> | undefined {
  if (v === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw new OAuthError('invalid_request');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((x) => typeof x !== 'string'))
    throw new OAuthError('invalid_request');
  return parsed as Record<string, string>;
}

/**
 * The client must allow OAuth flows with client_credentials among them (else unauthorized_client). `scope`, when given,
 * names space-separated scopes that must each be among the client's AllowedOAuthScopes and still defined by a resource
 * server (else invalid_scope); left out, it means every custom scope the client has. A pool's PreTokenGeneration
 * function of version V3_0 then runs as TokenGeneration_ClientCredentials and may change the access token's claims
 * and scopes; errors it throws are the AWS errors of the trigger runner (the endpoint answers them).
 */
export async function clientCredentialsGrant(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'privateKeys' | 'config' | 'triggers'>,
  client: ClientRecord,
  form: URLSearchParams,
  userAgent: string | undefined,
): Promise<TokenResponse> {
  const s = client.settings;
  if (!s.AllowedOAuthFlowsUserPoolClient || !(s.AllowedOAuthFlows ?? []).includes('client_credentials')) throw new OAuthError('unauthorized_client');
  // A scope whose resource server was deleted or changed since the client was saved is no longer granted.
  const defined = await customScopesOf(deps, client.poolId);
  const allowed = (s.AllowedOAuthScopes ?? []).filter((x) => defined.has(x));
  const asked = form.get('scope');
  let scopes: string[];
  if (asked === null) scopes = allowed;
  else {
    scopes = [...new Set(asked.split(' ').filter((x) => x !== ''))];
    if (scopes.some((x) => !allowed.includes(x))) throw new OAuthError('invalid_scope');
  }
  if (scopes.length === 0) throw new OAuthError('invalid_scope');
  const clientMetadata = clientMetadataOf(form.get('aws_client_metadata'));

  const pool = await deps.store.pools.get(client.poolId);
  const custom = pool
    ? await runPreTokenGeneration(deps, pool, {
        source: 'TokenGeneration_ClientCredentials',
        caller: { clientId: client.id, ...(userAgent !== undefined ? { userAgent } : {}) },
        groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null },
        scopes,
        ...(clientMetadata ? { clientMetadata } : {}),
      })
    : null;
  if (custom) {
    const suppressed = new Set(custom.accessToken.scopesToSuppress);
    scopes = [...new Set([...scopes.filter((x) => !suppressed.has(x)), ...custom.accessToken.scopesToAdd])];
  }
  const { accessToken, expiresIn } = await mintClientToken(deps, {
    poolId: client.poolId,
    clientId: client.id,
    scopes,
    validitySeconds: tokenValiditySeconds(s).access,
    ...(custom ? { claims: custom.accessToken.claimsToAddOrOverride, suppress: custom.accessToken.claimsToSuppress } : {}),
  });
  return { access_token: accessToken, expires_in: expiresIn, token_type: 'Bearer' };
}
