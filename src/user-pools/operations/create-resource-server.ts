// CreateResourceServer: a new OAuth 2.0 resource server of the pool, with its custom scopes.
import { defineOperation } from '../../protocol/operation.ts';
import type { ResourceServerRecord } from '../../storage/store.ts';
import { LimitExceededException } from '../errors.ts';
import { getPool } from '../domain/pools.ts';
import { MAX_RESOURCE_SERVERS, resourceServerExists, resourceServerType, scopesFrom } from '../domain/resource-servers.ts';
import type { CreateResourceServerRequest, CreateResourceServerResponse } from '../shapes.ts';

export default defineOperation<CreateResourceServerRequest, CreateResourceServerResponse>({
  service: 'cognito-idp',
  name: 'CreateResourceServer',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    const now = deps.clock.now();
    const server: ResourceServerRecord = {
      poolId: pool.id,
      identifier: input.Identifier,
      name: input.Name,
      scopes: scopesFrom(input.Scopes),
      createdAt: now,
      updatedAt: now,
    };
    const r = await deps.store.resourceServers.create(server, MAX_RESOURCE_SERVERS);
    if (r === 'exists') throw resourceServerExists(input.Identifier, pool.id);
    // Wording ours: Cognito's text for the quota was not found.
    if (r === 'limit') throw new LimitExceededException(`A user pool can have at most ${MAX_RESOURCE_SERVERS} resource servers.`);
    return { ResourceServer: resourceServerType(server) };
  },
});
