// AdminUpdateUserAttributes: an administrator changes any mutable attribute of a user, and may mark email / phone verified.
import { defineOperation } from '../../protocol/operation.ts';
import { findUserForAdmin } from '../domain/admin-users.ts';
import { changeAttributes } from '../domain/attribute-updates.ts';
import { getPool } from '../domain/pools.ts';
import { callerOf } from '../triggers/common.ts';
import type { AdminUpdateUserAttributesRequest, AdminUpdateUserAttributesResponse } from '../shapes.ts';

export default defineOperation<AdminUpdateUserAttributesRequest, AdminUpdateUserAttributesResponse>({
  service: 'cognito-idp',
  name: 'AdminUpdateUserAttributes',
  auth: 'sigv4',
  async handle(input, deps, ctx) {
    const pool = await getPool(deps, input.UserPoolId);
    // The username, an alias or the sub; unknown → UserNotFoundException "User does not exist.".
    const user = await findUserForAdmin(deps, pool, input.Username);
    // A changed auto-verified email / phone number still gets a code (Cognito runs CustomMessage_UpdateUserAttribute
    // here too); the operation declares no CodeDeliveryFailureException, so a failed send is only in the outbox.
    await changeAttributes(deps, pool, user, input.UserAttributes, { kind: 'admin' }, {
      failOnDelivery: false,
      caller: callerOf(ctx, null),
      clientMetadata: input.ClientMetadata,
    });
    return {};
  },
});
