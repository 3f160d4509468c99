// REFRESH_TOKEN_AUTH / REFRESH_TOKEN: new ID and access tokens, the same refresh token (none in the answer).
import { checkSecretHash, requireSecretHashPresent, secretHashNames } from '../../domain/secret-hash.ts';
import { param, type AuthContext, type AuthDeps, type AuthOutput } from '../context.ts';
import { issueTokens } from '../issue-tokens.ts';
import { REFRESH_TOKEN_MESSAGES, refreshSession } from '../refresh.ts';
import { checkRefreshDevice } from '../../domain/devices.ts';

export async function refreshTokenAuth(deps: AuthDeps, ctx: AuthContext, params: Record<string, string>): Promise<AuthOutput> {
  const token = param(params, 'REFRESH_TOKEN');
  requireSecretHashPresent(deps, ctx.client, params.SECRET_HASH);
  // No rotation on this flow (only GetTokensFromRefreshToken rotates).
  const { minted: result } = await refreshSession(deps, ctx.client, token, { rotate: false, pool: ctx.pool }, async ({ pool, user, groups, session }) => {
    // The hash is over the internal username (§3.7); accept the other names too.
    checkSecretHash(deps, ctx.client, params.SECRET_HASH, secretHashNames(undefined, user));
    // A session signed in on a confirmed device refreshes only with that DEVICE_KEY; tokens carry the session's.
    await checkRefreshDevice(deps, pool.id, user, session.deviceKey, params.DEVICE_KEY, REFRESH_TOKEN_MESSAGES.invalid);
    // InitiateAuth passes its ClientMetadata to no token trigger (API reference).
    return issueTokens(deps, { pool, client: ctx.client, user, groups, session, trigger: { source: 'TokenGeneration_RefreshTokens', caller: ctx.caller } });
  });
  const { RefreshToken: _dropped, ...rest } = result;
  return { ChallengeParameters: {}, AuthenticationResult: rest };
}
