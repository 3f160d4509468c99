// AdminListDevices: a user's confirmed devices, paged (Limit, PaginationToken), as an administrator.
import { defineOperation } from '../../protocol/operation.ts';
import { adminDeviceOwner, listDevices } from '../domain/devices.ts';
import type { AdminListDevicesRequest, AdminListDevicesResponse } from '../shapes.ts';

export default defineOperation<AdminListDevicesRequest, AdminListDevicesResponse>({
  service: 'cognito-idp',
  name: 'AdminListDevices',
  auth: 'sigv4',
  async handle(input, deps) {
    const { pool, user } = await adminDeviceOwner(deps, input, false);
    return listDevices(deps, pool, user, input.Limit, input.PaginationToken);
  },
});
