// TagResource: adds or overwrites tags on a user pool named by its ARN.
import { defineOperation } from '../../protocol/operation.ts';
import { changePool, checkTags, getPoolByArn } from '../domain/pools.ts';
import type { TagResourceRequest, TagResourceResponse } from '../shapes.ts';

export default defineOperation<TagResourceRequest, TagResourceResponse>({
  service: 'cognito-idp',
  name: 'TagResource',
  async handle(input, deps) {
    const pool = await getPoolByArn(deps, input.ResourceArn);
    await changePool(deps, pool.id, (p) => {
      const tags = { ...p.tags, ...input.Tags };
      checkTags(tags);
      return { settings: p.settings, tags, updatedAt: p.updatedAt };
    });
    return {};
  },
});
