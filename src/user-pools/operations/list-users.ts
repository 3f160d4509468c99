// ListUsers: the pool's users in creation order, a page at a time, optionally filtered by one indexed condition.
import { defineOperation } from '../../protocol/operation.ts';
import { withPaginationToken } from '../domain/groups.ts';
import { attributesToGet, listedUser, listUsersLimit, userFilterOf } from '../domain/list-users-filter.ts';
import { getPool } from '../domain/pools.ts';
import type { ListUsersRequest, ListUsersResponse } from '../shapes.ts';

export default defineOperation<ListUsersRequest, ListUsersResponse>({
  service: 'cognito-idp',
  name: 'ListUsers',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    const only = attributesToGet(pool, input.AttributesToGet);
    const filter = userFilterOf(pool, input.Filter);
    // The store orders by (creation time, username key): users added while a client pages come after its cursor.
    const page = await withPaginationToken(() =>
      deps.store.users.list(pool.id, { filter, limit: listUsersLimit(input.Limit), cursor: input.PaginationToken }),
    );
    return { Users: page.items.map((u) => listedUser(u, only)), ...(page.next ? { PaginationToken: page.next } : {}) };
  },
});
