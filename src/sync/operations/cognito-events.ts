// Get/SetCognitoEvents (developer credentials only): the identity pool's SyncTrigger, the Lambda function UpdateRecords
// runs (sync-trigger.ts). Events holds at most one entry (the model); an empty function ARN removes the trigger.
import { defineOperation } from '../../protocol/operation.ts';
import { requireDeveloper } from '../access.ts';
import { requirePool, SYNC_TRIGGER, syncTriggerOf } from '../pool-settings.ts';
import type { GetCognitoEventsRequest, GetCognitoEventsResponse, SetCognitoEventsRequest } from '../shapes.ts';

export const getCognitoEvents = defineOperation<GetCognitoEventsRequest, GetCognitoEventsResponse>({
  service: 'cognito-sync',
  name: 'GetCognitoEvents',
  async handle(input, deps, ctx) {
    requireDeveloper(ctx, 'GetCognitoEvents');
    await requirePool(deps, input.IdentityPoolId);
    const arn = (await deps.store.syncConfig.get(input.IdentityPoolId))?.syncTriggerArn;
    const events: Record<string, string> = {};
    if (arn) events[SYNC_TRIGGER] = arn;
    return { Events: events };
  },
});

export const setCognitoEvents = defineOperation<SetCognitoEventsRequest, Record<string, never>>({
  service: 'cognito-sync',
  name: 'SetCognitoEvents',
  async handle(input, deps, ctx) {
    requireDeveloper(ctx, 'SetCognitoEvents');
    await requirePool(deps, input.IdentityPoolId);
    const arn = syncTriggerOf(input.Events);
    if (arn !== undefined) await deps.store.syncConfig.setSyncTrigger(input.IdentityPoolId, arn);
    return {};
  },
});
