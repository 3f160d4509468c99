// DeleteDataset: the dataset's records go; its row stays (not live) with its sync counter, so a later ListRecords
// tells clients that synced before the deletion (DatasetDeletedAfterRequestedSyncCount) and a re-created dataset
// counts on. Answers the dataset as it was.
import { defineOperation } from '../../protocol/operation.ts';
import { requireIdentityAccess } from '../access.ts';
import { datasetNotFound, datasetShape, liveDataset } from '../datasets.ts';
import type { DeleteDatasetRequest, DeleteDatasetResponse } from '../shapes.ts';
import { publishAfterCommit, streamRecord } from '../streams.ts';

export default defineOperation<DeleteDatasetRequest, DeleteDatasetResponse>({
  service: 'cognito-sync',
  name: 'DeleteDataset',
  async handle(input, deps, ctx) {
    requireIdentityAccess(ctx, input.IdentityPoolId, input.IdentityId);
    const d = (await liveDataset(deps, input.IdentityPoolId, input.IdentityId, input.DatasetName))
      ? await deps.store.datasets.delete(input.IdentityId, input.DatasetName)
      : null;
    if (!d) throw datasetNotFound(input.DatasetName);
    // Cognito Streams: the dataset's removal, after the commit
    const target = { poolId: input.IdentityPoolId, identityId: input.IdentityId, dataset: input.DatasetName };
    publishAfterCommit(deps, streamRecord(target, [], { syncCount: d.syncCount, modifiedAt: deps.clock.now() }, 'remove'));
    return { Dataset: datasetShape(d) };
  },
});
