// BulkPublish and GetBulkPublishDetails (developer credentials only): replay every dataset of an identity pool to its
// Cognito Stream (bulk-publish.ts), and the state of the latest replay.
import { defineOperation } from '../../protocol/operation.ts';
import { requireDeveloper } from '../access.ts';
import { startBulkPublish } from '../bulk-publish.ts';
import { requirePool } from '../pool-settings.ts';
import type { BulkPublishRequest, BulkPublishResponse, GetBulkPublishDetailsRequest, GetBulkPublishDetailsResponse } from '../shapes.ts';

export const bulkPublish = defineOperation<BulkPublishRequest, BulkPublishResponse>({
  service: 'cognito-sync',
  name: 'BulkPublish',
  async handle(input, deps, ctx) {
    requireDeveloper(ctx, 'BulkPublish');
    await requirePool(deps, input.IdentityPoolId);
    await startBulkPublish(deps, input.IdentityPoolId);
    return { IdentityPoolId: input.IdentityPoolId };
  },
});

export const getBulkPublishDetails = defineOperation<GetBulkPublishDetailsRequest, GetBulkPublishDetailsResponse>({
  service: 'cognito-sync',
  name: 'GetBulkPublishDetails',
  async handle(input, deps, ctx) {
    requireDeveloper(ctx, 'GetBulkPublishDetails');
    await requirePool(deps, input.IdentityPoolId);
    const b = (await deps.store.syncConfig.get(input.IdentityPoolId))?.bulkPublish;
    return {
      IdentityPoolId: input.IdentityPoolId,
      BulkPublishStatus: b?.status ?? 'NOT_STARTED',
      ...(b?.startedAt == null ? {} : { BulkPublishStartTime: b.startedAt / 1000 }),
      ...(b?.completedAt == null ? {} : { BulkPublishCompleteTime: b.completedAt / 1000 }),
      ...(b?.failure ? { FailureMessage: b.failure } : {}),
    };
  },
});
