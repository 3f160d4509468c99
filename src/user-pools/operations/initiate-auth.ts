// InitiateAuth: starts a sign-in for an app client (public: authorized by the ClientId and SECRET_HASH, not SigV4).
import { defineOperation } from '../../protocol/operation.ts';
import { initiateAuth, publicAuthContext } from '../sign-in/index.ts';
import type { InitiateAuthRequest, InitiateAuthResponse } from '../shapes.ts';

export default defineOperation<InitiateAuthRequest, InitiateAuthResponse>({
  service: 'cognito-idp',
  name: 'InitiateAuth',
  async handle(input, deps, ctx) {
    const auth = await publicAuthContext(deps, input.ClientId, ctx);
    return initiateAuth(deps, auth, input);
  },
});
