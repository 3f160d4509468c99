// ForgetDevice: the signed-in user deletes one of their devices; it can no longer complete device authentication.
import { defineOperation } from '../../protocol/operation.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { forgetDevice } from '../domain/devices.ts';
import type { ForgetDeviceRequest } from '../shapes.ts';

export default defineOperation<ForgetDeviceRequest, Record<string, never>>({
  service: 'cognito-idp',
  name: 'ForgetDevice',
  async handle(input, deps) {
    const { pool, user } = await authenticateAccessToken(deps, input.AccessToken ?? '');
    await forgetDevice(deps, pool, user, input.DeviceKey);
    return {};
  },
});
