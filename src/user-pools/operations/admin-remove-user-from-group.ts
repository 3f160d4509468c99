// AdminRemoveUserFromGroup: takes a user out of a group (a user who was not in it is no error).
import { defineOperation } from '../../protocol/operation.ts';
import { getGroup } from '../domain/groups.ts';
import { getPool } from '../domain/pools.ts';
import { findUserBySignInName, userNotFound } from '../domain/users.ts';
import type { AdminRemoveUserFromGroupRequest } from '../shapes.ts';

export default defineOperation<AdminRemoveUserFromGroupRequest, Record<string, never>>({
  service: 'cognito-idp',
  name: 'AdminRemoveUserFromGroup',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    const user = await findUserBySignInName(deps, pool, input.Username);
    if (!user) throw userNotFound();
    const group = await getGroup(deps, pool.id, input.GroupName);
    await deps.store.groups.removeMember(pool.id, group.name, user.usernameKey);
    return {};
  },
});
