// ListResourceServers: the pool's resource servers by identifier, a page at a time.
import { defineOperation } from '../../protocol/operation.ts';
import { withPaginationToken } from '../domain/groups.ts';
import { getPool } from '../domain/pools.ts';
import { MAX_RESOURCE_SERVER_LIST, resourceServerType } from '../domain/resource-servers.ts';
import type { ListResourceServersRequest, ListResourceServersResponse } from '../shapes.ts';

export default defineOperation<ListResourceServersRequest, ListResourceServersResponse>({
  service: 'cognito-idp',
  name: 'ListResourceServers',
  async handle(input, deps) {
    await getPool(deps, input.UserPoolId);
    const limit = Math.min(input.MaxResults ?? MAX_RESOURCE_SERVER_LIST, MAX_RESOURCE_SERVER_LIST);
    const page = await withPaginationToken(() => deps.store.resourceServers.list(input.UserPoolId, limit, input.NextToken));
    return { ResourceServers: page.items.map(resourceServerType), ...(page.next ? { NextToken: page.next } : {}) };
  },
});
