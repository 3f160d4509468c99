// Get/SetIdentityPoolConfiguration (developer credentials only): push sync and Cognito Streams of an identity pool.
// Set writes the parts it is given and keeps the others; both answer the pool's settings as stored.
import { defineOperation } from '../../protocol/operation.ts';
import { requireDeveloper } from '../access.ts';
import { configurationShape, requirePool, streamsOf } from '../pool-settings.ts';
import type {
  GetIdentityPoolConfigurationRequest,
  GetIdentityPoolConfigurationResponse,
  SetIdentityPoolConfigurationRequest,
  SetIdentityPoolConfigurationResponse,
} from '../shapes.ts';

export const getIdentityPoolConfiguration = defineOperation<GetIdentityPoolConfigurationRequest, GetIdentityPoolConfigurationResponse>({
  service: 'cognito-sync',
  name: 'GetIdentityPoolConfiguration',
  async handle(input, deps, ctx) {
    requireDeveloper(ctx, 'GetIdentityPoolConfiguration');
    await requirePool(deps, input.IdentityPoolId);
    return configurationShape(input.IdentityPoolId, await deps.store.syncConfig.get(input.IdentityPoolId));
  },
});

export const setIdentityPoolConfiguration = defineOperation<SetIdentityPoolConfigurationRequest, SetIdentityPoolConfigurationResponse>({
  service: 'cognito-sync',
  name: 'SetIdentityPoolConfiguration',
  async handle(input, deps, ctx) {
    requireDeveloper(ctx, 'SetIdentityPoolConfiguration');
    await requirePool(deps, input.IdentityPoolId);
    const streams = input.CognitoStreams ? streamsOf(input.CognitoStreams, (name) => deps.streams.has(name)) : undefined;
    const pushSync = input.PushSync ? { applicationArns: input.PushSync.ApplicationArns ?? [], roleArn: input.PushSync.RoleArn ?? null } : undefined;
    const stored = await deps.store.syncConfig.setConfiguration(input.IdentityPoolId, { pushSync, streams });
    return configurationShape(input.IdentityPoolId, stored);
  },
});
