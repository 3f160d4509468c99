// AdminResetUserPassword: the user must reset their password (RESET_REQUIRED) with a code sent to their recovery channel.
import { defineOperation } from '../../protocol/operation.ts';
import { findUserForAdmin, sendResetCode } from '../domain/admin-users.ts';
import { getPool } from '../domain/pools.ts';
import { changeUser } from '../domain/sign-up.ts';
import { callerOf } from '../triggers/common.ts';
import type { AdminResetUserPasswordRequest, AdminResetUserPasswordResponse } from '../shapes.ts';
import { userNotFound } from '../domain/users.ts';

export default defineOperation<AdminResetUserPasswordRequest, AdminResetUserPasswordResponse>({
  service: 'cognito-idp',
  name: 'AdminResetUserPassword',
  auth: 'sigv4',
  async handle(input, deps, ctx) {
    const pool = await getPool(deps, input.UserPoolId);
    const user = await findUserForAdmin(deps, pool, input.Username);
    // The code (purpose 'forgot', 1 hour) is what ConfirmForgotPassword takes, with a new password, to end the reset.
    const { target, failed } = await sendResetCode(deps, pool, user, callerOf(ctx, null));
    // Sign-in now answers PasswordResetRequiredException; the password stays stored for the history policy.
    const out = await changeUser(deps, pool, user.usernameKey, () => ({ status: 'RESET_REQUIRED' }));
    if (!out) throw userNotFound();
    // CodeDeliveryFailureException is not among this call's errors: the reset stands and the failure is logged
    // (the code is in the outbox); another AdminResetUserPassword sends a new code.
    if (failed) deps.logger.warn('password reset code not delivered', { poolId: pool.id, medium: target.medium });
    return {};
  },
});
