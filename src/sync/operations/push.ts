// The push operations: RegisterDevice (a DeviceId per identity, platform and push token — registering again answers
// the same one), SubscribeToDataset and UnsubscribeFromDataset (per device and dataset of the identity). Cognate
// pushes through its change feed (sync/feed.ts) rather than SNS, so no PushSync configuration is required.
import { createHash } from 'node:crypto';
import { defineOperation } from '../../protocol/operation.ts';
import type { Deps } from '../../deps.ts';
import type { OperationContext } from '../../protocol/operation.ts';
import { requireIdentityAccess } from '../access.ts';
import { identityOfPool } from '../datasets.ts';
import { LimitExceededException, ResourceNotFoundException } from '../errors.ts';
import type {
  RegisterDeviceRequest,
  RegisterDeviceResponse,
  SubscribeToDatasetRequest,
  SubscribeToDatasetResponse,
  UnsubscribeFromDatasetRequest,
  UnsubscribeFromDatasetResponse,
} from '../shapes.ts';

/** The caller may act for this identity of this pool, and the identity is the pool's. */
async function checkIdentity(deps: Deps, ctx: OperationContext, poolId: string, identityId: string): Promise<void> {
  requireIdentityAccess(ctx, poolId, identityId);
  await identityOfPool(deps, poolId, identityId);
}

/** Devices one identity may register, and datasets one device may subscribe to (ours: Cognito publishes neither). */
export const MAX_SYNC_DEVICES_PER_IDENTITY = 32;
export const MAX_SUBSCRIPTIONS_PER_DEVICE = 64;

export const deviceNotFound = (deviceId: string) => new ResourceNotFoundException(`Device '${deviceId}' not found.`); // wording ours

export const registerDevice = defineOperation<RegisterDeviceRequest, RegisterDeviceResponse>({
  service: 'cognito-sync',
  name: 'RegisterDevice',
  async handle(input, deps, ctx) {
    await checkIdentity(deps, ctx, input.IdentityPoolId, input.IdentityId);
    const d = await deps.store.syncDevices.register({
      poolId: input.IdentityPoolId,
      identityId: input.IdentityId,
      deviceId: deps.random.uuid(),
      platform: input.Platform,
      tokenHash: createHash('sha256').update(input.Token, 'utf8').digest('hex'),
      createdAt: deps.clock.now(),
    }, MAX_SYNC_DEVICES_PER_IDENTITY);
    if (d === 'limit') throw new LimitExceededException(`An identity may register at most ${MAX_SYNC_DEVICES_PER_IDENTITY} devices.`); // ours
    return { DeviceId: d.deviceId };
  },
});

export const subscribeToDataset = defineOperation<SubscribeToDatasetRequest, SubscribeToDatasetResponse>({
  service: 'cognito-sync',
  name: 'SubscribeToDataset',
  async handle(input, deps, ctx) {
    await checkIdentity(deps, ctx, input.IdentityPoolId, input.IdentityId);
    const done = await deps.store.syncDevices.subscribe(input.IdentityId, input.DeviceId, input.DatasetName, deps.clock.now(), MAX_SUBSCRIPTIONS_PER_DEVICE);
    if (!done) throw deviceNotFound(input.DeviceId);
    if (done === 'limit') throw new LimitExceededException(`A device may subscribe to at most ${MAX_SUBSCRIPTIONS_PER_DEVICE} datasets.`); // ours
    return {};
  },
});

export const unsubscribeFromDataset = defineOperation<UnsubscribeFromDatasetRequest, UnsubscribeFromDatasetResponse>({
  service: 'cognito-sync',
  name: 'UnsubscribeFromDataset',
  async handle(input, deps, ctx) {
    await checkIdentity(deps, ctx, input.IdentityPoolId, input.IdentityId);
    if (!(await deps.store.syncDevices.unsubscribe(input.IdentityId, input.DeviceId, input.DatasetName))) throw deviceNotFound(input.DeviceId);
    return {};
  },
});
