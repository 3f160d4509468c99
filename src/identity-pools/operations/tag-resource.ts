// TagResource: adds or overwrites tags on an identity pool named by its ARN.
import { defineOperation } from '../../protocol/operation.ts';
import { changeIdentityPool, checkTags, getIdentityPoolByArn } from '../pools.ts';
import type { TagResourceInput, TagResourceResponse } from '../shapes.ts';

export default defineOperation<TagResourceInput, TagResourceResponse>({
  service: 'cognito-identity',
  name: 'TagResource',
  async handle(input, deps) {
    const pool = await getIdentityPoolByArn(deps, input.ResourceArn);
    await changeIdentityPool(
      deps,
      pool.id,
      (p) => {
        const tags = { ...p.tags, ...input.Tags };
        checkTags(tags);
        return { name: p.name, settings: p.settings, tags };
      },
      deps.clock.now(),
    );
    return {};
  },
});
