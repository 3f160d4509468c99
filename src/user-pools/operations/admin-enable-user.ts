// AdminEnableUser: a disabled user may sign in again (their earlier sessions stay revoked).
import { defineOperation } from '../../protocol/operation.ts';
import { findUserForAdmin } from '../domain/admin-users.ts';
import { getPool } from '../domain/pools.ts';
import { changeUser } from '../domain/sign-up.ts';
import type { AdminEnableUserRequest, AdminEnableUserResponse } from '../shapes.ts';
import { userNotFound } from '../domain/users.ts';

export default defineOperation<AdminEnableUserRequest, AdminEnableUserResponse>({
  service: 'cognito-idp',
  name: 'AdminEnableUser',
  auth: 'sigv4',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    const user = await findUserForAdmin(deps, pool, input.Username);
    // Enabling an enabled user succeeds and changes nothing.
    if (!user.enabled && !(await changeUser(deps, pool, user.usernameKey, () => ({ enabled: true })))) throw userNotFound();
    return {};
  },
});
