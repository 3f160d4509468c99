// DeleteUserPoolDomain: removes a domain the pool owns.
import { defineOperation } from '../../protocol/operation.ts';
import { InvalidParameterException } from '../errors.ts';
import { NOT_OWNED, ownedDomain } from '../domain/domains.ts';
import { getPool } from '../domain/pools.ts';
import type { DeleteUserPoolDomainRequest, DeleteUserPoolDomainResponse } from '../shapes.ts';

export default defineOperation<DeleteUserPoolDomainRequest, DeleteUserPoolDomainResponse>({
  service: 'cognito-idp',
  name: 'DeleteUserPoolDomain',
  async handle(input, deps) {
    await getPool(deps, input.UserPoolId);
    ownedDomain(await deps.store.domains.get(input.Domain), input.UserPoolId);
    if (!(await deps.store.domains.delete(input.Domain))) throw new InvalidParameterException(NOT_OWNED);
    return {};
  },
});
