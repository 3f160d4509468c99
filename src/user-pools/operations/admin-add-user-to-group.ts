// AdminAddUserToGroup: puts a user in a group; their next tokens carry it in cognito:groups (and its role, if any).
import { defineOperation } from '../../protocol/operation.ts';
import { InvalidParameterException } from '../errors.ts';
import { getGroup, MAX_GROUPS_PER_USER } from '../domain/groups.ts';
import { getPool } from '../domain/pools.ts';
import { findUserBySignInName, userNotFound } from '../domain/users.ts';
import type { AdminAddUserToGroupRequest } from '../shapes.ts';

export default defineOperation<AdminAddUserToGroupRequest, Record<string, never>>({
  service: 'cognito-idp',
  name: 'AdminAddUserToGroup',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    // "Username … can be any of their alias attributes" (API reference).
    const user = await findUserBySignInName(deps, pool, input.Username);
    if (!user) throw userNotFound();
    const group = await getGroup(deps, pool.id, input.GroupName);
    // Adding a member twice is not an error.
    const r = await deps.store.groups.addMember(pool.id, group.name, user.usernameKey, MAX_GROUPS_PER_USER);
    // The model declares no LimitExceededException here, so the 100-groups-per-user quota answers
    // InvalidParameterException (as AddCustomAttributes' quota); the wording is ours.
    if (r === 'limit') throw new InvalidParameterException(`A user can belong to at most ${MAX_GROUPS_PER_USER} groups.`);
    return {};
  },
});
