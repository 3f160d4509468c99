// Revoking a refresh token (RevokeToken and POST /oauth2/revoke): ends the session it belongs to, so the refresh token
// dies and the session's access tokens are refused (GetUser and the rest check the session).
import type { Deps } from '../../deps.ts';
import type { ClientRecord } from '../../storage/records.ts';
import { looksLikeRefreshToken, refreshTokenHash } from '../../tokens/mint.ts';

/**
 * 'disabled' when the client has EnableTokenRevocation off, 'token-type' for what is not shaped as a refresh token (ID
 * and access tokens are JWTs, three segments; refresh tokens are shaped as JWEs, five), 'other-client' for a refresh
 * token of another client (nothing revoked). Unknown and already revoked tokens are 'ok': revoking twice answers 200
 * with nothing to say (observed, re:Post "Revoke token API is not returning any exception if same refresh token passed
 * again").
 */
export async function revokeRefreshToken(
  deps: Pick<Deps, 'store' | 'clock'>,
  client: ClientRecord,
  token: string,
): Promise<'ok' | 'disabled' | 'token-type' | 'other-client'> {
  if (client.settings.EnableTokenRevocation === false) return 'disabled';
  if (!looksLikeRefreshToken(token)) return 'token-type';
  const session = (await deps.store.sessions.getRefreshTokenWithSession(refreshTokenHash(token)))?.session;
  if (!session) return 'ok';
  if (session.clientId !== client.id) return 'other-client';
  await deps.store.sessions.revoke(session.originJti, deps.clock.now());
  return 'ok';
}
