// ConfirmForgotPassword: the reset code and a new password; the user ends CONFIRMED and the old password stops working.
import { defineOperation } from '../../protocol/operation.ts';
import { CodeMismatchException, ExpiredCodeException, NotAuthorizedException } from '../errors.ts';
import { MSG_CODE_EXPIRED, MSG_CODE_MISMATCH, useCode, verifyCode } from '../domain/codes.ts';
import { ADMIN_MSG } from '../domain/admin-users.ts';
import { checkPasswordPolicy } from '../domain/passwords.ts';
import {
  assertConfirmForgotPasswordAllowed,
  RESET_CODE_PURPOSE,
  recordConfirmForgotPasswordFailure,
  setUserPassword,
} from '../domain/recovery.ts';
import { publicClient, unknownUserForClient } from '../domain/sign-up.ts';
import { findUserBySignInName } from '../domain/users.ts';
import { callerOf } from '../triggers/common.ts';
import { runPostConfirmation } from '../triggers/post-confirmation.ts';
import type { ConfirmForgotPasswordRequest, ConfirmForgotPasswordResponse } from '../shapes.ts';
import { checkSecretHash, secretHashNames } from '../domain/secret-hash.ts';
import { hidesUsers } from '../domain/clients.ts';

export default defineOperation<ConfirmForgotPasswordRequest, ConfirmForgotPasswordResponse>({
  service: 'cognito-idp',
  name: 'ConfirmForgotPassword',
  auth: 'none',
  async handle(input, deps, ctx) {
    const { client, pool } = await publicClient(deps, input.ClientId);
    // The policy first: a password the pool refuses costs no attempt on the code, and is refused alike whether or not
    // the name exists.
    checkPasswordPolicy(pool, input.Password);
    const user = await findUserBySignInName(deps, pool, input.Username);
    checkSecretHash(deps, client, input.SecretHash, secretHashNames(input.Username, user));
    // A hiding client answers unknown and disabled users with CodeMismatchException (developer guide).
    const hide = hidesUsers(client);
    if (!user) throw hide ? new CodeMismatchException(MSG_CODE_MISMATCH) : unknownUserForClient();
    if (!user.enabled) throw hide ? new CodeMismatchException(MSG_CODE_MISMATCH) : new NotAuthorizedException(ADMIN_MSG.disabled);
    await assertConfirmForgotPasswordAllowed(deps, pool.id, user.username);
    // "If a code isn't requested when using ForgotPassword, Amazon Cognito returns the ExpiredCodeException error."
    const ref = { poolId: pool.id, username: user.username, purpose: RESET_CODE_PURPOSE };
    if (!(await deps.store.codes.get(ref.poolId, ref.username, ref.purpose))) throw new ExpiredCodeException(MSG_CODE_EXPIRED);
    try {
      await verifyCode(deps, { ...ref, code: input.ConfirmationCode });
    } catch (e) {
      if (e instanceof CodeMismatchException) await recordConfirmForgotPasswordFailure(deps, pool.id, user.username);
      throw e;
    }
    // The new credentials first (the history check, PasswordHistorySize: a refused password leaves the code usable),
    // then the code is spent, then the password stored: of two requests with the code, only the one that spent it
    // writes its password. RESET_REQUIRED, FORCE_CHANGE_PASSWORD and UNCONFIRMED users all end CONFIRMED (Cognito's
    // PostConfirmation_ConfirmForgotPassword; the UNCONFIRMED case inferred).
    const stored = await setUserPassword(deps, pool, user, input.Password, 'CONFIRMED', () => useCode(deps, ref.poolId, ref.username, ref.purpose));
    await runPostConfirmation(deps, pool, stored, 'PostConfirmation_ConfirmForgotPassword', callerOf(ctx, client.id), input.ClientMetadata);
    return {};
  },
});
