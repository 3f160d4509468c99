// AdminGetUser: a user's username, attributes, dates, status and MFA settings, named by username, alias or sub.
import { defineOperation } from '../../protocol/operation.ts';
import { adminGetUserResponse, findUserForAdmin } from '../domain/admin-users.ts';
import { getPool } from '../domain/pools.ts';
import type { AdminGetUserRequest, AdminGetUserResponse } from '../shapes.ts';

export default defineOperation<AdminGetUserRequest, AdminGetUserResponse>({
  service: 'cognito-idp',
  name: 'AdminGetUser',
  auth: 'sigv4',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    return adminGetUserResponse(await findUserForAdmin(deps, pool, input.Username));
  },
});
