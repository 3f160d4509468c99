// AdminSetUserMFAPreference: an administrator turns a user's SMS, TOTP and email MFA factors on or off and picks a preferred one.
import { defineOperation } from '../../protocol/operation.ts';
import { findUserForAdmin } from '../domain/admin-users.ts';
import { applyMfaPreference, updateUserMfa } from '../domain/mfa.ts';
import { getPool } from '../domain/pools.ts';
import type { AdminSetUserMFAPreferenceRequest, AdminSetUserMFAPreferenceResponse } from '../shapes.ts';

export default defineOperation<AdminSetUserMFAPreferenceRequest, AdminSetUserMFAPreferenceResponse>({
  service: 'cognito-idp',
  name: 'AdminSetUserMFAPreference',
  auth: 'sigv4',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    const user = await findUserForAdmin(deps, pool, input.Username);
    await updateUserMfa(deps, pool, user, (u) => applyMfaPreference(u, input));
    return {};
  },
});
