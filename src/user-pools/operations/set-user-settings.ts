// SetUserSettings (legacy): the signed-in user turns SMS MFA on (MFAOptions [{SMS, phone_number}]) or off ([]).
import { defineOperation } from '../../protocol/operation.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { applyUserSettings, updateUserMfa } from '../domain/mfa.ts';
import type { SetUserSettingsRequest, SetUserSettingsResponse } from '../shapes.ts';

export default defineOperation<SetUserSettingsRequest, SetUserSettingsResponse>({
  service: 'cognito-idp',
  name: 'SetUserSettings',
  async handle(input, deps) {
    const { pool, user } = await authenticateAccessToken(deps, input.AccessToken);
    await updateUserMfa(deps, pool, user, (u) => applyUserSettings(u, input.MFAOptions));
    return {};
  },
});
