// AdminDeleteSoftwareToken: an administrator removes a user's TOTP authenticator and TOTP as an MFA factor (a lost phone).
import { defineOperation } from '../../protocol/operation.ts';
import { findUserForAdmin } from '../domain/admin-users.ts';
import { updateUserMfa, userMfa, withoutTotp } from '../domain/mfa.ts';
import { getPool } from '../domain/pools.ts';
import type { AdminDeleteSoftwareTokenRequest, AdminDeleteSoftwareTokenResponse } from '../shapes.ts';

export default defineOperation<AdminDeleteSoftwareTokenRequest, AdminDeleteSoftwareTokenResponse>({
  service: 'cognito-idp',
  name: 'AdminDeleteSoftwareToken',
  auth: 'sigv4',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    const user = await findUserForAdmin(deps, pool, input.Username);
    // A user without an authenticator is left as they are (inferred: the model declares no "not found" error for it).
    await updateUserMfa(deps, pool, user, (u) => withoutTotp(userMfa(u)));
    return {};
  },
});
