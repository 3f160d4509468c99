// RespondToAuthChallenge: answers the challenge a sign-in step returned (public: ClientId, SECRET_HASH, Session).
import { defineOperation } from '../../protocol/operation.ts';
import { publicAuthContext, respondToAuthChallenge } from '../sign-in/index.ts';
import type { RespondToAuthChallengeRequest, RespondToAuthChallengeResponse } from '../shapes.ts';

export default defineOperation<RespondToAuthChallengeRequest, RespondToAuthChallengeResponse>({
  service: 'cognito-idp',
  name: 'RespondToAuthChallenge',
  async handle(input, deps, ctx) {
    const auth = await publicAuthContext(deps, input.ClientId, ctx);
    return respondToAuthChallenge(deps, auth, input);
  },
});
