// UntagResource: removes tags (by key) from a user pool named by its ARN; keys it does not have are ignored.
import { defineOperation } from '../../protocol/operation.ts';
import { changePool, getPoolByArn } from '../domain/pools.ts';
import type { UntagResourceRequest, UntagResourceResponse } from '../shapes.ts';

export default defineOperation<UntagResourceRequest, UntagResourceResponse>({
  service: 'cognito-idp',
  name: 'UntagResource',
  async handle(input, deps) {
    const pool = await getPoolByArn(deps, input.ResourceArn);
    const remove = new Set(input.TagKeys);
    await changePool(deps, pool.id, (p) => ({
      settings: p.settings,
      tags: Object.fromEntries(Object.entries(p.tags).filter(([k]) => !remove.has(k))),
      updatedAt: p.updatedAt,
    }));
    return {};
  },
});
