// GetCredentialsForIdentity (the enhanced flow): served unsigned; one hour of temporary credentials for the role the
// proven identity gets (the pool's role, or the one its login's role mapping picks), with the principal tags its
// logins' claims give, which then SigV4-sign calls that role's policies allow.
import { defineOperation } from '../../protocol/operation.ts';
import { principalTagsFor } from '../principal-tags.ts';
import { identityKeys, proveIdentity, roleFor } from '../sessions.ts';
import type { GetCredentialsForIdentityInput, GetCredentialsForIdentityResponse } from '../shapes.ts';

export default defineOperation<GetCredentialsForIdentityInput, GetCredentialsForIdentityResponse>({
  service: 'cognito-identity',
  name: 'GetCredentialsForIdentity',
  auth: 'none',
  async handle(input, deps) {
    const p = await proveIdentity(deps, input.IdentityId, input.Logins);
    const tags = principalTagsFor(p.pool.settings, p.logins);
    const role = await roleFor(deps, p, input.CustomRoleArn, tags);
    const c = (await deps.roleCredentials.get()).issue(
      {
        roleArn: role.arn,
        roleId: role.roleId,
        identityId: p.identity.id,
        roleSessionName: 'CognitoIdentityCredentials',
        keys: identityKeys(p),
        ...(Object.keys(tags).length ? { tags } : {}),
      },
      3600,
    );
    return {
      IdentityId: p.identity.id,
      Credentials: { AccessKeyId: c.AccessKeyId, SecretKey: c.SecretKey, SessionToken: c.SessionToken, Expiration: Math.floor(c.Expiration.getTime() / 1000) as never },
    };
  },
});
