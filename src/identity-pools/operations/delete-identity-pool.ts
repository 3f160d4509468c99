// DeleteIdentityPool: removes the identity pool.
import { defineOperation } from '../../protocol/operation.ts';
import { identityPoolNotFound } from '../pools.ts';
import type { DeleteIdentityPoolInput } from '../shapes.ts';

export default defineOperation<DeleteIdentityPoolInput, Record<string, never>>({
  service: 'cognito-identity',
  name: 'DeleteIdentityPool',
  async handle(input, deps) {
    if (!(await deps.store.identityPools.delete(input.IdentityPoolId))) throw identityPoolNotFound(input.IdentityPoolId);
    return {};
  },
});
