// SetPrincipalTagAttributeMap: the principal tags (tag → token claim, or the defaults) of one login provider of the
// pool, applied to the credentials GetCredentialsForIdentity issues for that provider's logins (principal-tags.ts).
import { defineOperation } from '../../protocol/operation.ts';
import { changeIdentityPool } from '../pools.ts';
import { principalTagMap, type PrincipalTagMap } from '../principal-tags.ts';
import type { SetPrincipalTagAttributeMapInput, SetPrincipalTagAttributeMapResponse } from '../shapes.ts';

export default defineOperation<SetPrincipalTagAttributeMapInput, SetPrincipalTagAttributeMapResponse>({
  service: 'cognito-identity',
  name: 'SetPrincipalTagAttributeMap',
  async handle(input, deps) {
    let map!: PrincipalTagMap;
    await changeIdentityPool(
      deps,
      input.IdentityPoolId,
      (p) => {
        map = principalTagMap(p.settings, input.IdentityProviderName, input.UseDefaults, input.PrincipalTags);
        return { name: p.name, tags: p.tags, settings: { ...p.settings, PrincipalTagMaps: { ...p.settings.PrincipalTagMaps, [input.IdentityProviderName]: map } } };
      },
      deps.clock.now(),
    );
    return { IdentityPoolId: input.IdentityPoolId, IdentityProviderName: input.IdentityProviderName, UseDefaults: map.UseDefaults, PrincipalTags: { ...map.PrincipalTags } };
  },
});
