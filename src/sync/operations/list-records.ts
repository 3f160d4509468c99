// ListRecords: a dataset's records changed after LastSyncCount (tombstones included), its sync count, and a
// SyncSessionToken for the UpdateRecords that follows (the one given, when it is valid, so pages share a session).
// A dataset that does not exist is no error (DatasetExists false, as Cognito documents); one deleted after the
// caller's LastSyncCount says so (DatasetDeletedAfterRequestedSyncCount), so the client drops its copy.
import { defineOperation } from '../../protocol/operation.ts';
import { InvalidCursorError } from '../../storage/store.ts';
import { requireIdentityAccess } from '../access.ts';
import { LIMITS, pageSize, recordShape } from '../datasets.ts';
import { InvalidParameterException } from '../errors.ts';
import { checkSyncSessionToken, issueSyncSessionToken } from '../session-token.ts';
import type { ListRecordsRequest, ListRecordsResponse } from '../shapes.ts';

export default defineOperation<ListRecordsRequest, ListRecordsResponse>({
  service: 'cognito-sync',
  name: 'ListRecords',
  async handle(input, deps, ctx) {
    requireIdentityAccess(ctx, input.IdentityPoolId, input.IdentityId);
    const target = { poolId: input.IdentityPoolId, identityId: input.IdentityId, dataset: input.DatasetName };
    let token = input.SyncSessionToken;
    if (token !== undefined) checkSyncSessionToken(deps, token, target);
    else token = issueSyncSessionToken(deps, target);
    const after = input.LastSyncCount ?? 0;
    if (after < 0) throw new InvalidParameterException('LastSyncCount must not be negative.'); // ours
    const limit = pageSize(input.MaxResults, 1024);
    const d = await deps.store.datasets.get(input.IdentityId, input.DatasetName);
    const ours = d !== null && d.poolId === input.IdentityPoolId;
    const deletedAfter = ours && d.deletedAtSyncCount !== null && after > 0 && after <= d.deletedAtSyncCount;
    if (!ours || !d.live)
      return { Records: [], Count: 0, DatasetSyncCount: 0, DatasetExists: false, DatasetDeletedAfterRequestedSyncCount: deletedAfter, SyncSessionToken: token };
    let page;
    try {
      page = await deps.store.datasets.records(input.IdentityId, input.DatasetName, after, limit, input.NextToken);
    } catch (e) {
      if (e instanceof InvalidCursorError) throw new InvalidParameterException('Invalid pagination token.'); // ours
      throw e;
    }
    // datasets of merged identities kept beside this one under "NAME.IDENTITYID", for the client to merge
    const merged = (await deps.store.datasets.list(input.IdentityId, LIMITS.maxDatasets * 2)).items.filter((m) => m.mergedFrom === input.DatasetName);
    return {
      Records: page.items.map((r) => recordShape(deps, r)),
      ...(merged.length ? { MergedDatasetNames: merged.map((m) => m.name) } : {}),
      ...(page.next ? { NextToken: page.next } : {}),
      Count: page.items.length,
      DatasetSyncCount: d.syncCount,
      LastModifiedBy: d.modifiedBy,
      DatasetExists: true,
      DatasetDeletedAfterRequestedSyncCount: deletedAfter,
      SyncSessionToken: token,
    };
  },
});
