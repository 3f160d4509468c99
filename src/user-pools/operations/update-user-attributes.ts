// UpdateUserAttributes: the signed-in user changes their attributes, within what their app client may write.
import { defineOperation } from '../../protocol/operation.ts';
import { ACCESS_TOKEN_MESSAGES, authenticateAccessToken } from '../domain/access-token.ts';
import { NotAuthorizedException } from '../errors.ts';
import { changeAttributes } from '../domain/attribute-updates.ts';
import { callerOf } from '../triggers/common.ts';
import type { UpdateUserAttributesRequest, UpdateUserAttributesResponse } from '../shapes.ts';

export default defineOperation<UpdateUserAttributesRequest, UpdateUserAttributesResponse>({
  service: 'cognito-idp',
  name: 'UpdateUserAttributes',
  async handle(input, deps, ctx) {
    const { pool, user, session } = await authenticateAccessToken(deps, input.AccessToken);
    // The client that signed the user in decides what they may write (its WriteAttributes).
    const client = await deps.store.clients.get(session.clientId);
    if (!client || client.poolId !== pool.id) throw new NotAuthorizedException(ACCESS_TOKEN_MESSAGES.invalid);
    const { deliveries } = await changeAttributes(deps, pool, user, input.UserAttributes, { kind: 'client', client }, {
      failOnDelivery: true,
      caller: callerOf(ctx, client.id),
      clientMetadata: input.ClientMetadata,
    });
    // One entry per code sent; the member is left out when none was.
    return deliveries.length ? { CodeDeliveryDetailsList: deliveries } : {};
  },
});
