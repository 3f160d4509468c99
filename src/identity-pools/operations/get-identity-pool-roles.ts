// GetIdentityPoolRoles: the roles and role mappings SetIdentityPoolRoles stored.
import { defineOperation } from '../../protocol/operation.ts';
import { getIdentityPool } from '../pools.ts';
import type { GetIdentityPoolRolesInput, GetIdentityPoolRolesResponse, RoleMapping } from '../shapes.ts';

export default defineOperation<GetIdentityPoolRolesInput, GetIdentityPoolRolesResponse>({
  service: 'cognito-identity',
  name: 'GetIdentityPoolRoles',
  async handle(input, deps) {
    const { id, settings } = await getIdentityPool(deps, input.IdentityPoolId);
    return {
      IdentityPoolId: id,
      Roles: { ...settings.Roles },
      ...(settings.RoleMappings ? { RoleMappings: settings.RoleMappings as Record<string, RoleMapping> } : {}),
    };
  },
});
