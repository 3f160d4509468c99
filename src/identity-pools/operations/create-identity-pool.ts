// CreateIdentityPool: a new identity pool `<region>:<uuid>` with the members the request gives.
import { defineOperation } from '../../protocol/operation.ts';
import type { IdentityPoolRecord } from '../../storage/records.ts';
import { LimitExceededException } from '../errors.ts';
import { checkTags, describeIdentityPool, identityPoolArn, identityPoolSettings, MAX_IDENTITY_POOLS, newIdentityPoolId } from '../pools.ts';
import type { CreateIdentityPoolInput, IdentityPool } from '../shapes.ts';

export default defineOperation<CreateIdentityPoolInput, IdentityPool>({
  service: 'cognito-identity',
  name: 'CreateIdentityPool',
  async handle(input, deps) {
    const { IdentityPoolName, IdentityPoolTags, ...members } = input;
    const tags = { ...IdentityPoolTags };
    checkTags(tags);
    const now = deps.clock.now();
    const id = newIdentityPoolId(deps);
    const pool: IdentityPoolRecord = {
      id,
      name: IdentityPoolName,
      arn: identityPoolArn(deps, id),
      createdAt: now,
      updatedAt: now,
      version: 1,
      settings: identityPoolSettings(members),
      tags,
    };
    // Wording ours: Cognito's text for the identity pool quota was not found.
    if ((await deps.store.identityPools.create(pool, MAX_IDENTITY_POOLS)) === 'limit')
      throw new LimitExceededException(`The limit of ${MAX_IDENTITY_POOLS} identity pools per account has been reached.`);
    return describeIdentityPool(pool);
  },
});
