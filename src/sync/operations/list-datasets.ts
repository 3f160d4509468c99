// ListDatasets: an identity's live datasets by name (an identity has at most 20, so one page unless MaxResults is less).
import { defineOperation } from '../../protocol/operation.ts';
import { InvalidCursorError } from '../../storage/store.ts';
import { requireIdentityAccess } from '../access.ts';
import { datasetShape, LIMITS, pageSize } from '../datasets.ts';
import { InvalidParameterException } from '../errors.ts';
import type { ListDatasetsRequest, ListDatasetsResponse } from '../shapes.ts';

export default defineOperation<ListDatasetsRequest, ListDatasetsResponse>({
  service: 'cognito-sync',
  name: 'ListDatasets',
  async handle(input, deps, ctx) {
    requireIdentityAccess(ctx, input.IdentityPoolId, input.IdentityId);
    const limit = pageSize(input.MaxResults, LIMITS.maxDatasets);
    let page;
    try {
      page = await deps.store.datasets.list(input.IdentityId, limit, input.NextToken);
    } catch (e) {
      if (e instanceof InvalidCursorError) throw new InvalidParameterException('Invalid pagination token.'); // ours
      throw e;
    }
    const items = page.items.filter((d) => d.poolId === input.IdentityPoolId);
    return { Datasets: items.map(datasetShape), Count: items.length, ...(page.next ? { NextToken: page.next } : {}) };
  },
});
