// RevokeToken: ends the session a refresh token belongs to; its refresh token dies and its access tokens are refused.
import { defineOperation } from '../../protocol/operation.ts';
import { clientSecretMatches, clientSecrets } from '../domain/clients.ts';
import { revokeRefreshToken } from '../domain/revocation.ts';
import { UnauthorizedException, UnsupportedOperationException, UnsupportedTokenTypeException } from '../errors.ts';
import type { RevokeTokenRequest, RevokeTokenResponse } from '../shapes.ts';

/**
 * The model declares UnauthorizedException (bad client), UnsupportedOperationException (revocation disabled on the
 * client) and UnsupportedTokenTypeException (not a refresh token) for these cases; their messages are ours.
 */
export const REVOKE_TOKEN_MESSAGES = {
  client: 'Client authentication failed.',
  disabled: 'Token revocation is not enabled for this client.',
  tokenType: 'Only refresh tokens can be revoked.',
} as const;

export default defineOperation<RevokeTokenRequest, RevokeTokenResponse>({
  service: 'cognito-idp',
  name: 'RevokeToken',
  async handle(input, deps) {
    const M = REVOKE_TOKEN_MESSAGES;
    const client = await deps.store.clients.get(input.ClientId);
    if (!client) throw new UnauthorizedException(M.client);
    const secrets = clientSecrets(deps, client);
    if (secrets.length && !clientSecretMatches(secrets, input.ClientSecret)) throw new UnauthorizedException(M.client);
    const outcome = await revokeRefreshToken(deps, client, input.Token);
    if (outcome === 'disabled') throw new UnsupportedOperationException(M.disabled);
    if (outcome === 'token-type') throw new UnsupportedTokenTypeException(M.tokenType);
    if (outcome === 'other-client') throw new UnauthorizedException(M.client);
    return {};
  },
});
