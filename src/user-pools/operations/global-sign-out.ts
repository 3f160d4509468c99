// GlobalSignOut: the user (by their access token) ends every session: refresh tokens die, access tokens are refused.
import { defineOperation } from '../../protocol/operation.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import type { GlobalSignOutRequest, GlobalSignOutResponse } from '../shapes.ts';

export default defineOperation<GlobalSignOutRequest, GlobalSignOutResponse>({
  service: 'cognito-idp',
  name: 'GlobalSignOut',
  async handle(input, deps) {
    const { pool, user } = await authenticateAccessToken(deps, input.AccessToken);
    await deps.store.sessions.revokeAllForUser(pool.id, user.username, deps.clock.now());
    return {};
  },
});
