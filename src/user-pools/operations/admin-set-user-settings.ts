// AdminSetUserSettings (legacy): an administrator turns a user's SMS MFA on (MFAOptions [{SMS, phone_number}]) or off ([]).
import { defineOperation } from '../../protocol/operation.ts';
import { findUserForAdmin } from '../domain/admin-users.ts';
import { applyUserSettings, updateUserMfa } from '../domain/mfa.ts';
import { getPool } from '../domain/pools.ts';
import type { AdminSetUserSettingsRequest, AdminSetUserSettingsResponse } from '../shapes.ts';

export default defineOperation<AdminSetUserSettingsRequest, AdminSetUserSettingsResponse>({
  service: 'cognito-idp',
  name: 'AdminSetUserSettings',
  auth: 'sigv4',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    const user = await findUserForAdmin(deps, pool, input.Username);
    await updateUserMfa(deps, pool, user, (u) => applyUserSettings(u, input.MFAOptions));
    return {};
  },
});
