// AdminGetUserAuthFactors: a user's MFA settings and the first factors they can use with USER_AUTH, for an administrator.
import { defineOperation } from '../../protocol/operation.ts';
import { findUserForAdmin } from '../domain/admin-users.ts';
import { getPool } from '../domain/pools.ts';
import { userAuthFactors } from '../sign-in/flows/user-auth.ts';
import type { AdminGetUserAuthFactorsRequest, AdminGetUserAuthFactorsResponse } from '../shapes.ts';

export default defineOperation<AdminGetUserAuthFactorsRequest, AdminGetUserAuthFactorsResponse>({
  service: 'cognito-idp',
  name: 'AdminGetUserAuthFactors',
  auth: 'sigv4',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    return userAuthFactors(deps, pool, await findUserForAdmin(deps, pool, input.Username));
  },
});
