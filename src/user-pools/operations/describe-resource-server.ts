// DescribeResourceServer: one resource server of the pool and its scopes.
import { defineOperation } from '../../protocol/operation.ts';
import { getPool } from '../domain/pools.ts';
import { getResourceServer, resourceServerType } from '../domain/resource-servers.ts';
import type { DescribeResourceServerRequest, DescribeResourceServerResponse } from '../shapes.ts';

export default defineOperation<DescribeResourceServerRequest, DescribeResourceServerResponse>({
  service: 'cognito-idp',
  name: 'DescribeResourceServer',
  async handle(input, deps) {
    await getPool(deps, input.UserPoolId);
    return { ResourceServer: resourceServerType(await getResourceServer(deps, input.UserPoolId, input.Identifier)) };
  },
});
