// OAuth 2.0 resource servers of a user pool: quotas, lookups, the ResourceServerType they describe as, and the custom
// scopes (`{identifier}/{scope}`) they give app clients.
import type { Deps } from '../../deps.ts';
import type { ResourceServerRecord, ResourceServerScope } from '../../storage/store.ts';
import { InvalidParameterException, ResourceNotFoundException } from '../errors.ts';
import type { ResourceServerScopeType, ResourceServerType } from '../shapes.ts';

/** Resource servers per user pool (quotas page: 25). Scopes per server (100) are the model's list limit, checked at the edge. */
export const MAX_RESOURCE_SERVERS = 25;
/** ListResourceServers: MaxResults 1–50 (model); 50 when left out. */
export const MAX_RESOURCE_SERVER_LIST = 50;

// Wording ours (as moto answers; not confirmed against the real service).
export const resourceServerExists = (identifier: string, poolId: string) =>
  new InvalidParameterException(`${identifier} already exists in ${poolId}`);

export async function getResourceServer(deps: Pick<Deps, 'store'>, poolId: string, identifier: string): Promise<ResourceServerRecord> {
  const server = await deps.store.resourceServers.get(poolId, identifier);
  // Wording ours: Cognito's text was not found.
  if (!server) throw new ResourceNotFoundException(`Resource server ${identifier} does not exist in ${poolId}.`);
  return server;
}

/** The given scopes as stored; a name given twice is InvalidParameterException (wording ours). */
export function scopesFrom(given: readonly ResourceServerScopeType[] | undefined): ResourceServerScope[] {
  const seen = new Set<string>();
  return (given ?? []).map((s) => {
    if (seen.has(s.ScopeName)) throw new InvalidParameterException(`Duplicate scope name ${s.ScopeName}.`);
    seen.add(s.ScopeName);
    return { name: s.ScopeName, description: s.ScopeDescription };
  });
}

/** ResourceServerType in the model's member order; Scopes always a list, empty when the server has none. */
export function resourceServerType(s: ResourceServerRecord): ResourceServerType {
  return {
    UserPoolId: s.poolId,
    Identifier: s.identifier,
    Name: s.name,
    Scopes: s.scopes.map((x) => ({ ScopeName: x.name, ScopeDescription: x.description })),
  };
}

/** Every `{identifier}/{scope}` the pool's resource servers define. */
export async function customScopesOf(deps: Pick<Deps, 'store'>, poolId: string): Promise<Set<string>> {
  const servers = await deps.store.resourceServers.all(poolId);
  return new Set(servers.flatMap((s) => s.scopes.map((x) => `${s.identifier}/${x.name}`)));
}
