// SetUserMFAPreference: the signed-in user turns their SMS, TOTP and email MFA factors on or off and picks a preferred one.
import { defineOperation } from '../../protocol/operation.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { applyMfaPreference, updateUserMfa } from '../domain/mfa.ts';
import type { SetUserMFAPreferenceRequest, SetUserMFAPreferenceResponse } from '../shapes.ts';

export default defineOperation<SetUserMFAPreferenceRequest, SetUserMFAPreferenceResponse>({
  service: 'cognito-idp',
  name: 'SetUserMFAPreference',
  async handle(input, deps) {
    const { pool, user } = await authenticateAccessToken(deps, input.AccessToken);
    await updateUserMfa(deps, pool, user, (u) => applyMfaPreference(u, input));
    return {};
  },
});
