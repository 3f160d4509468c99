// ConfirmDevice: the signed-in user's client confirms the device a sign-in gave it (NewDeviceMetadata), sending its
// SRP verifier; answers whether the user must be asked to remember it (DeviceOnlyRememberedOnUserPrompt).
import { defineOperation } from '../../protocol/operation.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { confirmDevice } from '../domain/devices.ts';
import type { ConfirmDeviceRequest, ConfirmDeviceResponse } from '../shapes.ts';

export default defineOperation<ConfirmDeviceRequest, ConfirmDeviceResponse>({
  service: 'cognito-idp',
  name: 'ConfirmDevice',
  async handle(input, deps, ctx) {
    const { pool, user } = await authenticateAccessToken(deps, input.AccessToken);
    return { UserConfirmationNecessary: await confirmDevice(deps, pool, user, input, ctx.sourceIp) };
  },
});
