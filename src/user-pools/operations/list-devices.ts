// ListDevices: the signed-in user's confirmed devices, paged (Limit, PaginationToken).
import { defineOperation } from '../../protocol/operation.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { listDevices } from '../domain/devices.ts';
import type { ListDevicesRequest, ListDevicesResponse } from '../shapes.ts';

export default defineOperation<ListDevicesRequest, ListDevicesResponse>({
  service: 'cognito-idp',
  name: 'ListDevices',
  async handle(input, deps) {
    const { pool, user } = await authenticateAccessToken(deps, input.AccessToken);
    return listDevices(deps, pool, user, input.Limit, input.PaginationToken);
  },
});
