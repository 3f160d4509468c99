// AdminGetDevice: one of a user's devices, by device key, as an administrator.
import { defineOperation } from '../../protocol/operation.ts';
import { adminDeviceOwner, deviceType, findDevice } from '../domain/devices.ts';
import type { AdminGetDeviceRequest, AdminGetDeviceResponse } from '../shapes.ts';

export default defineOperation<AdminGetDeviceRequest, AdminGetDeviceResponse>({
  service: 'cognito-idp',
  name: 'AdminGetDevice',
  auth: 'sigv4',
  async handle(input, deps) {
    const { pool, user } = await adminDeviceOwner(deps, input, false);
    return { Device: deviceType(await findDevice(deps, pool, user, input.DeviceKey)) };
  },
});
