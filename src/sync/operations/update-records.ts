// UpdateRecords: the patches of one sync session applied all or none (datasets.ts has the rules); the dataset is made
// by its first UpdateRecords. The token must be one ListRecords issued for this pool, identity and dataset.
import { defineOperation } from '../../protocol/operation.ts';
import { requireIdentityAccess } from '../access.ts';
import { identityOfPool, updateRecords } from '../datasets.ts';
import { announceChange } from '../feed.ts';
import { checkSyncSessionToken } from '../session-token.ts';
import type { UpdateRecordsRequest, UpdateRecordsResponse } from '../shapes.ts';

export default defineOperation<UpdateRecordsRequest, UpdateRecordsResponse>({
  service: 'cognito-sync',
  name: 'UpdateRecords',
  async handle(input, deps, ctx) {
    requireIdentityAccess(ctx, input.IdentityPoolId, input.IdentityId);
    checkSyncSessionToken(deps, input.SyncSessionToken, { poolId: input.IdentityPoolId, identityId: input.IdentityId, dataset: input.DatasetName });
    await identityOfPool(deps, input.IdentityPoolId, input.IdentityId);
    const Records = await updateRecords(deps, input.IdentityPoolId, input.IdentityId, input.DatasetName, input.RecordPatches ?? []);
    // The change feed (push): one call, after the commit.
    if (Records.length)
      announceChange(deps, { identityPoolId: input.IdentityPoolId, identityId: input.IdentityId, datasetName: input.DatasetName, syncCount: Records[0]!.SyncCount!, deviceId: input.DeviceId ?? null });
    return { Records };
  },
});
