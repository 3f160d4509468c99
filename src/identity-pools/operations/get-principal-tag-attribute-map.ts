// GetPrincipalTagAttributeMap: the principal tags SetPrincipalTagAttributeMap stored for one provider of the pool
// (none set: UseDefaults false and no tags — inferred, Cognito's answer for that case was not found).
import { defineOperation } from '../../protocol/operation.ts';
import { getIdentityPool } from '../pools.ts';
import type { GetPrincipalTagAttributeMapInput, GetPrincipalTagAttributeMapResponse } from '../shapes.ts';

export default defineOperation<GetPrincipalTagAttributeMapInput, GetPrincipalTagAttributeMapResponse>({
  service: 'cognito-identity',
  name: 'GetPrincipalTagAttributeMap',
  async handle(input, deps) {
    const { id, settings } = await getIdentityPool(deps, input.IdentityPoolId);
    const map = Object.hasOwn(settings.PrincipalTagMaps ?? {}, input.IdentityProviderName) ? settings.PrincipalTagMaps![input.IdentityProviderName] : undefined;
    return { IdentityPoolId: id, IdentityProviderName: input.IdentityProviderName, UseDefaults: map?.UseDefaults ?? false, PrincipalTags: { ...map?.PrincipalTags } };
  },
});
