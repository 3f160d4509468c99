// SetIdentityPoolRoles: replaces the pool's roles and role mappings (checked in roles.ts).
import { defineOperation } from '../../protocol/operation.ts';
import { changeIdentityPool } from '../pools.ts';
import { withRoles } from '../roles.ts';
import type { SetIdentityPoolRolesInput } from '../shapes.ts';

export default defineOperation<SetIdentityPoolRolesInput, Record<string, never>>({
  service: 'cognito-identity',
  name: 'SetIdentityPoolRoles',
  async handle(input, deps) {
    await changeIdentityPool(deps, input.IdentityPoolId, (p) => ({ name: p.name, tags: p.tags, settings: withRoles(p, input.Roles, input.RoleMappings) }), deps.clock.now());
    return {};
  },
});
