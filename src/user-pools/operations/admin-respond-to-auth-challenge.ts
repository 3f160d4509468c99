// AdminRespondToAuthChallenge: answers a sign-in challenge on behalf of a user (SigV4, names the pool and client).
import { defineOperation } from '../../protocol/operation.ts';
import { adminAuthContext, respondToAuthChallenge } from '../sign-in/index.ts';
import type { AdminRespondToAuthChallengeRequest, AdminRespondToAuthChallengeResponse } from '../shapes.ts';

export default defineOperation<AdminRespondToAuthChallengeRequest, AdminRespondToAuthChallengeResponse>({
  service: 'cognito-idp',
  name: 'AdminRespondToAuthChallenge',
  async handle(input, deps, ctx) {
    const auth = await adminAuthContext(deps, input.UserPoolId, input.ClientId, ctx);
    return respondToAuthChallenge(deps, auth, input);
  },
});
