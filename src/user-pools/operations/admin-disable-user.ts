// AdminDisableUser: the user can no longer sign in, and every session they have is revoked.
import { defineOperation } from '../../protocol/operation.ts';
import { findUserForAdmin } from '../domain/admin-users.ts';
import { getPool } from '../domain/pools.ts';
import { changeUser } from '../domain/sign-up.ts';
import type { AdminDisableUserRequest, AdminDisableUserResponse } from '../shapes.ts';
import { userNotFound } from '../domain/users.ts';

export default defineOperation<AdminDisableUserRequest, AdminDisableUserResponse>({
  service: 'cognito-idp',
  name: 'AdminDisableUser',
  auth: 'sigv4',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    const user = await findUserForAdmin(deps, pool, input.Username);
    if (user.enabled) {
      const out = await changeUser(deps, pool, user.usernameKey, () => ({ enabled: false }));
      if (!out) throw userNotFound();
    }
    // "Deactivates a user profile and revokes all access tokens for the user" (API reference): the sessions go, so
    // their access and refresh tokens stay refused after AdminEnableUser too. Sign-in answers NotAuthorizedException
    // "User is disabled." (sign-in/steps.ts). Disabling a disabled user succeeds (idempotent; no error is declared for it).
    await deps.store.sessions.revokeAllForUser(pool.id, user.username, deps.clock.now());
    return {};
  },
});
