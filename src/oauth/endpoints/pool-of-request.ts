// Which user pool an OAuth endpoint request is for: the path form `{public-url}/{UserPoolId}/oauth2/…` (under the pool's
// issuer), or the Host form `{prefix}.auth.{anything}` (as Amplify builds URLs from the domain) and a custom domain.
// Either way the pool must have a domain: Cognito serves its OAuth endpoints only on one.
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';

const PREFIX_HOST = /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.auth\./;

/** The pool id, or null when the path names no pool with a domain, or the Host no domain. */
export async function poolOfRequest(deps: Pick<Deps, 'store'>, req: FastifyRequest<{ Params: { poolId?: string } }>): Promise<string | null> {
  const { poolId } = req.params;
  if (poolId !== undefined) return (await deps.store.domains.listForPool(poolId)).length > 0 ? poolId : null;
  const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  const prefix = PREFIX_HOST.exec(host)?.[1];
  const byPrefix = prefix !== undefined ? await deps.store.domains.get(prefix) : null;
  if (byPrefix && !byPrefix.custom) return byPrefix.poolId;
  const custom = await deps.store.domains.get(host);
  return custom && custom.custom ? custom.poolId : null;
}

/** Whether the pool serves its OAuth endpoints (it has a domain), for the discovery document. */
export async function servesOAuth(deps: Pick<Deps, 'store'>, poolId: string): Promise<boolean> {
  return (await deps.store.domains.listForPool(poolId)).length > 0;
}
