// UpdateResourceServer: replaces the server's name and scopes (Scopes left out means none, as Cognito's update
// operations reset what they are not given).
import { defineOperation } from '../../protocol/operation.ts';
import { getPool } from '../domain/pools.ts';
import { getResourceServer, resourceServerType, scopesFrom } from '../domain/resource-servers.ts';
import type { UpdateResourceServerRequest, UpdateResourceServerResponse } from '../shapes.ts';

export default defineOperation<UpdateResourceServerRequest, UpdateResourceServerResponse>({
  service: 'cognito-idp',
  name: 'UpdateResourceServer',
  async handle(input, deps) {
    await getPool(deps, input.UserPoolId);
    const current = await getResourceServer(deps, input.UserPoolId, input.Identifier);
    const next = { ...current, name: input.Name, scopes: scopesFrom(input.Scopes), updatedAt: deps.clock.now() };
    // Deleted in between: answered as if it had been gone before.
    if (!(await deps.store.resourceServers.update(next))) await getResourceServer(deps, input.UserPoolId, input.Identifier);
    return { ResourceServer: resourceServerType(next) };
  },
});
