// DescribeDataset: a live dataset's metadata; ResourceNotFoundException for one never made or deleted.
import { defineOperation } from '../../protocol/operation.ts';
import { requireIdentityAccess } from '../access.ts';
import { datasetNotFound, datasetShape, liveDataset } from '../datasets.ts';
import type { DescribeDatasetRequest, DescribeDatasetResponse } from '../shapes.ts';

export default defineOperation<DescribeDatasetRequest, DescribeDatasetResponse>({
  service: 'cognito-sync',
  name: 'DescribeDataset',
  async handle(input, deps, ctx) {
    requireIdentityAccess(ctx, input.IdentityPoolId, input.IdentityId);
    const d = await liveDataset(deps, input.IdentityPoolId, input.IdentityId, input.DatasetName);
    if (!d) throw datasetNotFound(input.DatasetName);
    return { Dataset: datasetShape(d) };
  },
});
