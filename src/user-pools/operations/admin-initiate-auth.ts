// AdminInitiateAuth: starts a sign-in on behalf of a user, for server-side apps (SigV4, names the pool and client).
import { defineOperation } from '../../protocol/operation.ts';
import { adminAuthContext, initiateAuth } from '../sign-in/index.ts';
import type { AdminInitiateAuthRequest, AdminInitiateAuthResponse } from '../shapes.ts';

export default defineOperation<AdminInitiateAuthRequest, AdminInitiateAuthResponse>({
  service: 'cognito-idp',
  name: 'AdminInitiateAuth',
  async handle(input, deps, ctx) {
    const auth = await adminAuthContext(deps, input.UserPoolId, input.ClientId, ctx);
    return initiateAuth(deps, auth, input);
  },
});
