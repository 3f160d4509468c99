// UpdateIdentityPool: replaces the pool's members with the request's (an absent one returns to its default), except
// DeveloperProviderName, which is kept when absent and cannot change once set, and tags, which are kept when absent.
import { defineOperation } from '../../protocol/operation.ts';
import { InvalidParameterException } from '../errors.ts';
import { changeIdentityPool, checkTags, describeIdentityPool, DEVELOPER_PROVIDER_IMMUTABLE, identityPoolSettings } from '../pools.ts';
import type { IdentityPool } from '../shapes.ts';

export default defineOperation<IdentityPool, IdentityPool>({
  service: 'cognito-identity',
  name: 'UpdateIdentityPool',
  async handle(input, deps) {
    const { IdentityPoolId, IdentityPoolName, IdentityPoolTags, ...members } = input;
    if (IdentityPoolTags) checkTags(IdentityPoolTags);
    const pool = await changeIdentityPool(
      deps,
      IdentityPoolId,
      (p) => {
        const current = p.settings.DeveloperProviderName;
        if (current !== undefined && members.DeveloperProviderName !== undefined && members.DeveloperProviderName !== current)
          throw new InvalidParameterException(DEVELOPER_PROVIDER_IMMUTABLE);
        const settings = identityPoolSettings({ ...members, DeveloperProviderName: members.DeveloperProviderName ?? current });
        // The roles SetIdentityPoolRoles set and the principal tags SetPrincipalTagAttributeMap set are not members
        // of the pool description: an update keeps them.
        if (p.settings.Roles) settings.Roles = p.settings.Roles;
        if (p.settings.RoleMappings) settings.RoleMappings = p.settings.RoleMappings;
        if (p.settings.PrincipalTagMaps) settings.PrincipalTagMaps = p.settings.PrincipalTagMaps;
        return { name: IdentityPoolName, settings, tags: IdentityPoolTags ? { ...IdentityPoolTags } : p.tags };
      },
      deps.clock.now(),
    );
    return describeIdentityPool(pool);
  },
});
