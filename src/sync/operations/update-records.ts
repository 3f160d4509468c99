// UpdateRecords: the patches of one sync session applied all or none (datasets.ts has the rules); the dataset is made
// by its first UpdateRecords. The token must be one ListRecords issued for this pool, identity and dataset.
import { defineOperation } from '../../protocol/operation.ts';
import { requireIdentityAccess } from '../access.ts';
import { identityOfPool, updateRecords } from '../datasets.ts';
import { announceChange } from '../feed.ts';
import { checkSyncSessionToken } from '../session-token.ts';
import { applySyncTrigger } from '../sync-trigger.ts';
import { publishAfterCommit, streamRecord } from '../streams.ts';
import type { UpdateRecordsRequest, UpdateRecordsResponse } from '../shapes.ts';

export default defineOperation<UpdateRecordsRequest, UpdateRecordsResponse>({
  service: 'cognito-sync',
  name: 'UpdateRecords',
  async handle(input, deps, ctx) {
    requireIdentityAccess(ctx, input.IdentityPoolId, input.IdentityId);
    const target = { poolId: input.IdentityPoolId, identityId: input.IdentityId, dataset: input.DatasetName };
    checkSyncSessionToken(deps, input.SyncSessionToken, target);
    await identityOfPool(deps, input.IdentityPoolId, input.IdentityId);
    const patches = await applySyncTrigger(deps, ctx, target, input.RecordPatches ?? []);
    const records = await updateRecords(deps, input.IdentityPoolId, input.IdentityId, input.DatasetName, patches);
    if (records[0]) {
      // Cognito Streams, after the commit: every record written carries the dataset's new sync count and time
      publishAfterCommit(deps, streamRecord(target, records, { syncCount: records[0].SyncCount!, modifiedAt: Math.round(records[0].LastModifiedDate! * 1000) }));
      // The change feed (push): one call, after the commit.
      announceChange(deps, { identityPoolId: input.IdentityPoolId, identityId: input.IdentityId, datasetName: input.DatasetName, syncCount: records[0].SyncCount!, deviceId: input.DeviceId ?? null });
    }
    return { Records: records };
  },
});
