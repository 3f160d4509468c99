// AdminConfirmSignUp: an administrator confirms an UNCONFIRMED user without a code (no attribute becomes verified).
import { defineOperation } from '../../protocol/operation.ts';
import { SIGNUP_PURPOSE } from '../domain/codes.ts';
import { getPool } from '../domain/pools.ts';
import { cannotConfirm, confirmUser } from '../domain/sign-up.ts';
import { findUserBySignInName, userNotFound } from '../domain/users.ts';
import { callerOf } from '../triggers/common.ts';
import { runPostConfirmation } from '../triggers/post-confirmation.ts';
import type { AdminConfirmSignUpRequest, AdminConfirmSignUpResponse } from '../shapes.ts';

export default defineOperation<AdminConfirmSignUpRequest, AdminConfirmSignUpResponse>({
  service: 'cognito-idp',
  name: 'AdminConfirmSignUp',
  auth: 'sigv4',
  async handle(input, deps, ctx) {
    const pool = await getPool(deps, input.UserPoolId);
    const user = await findUserBySignInName(deps, pool, input.Username);
    if (!user) throw userNotFound();
    if (user.status !== 'UNCONFIRMED') throw cannotConfirm(user.status);
    // Cognito confirms the account only: email_verified / phone_number_verified stay as they are (API reference).
    const confirmed = await confirmUser(deps, pool, user);
    // The outstanding sign-up code has nothing left to confirm.
    await deps.store.codes.delete(pool.id, user.username, SIGNUP_PURPOSE);
    // PostConfirmation_ConfirmSignUp runs here too (developer guide, post confirmation trigger).
    await runPostConfirmation(deps, pool, confirmed, 'PostConfirmation_ConfirmSignUp', callerOf(ctx, null), input.ClientMetadata);
    return {};
  },
});
