// AdminDeleteUserAttributes: an administrator removes attributes of a user (never required or immutable ones).
import { defineOperation } from '../../protocol/operation.ts';
import { findUserForAdmin } from '../domain/admin-users.ts';
import { changeAttributes } from '../domain/attribute-updates.ts';
import { getPool } from '../domain/pools.ts';
import type { AdminDeleteUserAttributesRequest, AdminDeleteUserAttributesResponse } from '../shapes.ts';

export default defineOperation<AdminDeleteUserAttributesRequest, AdminDeleteUserAttributesResponse>({
  service: 'cognito-idp',
  name: 'AdminDeleteUserAttributes',
  auth: 'sigv4',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    // The username, an alias or the sub; unknown → UserNotFoundException "User does not exist.".
    const user = await findUserForAdmin(deps, pool, input.Username);
    const blank = input.UserAttributeNames.map((Name) => ({ Name, Value: '' }));
    await changeAttributes(deps, pool, user, blank, { kind: 'admin' }, { failOnDelivery: false });
    return {};
  },
});
