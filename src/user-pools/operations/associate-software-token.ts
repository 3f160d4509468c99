// AssociateSoftwareToken: a new TOTP seed for the user (SecretCode), with their access token or with the Session of
// an MFA_SETUP challenge (then a new Session comes back for VerifySoftwareToken). The seed is sealed at rest.
import { defineOperation } from '../../protocol/operation.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { associateTotp, updateUserMfa, userMfa } from '../domain/mfa.ts';
import { InvalidParameterException } from '../errors.ts';
import { consumeMfaSession, nextSetupSession, openSetupSession } from '../sign-in/mfa.ts';
import type { AssociateSoftwareTokenRequest, AssociateSoftwareTokenResponse } from '../shapes.ts';

/** Wording ours: the API reference says the request takes "an access token or a session string, but not both". */
export const MSG_TOKEN_OR_SESSION = 'Provide either an AccessToken or a Session, not both.';

export default defineOperation<AssociateSoftwareTokenRequest, AssociateSoftwareTokenResponse>({
  service: 'cognito-idp',
  name: 'AssociateSoftwareToken',
  async handle(input, deps) {
    if ((input.AccessToken === undefined) === (input.Session === undefined)) throw new InvalidParameterException(MSG_TOKEN_OR_SESSION);
    let secretCode = '';
    const associate = (m: Parameters<typeof associateTotp>[1]) => {
      const out = associateTotp(deps, m);
      secretCode = out.secretCode;
      return out.mfa;
    };
    if (input.AccessToken !== undefined) {
      const { pool, user } = await authenticateAccessToken(deps, input.AccessToken);
      await updateUserMfa(deps, pool, user, (u) => associate(userMfa(u)));
      return { SecretCode: secretCode };
    }
    const { ctx, s, user } = await openSetupSession(deps, input.Session!);
    await consumeMfaSession(deps, s);
    await updateUserMfa(deps, ctx.pool, user, (u) => associate(userMfa(u)));
    return { SecretCode: secretCode, Session: nextSetupSession(deps, ctx, s, 'associated') };
  },
});
