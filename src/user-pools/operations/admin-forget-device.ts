// AdminForgetDevice: deletes one of a user's devices, as an administrator.
import { defineOperation } from '../../protocol/operation.ts';
import { adminDeviceOwner, forgetDevice } from '../domain/devices.ts';
import type { AdminForgetDeviceRequest } from '../shapes.ts';

export default defineOperation<AdminForgetDeviceRequest, Record<string, never>>({
  service: 'cognito-idp',
  name: 'AdminForgetDevice',
  auth: 'sigv4',
  async handle(input, deps) {
    const { pool, user } = await adminDeviceOwner(deps, input);
    await forgetDevice(deps, pool, user, input.DeviceKey);
    return {};
  },
});
