// ListTagsForResource: an identity pool's tags, by the pool's ARN.
import { defineOperation } from '../../protocol/operation.ts';
import { getIdentityPoolByArn } from '../pools.ts';
import type { ListTagsForResourceInput, ListTagsForResourceResponse } from '../shapes.ts';

export default defineOperation<ListTagsForResourceInput, ListTagsForResourceResponse>({
  service: 'cognito-identity',
  name: 'ListTagsForResource',
  async handle(input, deps) {
    return { Tags: { ...(await getIdentityPoolByArn(deps, input.ResourceArn)).tags } };
  },
});
