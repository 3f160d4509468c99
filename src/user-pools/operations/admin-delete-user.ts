// AdminDeleteUser: removes a user with their codes, sessions and refresh tokens.
import { defineOperation } from '../../protocol/operation.ts';
import { findUserForAdmin } from '../domain/admin-users.ts';
import { getPool } from '../domain/pools.ts';
import type { AdminDeleteUserRequest } from '../shapes.ts';
import { userNotFound } from '../domain/users.ts';

export default defineOperation<AdminDeleteUserRequest, Record<string, never>>({
  service: 'cognito-idp',
  name: 'AdminDeleteUser',
  auth: 'sigv4',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    const user = await findUserForAdmin(deps, pool, input.Username);
    // The store removes the user's codes, sessions and refresh tokens with them: their tokens are refused from now on.
    if (!(await deps.store.users.delete(pool.id, user.usernameKey))) throw userNotFound();
    return {};
  },
});
