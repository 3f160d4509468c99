// ListIdentityPools: the account's identity pools in creation order, MaxResults (1–60, checked at the edge) a page.
import { defineOperation } from '../../protocol/operation.ts';
import { InvalidCursorError } from '../../storage/store.ts';
import { InvalidParameterException } from '../errors.ts';
import type { ListIdentityPoolsInput, ListIdentityPoolsResponse } from '../shapes.ts';

export default defineOperation<ListIdentityPoolsInput, ListIdentityPoolsResponse>({
  service: 'cognito-identity',
  name: 'ListIdentityPools',
  async handle(input, deps) {
    try {
      const page = await deps.store.identityPools.list(input.MaxResults, input.NextToken);
      return {
        IdentityPools: page.items.map((p) => ({ IdentityPoolId: p.id, IdentityPoolName: p.name })),
        ...(page.next ? { NextToken: page.next } : {}),
      };
    } catch (e) {
      // Wording ours: Cognito's text for a token it did not issue was not found.
      if (e instanceof InvalidCursorError) throw new InvalidParameterException('Invalid pagination token.');
      throw e;
    }
  },
});
