// ChangePassword: the signed-in user replaces their password, proving the previous one.
import { defineOperation } from '../../protocol/operation.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { NotAuthorizedException } from '../errors.ts';
import { rateLimit } from '../domain/codes.ts';
import { checkPasswordPolicy, openCredentials } from '../domain/passwords.ts';
import { setUserPassword } from '../domain/recovery.ts';
import type { ChangePasswordRequest, ChangePasswordResponse } from '../shapes.ts';

/** Observed for a wrong previous password, as for a wrong sign-in password. */
const MSG_INCORRECT = 'Incorrect username or password.';

export default defineOperation<ChangePasswordRequest, ChangePasswordResponse>({
  service: 'cognito-idp',
  name: 'ChangePassword',
  async handle(input, deps) {
    const { pool, user } = await authenticateAccessToken(deps, input.AccessToken);
    // ChangePassword 5 calls per user and hour (§9.3; LimitExceededException "Attempt limit exceeded, please try after
    // some time." observed, aws-sdk-android#627).
    await rateLimit(deps, 'changePassword', pool.id, user.username);
    // "PreviousPassword … Required if the user has a password" (API reference); a missing one is answered like a
    // wrong one (inferred).
    const creds = openCredentials(deps, user);
    if (creds.passwordHash) {
      const ok = input.PreviousPassword !== undefined && (await deps.hashing.verify(creds.passwordHash, input.PreviousPassword));
      if (!ok) throw new NotAuthorizedException(MSG_INCORRECT);
    } else if (input.PreviousPassword !== undefined) {
      await deps.hashing.dummyVerify(input.PreviousPassword);
      throw new NotAuthorizedException(MSG_INCORRECT);
    }
    checkPasswordPolicy(pool, input.ProposedPassword);
    // The old password joins the history (PasswordHistorySize: reuse is PasswordHistoryPolicyViolationException).
    // Tokens already issued stay valid: Cognito does not sign the user out on a password change.
    await setUserPassword(deps, pool, user, input.ProposedPassword, user.status);
    return {};
  },
});
