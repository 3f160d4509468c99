// UpdateDeviceStatus: the signed-in user marks one of their devices remembered or not remembered.
import { defineOperation } from '../../protocol/operation.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { setDeviceStatus } from '../domain/devices.ts';
import type { UpdateDeviceStatusRequest, UpdateDeviceStatusResponse } from '../shapes.ts';

export default defineOperation<UpdateDeviceStatusRequest, UpdateDeviceStatusResponse>({
  service: 'cognito-idp',
  name: 'UpdateDeviceStatus',
  async handle(input, deps) {
    const { pool, user } = await authenticateAccessToken(deps, input.AccessToken);
    await setDeviceStatus(deps, pool, user, input.DeviceKey, input.DeviceRememberedStatus);
    return {};
  },
});
