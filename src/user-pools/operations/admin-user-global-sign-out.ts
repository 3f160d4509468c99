// AdminUserGlobalSignOut: an administrator ends every session of a user (refresh tokens die, access tokens are refused).
import { defineOperation } from '../../protocol/operation.ts';
import { getPool } from '../domain/pools.ts';
import { findUserBySignInName, userNotFound } from '../domain/users.ts';
import type { AdminUserGlobalSignOutRequest, AdminUserGlobalSignOutResponse } from '../shapes.ts';

export default defineOperation<AdminUserGlobalSignOutRequest, AdminUserGlobalSignOutResponse>({
  service: 'cognito-idp',
  name: 'AdminUserGlobalSignOut',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    // "Username … can be any of their alias attributes" (API reference).
    const user = await findUserBySignInName(deps, pool, input.Username);
    if (!user) throw userNotFound();
    await deps.store.sessions.revokeAllForUser(pool.id, user.username, deps.clock.now());
    return {};
  },
});
