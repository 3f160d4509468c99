// GetOpenIdToken: served unsigned; an OpenID token (10 minutes) from the identity pools' own issuer for a proven
// identity, which STS AssumeRoleWithWebIdentity (or any relying party trusting the issuer) accepts.
import { defineOperation } from '../../protocol/operation.ts';
import { tokenLoginSecondsLeft } from '../developer.ts';
import { mintOpenIdToken } from '../openid.ts';
import { proveIdentity } from '../sessions.ts';
import type { GetOpenIdTokenInput, GetOpenIdTokenResponse } from '../shapes.ts';

export default defineOperation<GetOpenIdTokenInput, GetOpenIdTokenResponse>({
  service: 'cognito-identity',
  name: 'GetOpenIdToken',
  auth: 'none',
  async handle(input, deps) {
    const p = await proveIdentity(deps, input.IdentityId, input.Logins);
    const seconds = Math.min(600, tokenLoginSecondsLeft(deps, p.logins));
    const Token = await mintOpenIdToken(deps, { identityId: p.identity.id, identityPoolId: p.pool.id, identityPoolArn: p.poolArn, amr: p.amr, seconds });
    return { IdentityId: p.identity.id, Token };
  },
});
