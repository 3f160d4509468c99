// DeleteUserPoolClient: removes the app client from its pool.
import { defineOperation } from '../../protocol/operation.ts';
import { clientNotFound, getClient } from '../domain/clients.ts';
import { getPool } from '../domain/pools.ts';
import type { DeleteUserPoolClientRequest } from '../shapes.ts';

export default defineOperation<DeleteUserPoolClientRequest, Record<string, never>>({
  service: 'cognito-idp',
  name: 'DeleteUserPoolClient',
  async handle(input, deps) {
    await getPool(deps, input.UserPoolId);
    await getClient(deps, input.UserPoolId, input.ClientId);
    if (!(await deps.store.clients.delete(input.UserPoolId, input.ClientId))) clientNotFound(input.ClientId);
    return {};
  },
});
