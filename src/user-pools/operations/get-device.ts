// GetDevice: one of the signed-in user's devices, by device key.
import { defineOperation } from '../../protocol/operation.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { deviceType, findDevice } from '../domain/devices.ts';
import type { GetDeviceRequest, GetDeviceResponse } from '../shapes.ts';

export default defineOperation<GetDeviceRequest, GetDeviceResponse>({
  service: 'cognito-idp',
  name: 'GetDevice',
  async handle(input, deps) {
    const { pool, user } = await authenticateAccessToken(deps, input.AccessToken ?? '');
    return { Device: deviceType(await findDevice(deps, pool, user, input.DeviceKey)) };
  },
});
