// VerifySoftwareToken: a code from the user's new TOTP authenticator proves it; with an access token the
// authenticator is marked verified (SetUserMFAPreference can then turn TOTP on), with the Session of an MFA_SETUP
// challenge TOTP becomes the user's MFA factor and a new Session answers MFA_SETUP.
import { defineOperation } from '../../protocol/operation.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { promotePendingTotp, useTotpCode, userMfa, withFactor, type UserMfa } from '../domain/mfa.ts';
import { EnableSoftwareTokenMFAException, InvalidParameterException, SoftwareTokenMFANotFoundException } from '../errors.ts';
import { beginPasswordAttempt } from '../domain/lockout.ts';
import { consumeMfaSession, nextSetupSession, openSetupSession } from '../sign-in/mfa.ts';
import type { VerifySoftwareTokenRequest, VerifySoftwareTokenResponse } from '../shapes.ts';
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import type { Deps } from '../../deps.ts';
import { MSG_TOKEN_OR_SESSION } from './associate-software-token.ts';

/** Commonly reported wording for a wrong code (COGNITO-API §10). */
export const MSG_CODE_MISMATCH = 'Code mismatch';

async function verify(deps: Deps, pool: PoolRecord, user: UserRecord, code: string, name: string | undefined, enable: boolean): Promise<void> {
  if (!userMfa(user).totpPending) throw new SoftwareTokenMFANotFoundException('Software Token MFA is not associated with this user.'); // wording ours
  const mark = (m: UserMfa): UserMfa => {
    const verified = promotePendingTotp(m, name);
    return enable ? withFactor(verified, 'SOFTWARE_TOKEN_MFA', true) : verified;
  };
  // Each try counts toward the user's sign-in lockout, as MFA codes at sign-in do: six digits are not to be guessed.
  const attempt = await beginPasswordAttempt(deps, pool.id, user.username);
  await useTotpCode(deps, pool, user.usernameKey, code, () => new EnableSoftwareTokenMFAException(MSG_CODE_MISMATCH), mark, 'totpPending');
  await attempt.succeeded();
}

export default defineOperation<VerifySoftwareTokenRequest, VerifySoftwareTokenResponse>({
  service: 'cognito-idp',
  name: 'VerifySoftwareToken',
  async handle(input, deps) {
    if ((input.AccessToken === undefined) === (input.Session === undefined)) throw new InvalidParameterException(MSG_TOKEN_OR_SESSION);
    if (input.AccessToken !== undefined) {
      const { pool, user } = await authenticateAccessToken(deps, input.AccessToken);
      await verify(deps, pool, user, input.UserCode, input.FriendlyDeviceName, false);
      return { Status: 'SUCCESS' };
    }
    const { ctx, s, user } = await openSetupSession(deps, input.Session!);
    await verify(deps, ctx.pool, user, input.UserCode, input.FriendlyDeviceName, true);
    await consumeMfaSession(deps, s);
    return { Status: 'SUCCESS', Session: nextSetupSession(deps, ctx, s, 'verified') };
  },
});
