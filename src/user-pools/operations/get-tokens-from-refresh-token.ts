// GetTokensFromRefreshToken: new ID and access tokens for a refresh token; with rotation, a new refresh token too.
import { defineOperation } from '../../protocol/operation.ts';
import { clientNotFound, clientSecretMatches, clientSecrets } from '../domain/clients.ts';
import { secretMissing, secretWrong } from '../domain/secret-hash.ts';
import { issueTokens } from '../sign-in/issue-tokens.ts';
import { REFRESH_TOKEN_MESSAGES, refreshSession, rotationOf } from '../sign-in/refresh.ts';
import { checkRefreshDevice } from '../domain/devices.ts';
import { callerOf } from '../triggers/common.ts';
import { NotAuthorizedException } from '../errors.ts';
import type { GetTokensFromRefreshTokenRequest, GetTokensFromRefreshTokenResponse } from '../shapes.ts';

export default defineOperation<GetTokensFromRefreshTokenRequest, GetTokensFromRefreshTokenResponse>({
  service: 'cognito-idp',
  name: 'GetTokensFromRefreshToken',
  async handle(input, deps, ctx) {
    // The client and its pool in one read.
    const found = await deps.store.clients.getWithPool(input.ClientId);
    if (!found) clientNotFound(input.ClientId);
    const { client, pool } = found;
    const secrets = clientSecrets(deps, client);
    // The SECRET_HASH messages (§3.7): here the raw ClientSecret is what is missing or wrong.
    if (secrets.length && input.ClientSecret === undefined)
      throw new NotAuthorizedException(secretMissing(client.id));
    if (secrets.length && !clientSecretMatches(secrets, input.ClientSecret))
      throw new NotAuthorizedException(secretWrong(client.id));

    // Without rotation: new ID and access tokens only, auth_time and origin_jti carried over (§3.6). The tokens are
    // minted (PreTokenGeneration included) before a rotation is committed.
    const caller = callerOf(ctx, client.id);
    const { minted: r, newRefreshToken } = await refreshSession(deps, client, input.RefreshToken, { ...rotationOf(client), ...(pool ? { pool } : {}) }, async ({ pool, user, groups, session }) => {
      // A session signed in on a confirmed device refreshes only with that DeviceKey (as REFRESH_TOKEN_AUTH).
      await checkRefreshDevice(deps, pool.id, user, session.deviceKey, input.DeviceKey, REFRESH_TOKEN_MESSAGES.invalid);
      return issueTokens(deps, {
        pool,
        client,
        user,
        groups,
        session,
        // Only the session's own device key (checked against DeviceKey above): one copied from the request would put
        // any device_key in the access token.
        deviceKey: session.deviceKey,
        trigger: { source: 'TokenGeneration_RefreshTokens', caller, ...(input.ClientMetadata ? { clientMetadata: input.ClientMetadata } : {}) },
      });
    });
    return {
      AuthenticationResult: {
        AccessToken: r.AccessToken,
        ExpiresIn: r.ExpiresIn,
        TokenType: r.TokenType,
        ...(newRefreshToken !== undefined ? { RefreshToken: newRefreshToken } : {}),
        IdToken: r.IdToken,
      },
    };
  },
});
