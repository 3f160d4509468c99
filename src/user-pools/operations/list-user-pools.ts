// ListUserPools: the account's pools in creation order, MaxResults (1–60, checked at the edge) a page.
import { defineOperation } from '../../protocol/operation.ts';
import { InvalidCursorError } from '../../storage/store.ts';
import { InvalidParameterException } from '../errors.ts';
import { describePoolBriefly } from '../domain/pools.ts';
import type { ListUserPoolsRequest, ListUserPoolsResponse } from '../shapes.ts';

export default defineOperation<ListUserPoolsRequest, ListUserPoolsResponse>({
  service: 'cognito-idp',
  name: 'ListUserPools',
  async handle(input, deps) {
    try {
      const page = await deps.store.pools.list(input.MaxResults, input.NextToken);
      return { UserPools: page.items.map(describePoolBriefly), ...(page.next ? { NextToken: page.next } : {}) };
    } catch (e) {
      // Wording ours: Cognito's text for a token it did not issue was not found.
      if (e instanceof InvalidCursorError) throw new InvalidParameterException('Invalid pagination token.');
      throw e;
    }
  },
});
