// DeleteResourceServer: removes the server; its scopes stop being grantable.
import { defineOperation } from '../../protocol/operation.ts';
import { getPool } from '../domain/pools.ts';
import { getResourceServer } from '../domain/resource-servers.ts';
import type { DeleteResourceServerRequest } from '../shapes.ts';

export default defineOperation<DeleteResourceServerRequest, Record<string, never>>({
  service: 'cognito-idp',
  name: 'DeleteResourceServer',
  async handle(input, deps) {
    await getPool(deps, input.UserPoolId);
    if (!(await deps.store.resourceServers.delete(input.UserPoolId, input.Identifier))) await getResourceServer(deps, input.UserPoolId, input.Identifier);
    return {};
  },
});
