// DescribeIdentityUsage: an identity's live datasets counted, their bytes, and when one last changed.
import { defineOperation } from '../../protocol/operation.ts';
import { requireIdentityAccess } from '../access.ts';
import { identityOfPool } from '../datasets.ts';
import type { DescribeIdentityUsageRequest, DescribeIdentityUsageResponse } from '../shapes.ts';

export default defineOperation<DescribeIdentityUsageRequest, DescribeIdentityUsageResponse>({
  service: 'cognito-sync',
  name: 'DescribeIdentityUsage',
  async handle(input, deps, ctx) {
    requireIdentityAccess(ctx, input.IdentityPoolId, input.IdentityId);
    await identityOfPool(deps, input.IdentityPoolId, input.IdentityId);
    const u = await deps.store.datasets.usageOfIdentity(input.IdentityId);
    return {
      IdentityUsage: {
        IdentityId: input.IdentityId,
        IdentityPoolId: input.IdentityPoolId,
        ...(u.lastModified === null ? {} : { LastModifiedDate: u.lastModified / 1000 }),
        DatasetCount: u.datasetCount,
        DataStorage: u.dataStorage,
      },
    };
  },
});
