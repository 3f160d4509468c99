// ListUsersInGroup: a group's members as UserType, a page at a time.
import { defineOperation } from '../../protocol/operation.ts';
import { getGroup, groupListLimit, withPaginationToken } from '../domain/groups.ts';
import { listedUser } from '../domain/list-users-filter.ts';
import { getPool } from '../domain/pools.ts';
import type { ListUsersInGroupRequest, ListUsersInGroupResponse } from '../shapes.ts';

export default defineOperation<ListUsersInGroupRequest, ListUsersInGroupResponse>({
  service: 'cognito-idp',
  name: 'ListUsersInGroup',
  async handle(input, deps) {
    await getPool(deps, input.UserPoolId);
    const group = await getGroup(deps, input.UserPoolId, input.GroupName);
    const page = await withPaginationToken(() =>
      deps.store.groups.listMembers(group.poolId, group.name, groupListLimit(input.Limit), input.NextToken),
    );
    return { Users: page.items.map((u) => listedUser(u)), ...(page.next ? { NextToken: page.next } : {}) };
  },
});
