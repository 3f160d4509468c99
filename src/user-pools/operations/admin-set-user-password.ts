// AdminSetUserPassword: an administrator sets a user's password, permanent (CONFIRMED) or temporary (FORCE_CHANGE_PASSWORD).
import { defineOperation } from '../../protocol/operation.ts';
import { findUserForAdmin, RESET_CODE_PURPOSE } from '../domain/admin-users.ts';
import { checkPasswordPolicy } from '../domain/passwords.ts';
import { getPool } from '../domain/pools.ts';
import { setUserPassword } from '../domain/recovery.ts';
import type { AdminSetUserPasswordRequest, AdminSetUserPasswordResponse } from '../shapes.ts';

export default defineOperation<AdminSetUserPasswordRequest, AdminSetUserPasswordResponse>({
  service: 'cognito-idp',
  name: 'AdminSetUserPassword',
  auth: 'sigv4',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    const user = await findUserForAdmin(deps, pool, input.Username);
    checkPasswordPolicy(pool, input.Password);
    // "Works on any user": a temporary password puts the user in FORCE_CHANGE_PASSWORD with a fresh expiry; a
    // permanent one leaves them CONFIRMED, whatever they were (UNCONFIRMED and RESET_REQUIRED included — observed,
    // aws/aws-sdk-js#2976). The pool's PasswordHistorySize applies (PasswordHistoryPolicyViolationException is one of
    // this call's errors), and the sign-in lockout is cleared.
    await setUserPassword(deps, pool, user, input.Password, input.Permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD');
    // A pending reset code has no password left to reset.
    await deps.store.codes.delete(pool.id, user.username, RESET_CODE_PURPOSE);
    return {};
  },
});
