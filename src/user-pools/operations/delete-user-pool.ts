// DeleteUserPool: removes the pool and everything in it, unless deletion protection is on or a domain remains.
import { defineOperation } from '../../protocol/operation.ts';
import { checkDeletable, getPool, poolNotFound } from '../domain/pools.ts';
import type { DeleteUserPoolRequest } from '../shapes.ts';

export default defineOperation<DeleteUserPoolRequest, Record<string, never>>({
  service: 'cognito-idp',
  name: 'DeleteUserPool',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    checkDeletable(pool, await deps.store.domains.listForPool(pool.id));
    if (!(await deps.store.pools.delete(pool.id))) throw poolNotFound(pool.id);
    return {};
  },
});
