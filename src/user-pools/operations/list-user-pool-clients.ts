// ListUserPoolClients: the pool's app clients in creation order, a page at a time.
import { defineOperation } from '../../protocol/operation.ts';
import { InvalidCursorError } from '../../storage/store.ts';
import { InvalidParameterException } from '../errors.ts';
import { DEFAULT_LIST_LIMIT, summarizeClient } from '../domain/clients.ts';
import { getPool } from '../domain/pools.ts';
import type { ListUserPoolClientsRequest, ListUserPoolClientsResponse } from '../shapes.ts';

export default defineOperation<ListUserPoolClientsRequest, ListUserPoolClientsResponse>({
  service: 'cognito-idp',
  name: 'ListUserPoolClients',
  async handle(input, deps) {
    await getPool(deps, input.UserPoolId);
    try {
      const page = await deps.store.clients.list(input.UserPoolId, input.MaxResults ?? DEFAULT_LIST_LIMIT, input.NextToken);
      return { UserPoolClients: page.items.map(summarizeClient), ...(page.next ? { NextToken: page.next } : {}) };
    } catch (e) {
      // Wording not confirmed against the real service.
      if (e instanceof InvalidCursorError) throw new InvalidParameterException('Invalid pagination token.');
      throw e;
    }
  },
});
