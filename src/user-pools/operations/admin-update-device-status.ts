// AdminUpdateDeviceStatus: marks one of a user's devices remembered or not remembered, as an administrator.
import { defineOperation } from '../../protocol/operation.ts';
import { adminDeviceOwner, setDeviceStatus } from '../domain/devices.ts';
import type { AdminUpdateDeviceStatusRequest, AdminUpdateDeviceStatusResponse } from '../shapes.ts';

export default defineOperation<AdminUpdateDeviceStatusRequest, AdminUpdateDeviceStatusResponse>({
  service: 'cognito-idp',
  name: 'AdminUpdateDeviceStatus',
  auth: 'sigv4',
  async handle(input, deps) {
    const { pool, user } = await adminDeviceOwner(deps, input);
    await setDeviceStatus(deps, pool, user, input.DeviceKey, input.DeviceRememberedStatus);
    return {};
  },
});
