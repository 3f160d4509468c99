// GetOpenIdToken: served unsigned; an OpenID token (10 minutes) from the identity pools' own issuer for a proven
// identity, which STS AssumeRoleWithWebIdentity (or any relying party trusting the issuer) accepts. This is the
// classic (basic) flow, which Cognito refuses for a pool whose AllowClassicFlow is false, and for a pool with role
// mappings (observed answers: aws/aws-cli#7652, aws-observability/aws-rum-web#172). A pool created without the flag
// is served, as Cognito serves it (aws/aws-cli#7652).
import { defineOperation } from '../../protocol/operation.ts';
import { InvalidParameterException } from '../errors.ts';
import { tokenLoginSecondsLeft } from '../developer.ts';
import { getIdentity } from '../identities.ts';
import { getIdentityPool } from '../pools.ts';
import { mintOpenIdToken } from '../openid.ts';
import { principalTagsFor } from '../principal-tags.ts';
import { proveIdentity } from '../sessions.ts';
import type { GetOpenIdTokenInput, GetOpenIdTokenResponse } from '../shapes.ts';

export default defineOperation<GetOpenIdTokenInput, GetOpenIdTokenResponse>({
  service: 'cognito-identity',
  name: 'GetOpenIdToken',
  auth: 'none',
  async handle(input, deps) {
    // The pool's refusals come before proving the identity, which may link logins (a guest signing in).
    const s = (await getIdentityPool(deps, (await getIdentity(deps, input.IdentityId)).poolId)).settings;
    if (s.AllowClassicFlow === false) throw new InvalidParameterException('Basic (classic) flow is not enabled, please use enhanced flow.');
    if (Object.keys(s.RoleMappings ?? {}).length > 0) throw new InvalidParameterException('Basic (classic) flow is not supported with RoleMappings, please use enhanced flow.');
    const p = await proveIdentity(deps, input.IdentityId, input.Logins);
    const tags = principalTagsFor(s, p.logins);
    // A token proven by an identity-pool token expires no later than that one (a short TokenDuration is not stretched).
    const seconds = Math.min(600, tokenLoginSecondsLeft(deps, p.logins));
    const Token = await mintOpenIdToken(deps, { identityId: p.identity.id, identityPoolId: p.pool.id, identityPoolArn: p.poolArn, amr: p.amr, seconds, tags });
    return { IdentityId: p.identity.id, Token };
  },
});
