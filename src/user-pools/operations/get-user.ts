// GetUser: the signed-in user's username, attributes and MFA settings, authorized by their access token.
import { defineOperation } from '../../protocol/operation.ts';
import type { UserRecord } from '../../storage/records.ts';
import { authenticateAccessToken } from '../../tokens/verify.ts';
import { attributeList } from '../domain/users.ts';
import type { GetUserRequest, GetUserResponse, MFAOptionType } from '../shapes.ts';

export default defineOperation<GetUserRequest, GetUserResponse>({
  service: 'cognito-idp',
  name: 'GetUser',
  async handle(input, deps) {
    const { user } = await authenticateAccessToken(deps, input.AccessToken);
    // Developer-only attributes (dev:custom:*) are for admin calls; tokens and self-service reads leave them out.
    const UserAttributes = attributeList(user).filter((a) => !a.Name.startsWith('dev:'));
    return { Username: user.username, UserAttributes, ...mfaMembers(user) };
  },
});

/**
 * MFAOptions, PreferredMfaSetting and UserMFASettingList, each only when the user has one: Cognito leaves them out
 * for users without MFA. Read under their AWS names from the user's MFA settings.
 */
function mfaMembers(user: UserRecord): Pick<GetUserResponse, 'MFAOptions' | 'PreferredMfaSetting' | 'UserMFASettingList'> {
  const m = user.mfa as { MFAOptions?: MFAOptionType[]; PreferredMfaSetting?: string; UserMFASettingList?: string[] };
  return {
    ...(m.MFAOptions?.length ? { MFAOptions: m.MFAOptions } : {}),
    ...(m.PreferredMfaSetting ? { PreferredMfaSetting: m.PreferredMfaSetting } : {}),
    ...(m.UserMFASettingList?.length ? { UserMFASettingList: m.UserMFASettingList } : {}),
  };
}
