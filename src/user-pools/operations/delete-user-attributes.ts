// DeleteUserAttributes: the signed-in user removes attributes (never required or immutable ones).
import { defineOperation } from '../../protocol/operation.ts';
import { ACCESS_TOKEN_MESSAGES, authenticateAccessToken } from '../domain/access-token.ts';
import { NotAuthorizedException } from '../errors.ts';
import { changeAttributes } from '../domain/attribute-updates.ts';
import type { DeleteUserAttributesRequest, DeleteUserAttributesResponse } from '../shapes.ts';

export default defineOperation<DeleteUserAttributesRequest, DeleteUserAttributesResponse>({
  service: 'cognito-idp',
  name: 'DeleteUserAttributes',
  async handle(input, deps) {
    const { pool, user, session } = await authenticateAccessToken(deps, input.AccessToken);
    const client = await deps.store.clients.get(session.clientId);
    if (!client || client.poolId !== pool.id) throw new NotAuthorizedException(ACCESS_TOKEN_MESSAGES.invalid);
    // Deleting is writing a blank value (API reference: "To delete an attribute from your user, submit the attribute
    // in your API request with a blank value"), under the same client permissions.
    const blank = input.UserAttributeNames.map((Name) => ({ Name, Value: '' }));
    await changeAttributes(deps, pool, user, blank, { kind: 'client', client }, { failOnDelivery: false });
    return {};
  },
});
