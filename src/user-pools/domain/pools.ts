// User pool rules: ids, ARNs, lookups and the UserPoolType description Cognito answers with.
import type { Deps } from '../../deps.ts';
import type { PoolRecord } from '../../storage/records.ts';
import { ALNUM } from '../../runtime/random.ts';
import { ResourceNotFoundException } from '../errors.ts';
import type { UserPoolType } from '../shapes.ts';

export const MAX_POOLS = 1000;

/** `<region>_` + 9 alphanumerics: amazon-cognito-identity-js checks /^[\w-]+_[0-9a-zA-Z]+$/. */
export function newPoolId(deps: Pick<Deps, 'config' | 'random'>): string {
  return `${deps.config.region}_${deps.random.string(9, ALNUM)}`;
}

export function poolArn(deps: Pick<Deps, 'config'>, poolId: string): string {
  return `arn:aws:cognito-idp:${deps.config.region}:${deps.config.accountId}:userpool/${poolId}`;
}

export async function getPool(deps: Pick<Deps, 'store'>, poolId: string): Promise<PoolRecord> {
  const pool = await deps.store.pools.get(poolId);
  if (!pool) throw new ResourceNotFoundException(`User pool ${poolId} does not exist.`);
  return pool;
}

/** Epoch seconds with millisecond fraction, as Cognito's timestamps. */
export const seconds = (ms: number) => ms / 1000;

export function describePool(pool: PoolRecord): UserPoolType {
  return {
    ...(pool.settings as UserPoolType),
    Id: pool.id,
    Name: pool.name,
    Arn: pool.arn,
    CreationDate: seconds(pool.createdAt),
    LastModifiedDate: seconds(pool.updatedAt),
    ...(Object.keys(pool.tags).length ? { UserPoolTags: pool.tags } : {}),
  };
}
