// AdminListGroupsForUser: the groups a user is in, a page at a time.
import { defineOperation } from '../../protocol/operation.ts';
import { groupListLimit, groupType, withPaginationToken } from '../domain/groups.ts';
import { getPool } from '../domain/pools.ts';
import { findUserBySignInName, userNotFound } from '../domain/users.ts';
import type { AdminListGroupsForUserRequest, AdminListGroupsForUserResponse } from '../shapes.ts';

export default defineOperation<AdminListGroupsForUserRequest, AdminListGroupsForUserResponse>({
  service: 'cognito-idp',
  name: 'AdminListGroupsForUser',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    const user = await findUserBySignInName(deps, pool, input.Username);
    if (!user) throw userNotFound();
    const page = await withPaginationToken(() =>
      deps.store.groups.listForUser(pool.id, user.usernameKey, groupListLimit(input.Limit), input.NextToken),
    );
    return { Groups: page.items.map(groupType), ...(page.next ? { NextToken: page.next } : {}) };
  },
});
