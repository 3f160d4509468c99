// UpdateUserPool: replaces the pool's updatable settings; those left out go back to Cognito's defaults.
import { defineOperation } from '../../protocol/operation.ts';
import { ConcurrentModificationException } from '../errors.ts';
import { checkTags, getPool, poolSettings, updateSettings } from '../domain/pools.ts';
import type { UpdateUserPoolRequest, UpdateUserPoolResponse } from '../shapes.ts';

export default defineOperation<UpdateUserPoolRequest, UpdateUserPoolResponse>({
  service: 'cognito-idp',
  name: 'UpdateUserPool',
  async handle(input, deps) {
    const { UserPoolId, PoolName, UserPoolTags, ...members } = input;
    const pool = await getPool(deps, UserPoolId);
    const settings = updateSettings(poolSettings(pool), members);
    // Tags given replace the pool's; left out, the pool keeps them (TagResource/UntagResource manage them too).
    const tags = UserPoolTags ? { ...UserPoolTags } : pool.tags;
    checkTags(tags);
    const ok = await deps.store.pools.update({
      ...pool,
      name: PoolName ?? pool.name,
      settings: { ...settings },
      tags,
      updatedAt: deps.clock.now(),
      version: pool.version + 1,
    });
    // Wording ours: another request changed the pool between our read and our write.
    if (!ok) throw new ConcurrentModificationException('The user pool was modified by another request; retry.');
    return {};
  },
});
