// UntagResource: removes tags (by key) from an identity pool named by its ARN; keys it does not have are ignored.
import { defineOperation } from '../../protocol/operation.ts';
import { changeIdentityPool, getIdentityPoolByArn } from '../pools.ts';
import type { UntagResourceInput, UntagResourceResponse } from '../shapes.ts';

export default defineOperation<UntagResourceInput, UntagResourceResponse>({
  service: 'cognito-identity',
  name: 'UntagResource',
  async handle(input, deps) {
    const pool = await getIdentityPoolByArn(deps, input.ResourceArn);
    const remove = new Set(input.TagKeys);
    await changeIdentityPool(
      deps,
      pool.id,
      (p) => ({ name: p.name, settings: p.settings, tags: Object.fromEntries(Object.entries(p.tags).filter(([k]) => !remove.has(k))) }),
      deps.clock.now(),
    );
    return {};
  },
});
