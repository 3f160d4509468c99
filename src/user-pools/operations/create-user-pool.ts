// CreateUserPool: a new pool with Cognito's defaults and its own token signing keys.
import { defineOperation } from '../../protocol/operation.ts';
import type { PoolRecord } from '../../storage/records.ts';
import { newPoolKeys } from '../../tokens/keys.ts';
import { LimitExceededException } from '../errors.ts';
import { checkTags, createSettings, describePool, MAX_POOLS, newPoolId, poolArn } from '../domain/pools.ts';
import type { CreateUserPoolRequest, CreateUserPoolResponse } from '../shapes.ts';

export default defineOperation<CreateUserPoolRequest, CreateUserPoolResponse>({
  service: 'cognito-idp',
  name: 'CreateUserPool',
  async handle(input, deps) {
    const { PoolName, UserPoolTags, ...members } = input;
    const settings = createSettings(members);
    const tags = { ...UserPoolTags };
    checkTags(tags);
    const now = deps.clock.now();
    const id = newPoolId(deps);
    const pool: PoolRecord = { id, name: PoolName, arn: poolArn(deps, id), createdAt: now, updatedAt: now, version: 1, settings: { ...settings }, tags };
    const keys = await newPoolKeys({ random: deps.random, secrets: deps.secrets, now }, id);
    const r = await deps.store.pools.create(pool, keys, MAX_POOLS);
    // Wording ours: Cognito's text for the pool quota was not found.
    if (r === 'limit') throw new LimitExceededException(`The limit of ${MAX_POOLS} user pools per account has been reached.`);
    return { UserPool: describePool(pool) };
  },
});
