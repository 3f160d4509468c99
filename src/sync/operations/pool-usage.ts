// DescribeIdentityPoolUsage and ListIdentityPoolUsage (developer credentials only): per identity pool, the bytes of
// its live datasets, its sync sessions (the UpdateRecords that changed them: the sum of their sync counts) and
// when one last changed.
import type { Deps } from '../../deps.ts';
import { defineOperation } from '../../protocol/operation.ts';
import { InvalidCursorError } from '../../storage/store.ts';
import type { PoolUsage } from '../../storage/interfaces/datasets.ts';
import { requireDeveloper } from '../access.ts';
import { pageSize } from '../datasets.ts';
import { InvalidParameterException, ResourceNotFoundException } from '../errors.ts';
import type {
  DescribeIdentityPoolUsageRequest,
  DescribeIdentityPoolUsageResponse,
  IdentityPoolUsage,
  ListIdentityPoolUsageRequest,
  ListIdentityPoolUsageResponse,
} from '../shapes.ts';

function usageShape(poolId: string, u: PoolUsage | undefined): IdentityPoolUsage {
  return {
    IdentityPoolId: poolId,
    SyncSessionsCount: u?.syncSessions ?? 0,
    DataStorage: u?.dataStorage ?? 0,
    ...(u?.lastModified == null ? {} : { LastModifiedDate: u.lastModified / 1000 }),
  };
}

async function usageOf(deps: Pick<Deps, 'store'>, poolIds: string[]): Promise<Map<string, PoolUsage>> {
  return poolIds.length ? deps.store.datasets.usageOfPools(poolIds) : new Map();
}

export const describeIdentityPoolUsage = defineOperation<DescribeIdentityPoolUsageRequest, DescribeIdentityPoolUsageResponse>({
  service: 'cognito-sync',
  name: 'DescribeIdentityPoolUsage',
  async handle(input, deps, ctx) {
    requireDeveloper(ctx, 'DescribeIdentityPoolUsage');
    const pool = await deps.store.identityPools.get(input.IdentityPoolId);
    // cognito-identity's wording; Cognito Sync answers it with its model's 404
    if (!pool) throw new ResourceNotFoundException(`IdentityPool '${input.IdentityPoolId}' not found.`);
    return { IdentityPoolUsage: usageShape(pool.id, (await usageOf(deps, [pool.id])).get(pool.id)) };
  },
});

/** The most identity pools one page lists (ListIdentityPools' own bound). */
const MAX_PAGE = 60;

export const listIdentityPoolUsage = defineOperation<ListIdentityPoolUsageRequest, ListIdentityPoolUsageResponse>({
  service: 'cognito-sync',
  name: 'ListIdentityPoolUsage',
  async handle(input, deps, ctx) {
    requireDeveloper(ctx, 'ListIdentityPoolUsage');
    const limit = pageSize(input.MaxResults, MAX_PAGE);
    let page;
    try {
      page = await deps.store.identityPools.list(limit, input.NextToken);
    } catch (e) {
      if (e instanceof InvalidCursorError) throw new InvalidParameterException('Invalid pagination token.'); // ours
      throw e;
    }
    const usage = await usageOf(deps, page.items.map((p) => p.id));
    return {
      IdentityPoolUsages: page.items.map((p) => usageShape(p.id, usage.get(p.id))),
      MaxResults: limit,
      Count: page.items.length,
      ...(page.next ? { NextToken: page.next } : {}),
    };
  },
});
