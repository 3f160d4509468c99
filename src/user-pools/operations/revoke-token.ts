// RevokeToken: ends the session a refresh token belongs to; its refresh token dies and its access tokens are refused.
import { defineOperation } from '../../protocol/operation.ts';
import { looksLikeRefreshToken, refreshTokenHash } from '../../tokens/mint.ts';
import { clientSecretMatches, clientSecrets } from '../domain/clients.ts';
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
    if (client.settings.EnableTokenRevocation === false) throw new UnsupportedOperationException(M.disabled);
    // ID and access tokens are JWTs (three segments); refresh tokens are shaped as JWEs (five).
    if (!looksLikeRefreshToken(input.Token)) throw new UnsupportedTokenTypeException(M.tokenType);

    const session = (await deps.store.sessions.getRefreshTokenWithSession(refreshTokenHash(input.Token)))?.session;
    // Unknown and already revoked tokens are a success: revoking twice answers 200 with nothing to say (observed,
    // re:Post "Revoke token API is not returning any exception if same refresh token passed again").
    if (!session) return {};
    if (session.clientId !== client.id) throw new UnauthorizedException(M.client);
    await deps.store.sessions.revoke(session.originJti, deps.clock.now());
    return {};
  },
});
