// GetId: served unsigned; a guest identity, or the one identity of a verified login (AccountId is accepted).
import { defineOperation } from '../../protocol/operation.ts';
import { identityFor } from '../identities.ts';
import { getIdentityPool } from '../pools.ts';
import type { GetIdInput, GetIdResponse } from '../shapes.ts';

export default defineOperation<GetIdInput, GetIdResponse>({
  service: 'cognito-identity',
  name: 'GetId',
  auth: 'none',
  async handle(input, deps) {
    const pool = await getIdentityPool(deps, input.IdentityPoolId);
    return { IdentityId: (await identityFor(deps, pool, input.Logins)).id };
  },
});
