// GetUser: the signed-in user's username, attributes and MFA settings, authorized by their access token.
import { defineOperation } from '../../protocol/operation.ts';
import type { UserRecord } from '../../storage/records.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { readableAttributes } from '../sign-in/issue-tokens.ts';
import { attributeList } from '../domain/users.ts';
import type { GetUserRequest, GetUserResponse } from '../shapes.ts';
import { mfaMembers } from '../domain/admin-users.ts';

export default defineOperation<GetUserRequest, GetUserResponse>({
  service: 'cognito-idp',
  name: 'GetUser',
  async handle(input, deps) {
    // The token's app client comes with it (the session's client, read in the same round trip).
    const { user, client } = await authenticateAccessToken(deps, input.AccessToken);
    // The app client's ReadAttributes limit what it reads, in GetUser as in the ID token; developer-only
    // attributes (dev:custom:*) are for admin calls only. sub is always readable.
    const readable = client ? readableAttributes(client) : null;
    const UserAttributes = attributeList(user).filter(
      (a) => a.Name === 'sub' || (!a.Name.startsWith('dev:') && (!readable || readable.has(a.Name))),
    );
    return { Username: user.username, UserAttributes, ...mfaMembers(user) };
  },
});
