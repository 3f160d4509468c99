// ListIdentities: a pool's identities in creation order, MaxResults (1–60, checked at the edge) a page. HideDisabled
// is accepted: Cognate disables no identity.
import { defineOperation } from '../../protocol/operation.ts';
import { InvalidCursorError } from '../../storage/store.ts';
import { InvalidParameterException } from '../errors.ts';
import { describeIdentity } from '../identities.ts';
import { getIdentityPool } from '../pools.ts';
import type { ListIdentitiesInput, ListIdentitiesResponse } from '../shapes.ts';

export default defineOperation<ListIdentitiesInput, ListIdentitiesResponse>({
  service: 'cognito-identity',
  name: 'ListIdentities',
  async handle(input, deps) {
    const pool = await getIdentityPool(deps, input.IdentityPoolId);
    try {
      const page = await deps.store.identities.list(pool.id, input.MaxResults, input.NextToken);
      return {
        IdentityPoolId: pool.id,
        Identities: page.items.map(describeIdentity),
        ...(page.next ? { NextToken: page.next } : {}),
      };
    } catch (e) {
      // Wording ours: Cognito's text for a token it did not issue was not found.
      if (e instanceof InvalidCursorError) throw new InvalidParameterException('Invalid pagination token.');
      throw e;
    }
  },
});
