// ListGroups: the pool's groups by name, a page at a time.
import { defineOperation } from '../../protocol/operation.ts';
import { groupListLimit, groupType, withPaginationToken } from '../domain/groups.ts';
import { getPool } from '../domain/pools.ts';
import type { ListGroupsRequest, ListGroupsResponse } from '../shapes.ts';

export default defineOperation<ListGroupsRequest, ListGroupsResponse>({
  service: 'cognito-idp',
  name: 'ListGroups',
  async handle(input, deps) {
    await getPool(deps, input.UserPoolId);
    const page = await withPaginationToken(() => deps.store.groups.list(input.UserPoolId, groupListLimit(input.Limit), input.NextToken));
    return { Groups: page.items.map(groupType), ...(page.next ? { NextToken: page.next } : {}) };
  },
});
