// ListTagsForResource: a user pool's tags, by the pool's ARN.
import { defineOperation } from '../../protocol/operation.ts';
import { getPoolByArn } from '../domain/pools.ts';
import type { ListTagsForResourceRequest, ListTagsForResourceResponse } from '../shapes.ts';

export default defineOperation<ListTagsForResourceRequest, ListTagsForResourceResponse>({
  service: 'cognito-idp',
  name: 'ListTagsForResource',
  async handle(input, deps) {
    const pool = await getPoolByArn(deps, input.ResourceArn);
    return { Tags: { ...pool.tags } };
  },
});
