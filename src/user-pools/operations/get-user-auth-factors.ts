// GetUserAuthFactors: the signed-in user's MFA settings and the first factors they can use with USER_AUTH.
import { defineOperation } from '../../protocol/operation.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { userAuthFactors } from '../sign-in/flows/user-auth.ts';
import type { GetUserAuthFactorsRequest, GetUserAuthFactorsResponse } from '../shapes.ts';

export default defineOperation<GetUserAuthFactorsRequest, GetUserAuthFactorsResponse>({
  service: 'cognito-idp',
  name: 'GetUserAuthFactors',
  async handle(input, deps) {
    const { pool, user } = await authenticateAccessToken(deps, input.AccessToken);
    return userAuthFactors(deps, pool, user);
  },
});
