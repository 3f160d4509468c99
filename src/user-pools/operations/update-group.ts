// UpdateGroup: changes a group's description, IAM role or precedence; members left out of the request keep their values.
import { defineOperation } from '../../protocol/operation.ts';
import { ResourceNotFoundException } from '../errors.ts';
import { getGroup, GROUP_NOT_FOUND, groupType } from '../domain/groups.ts';
import { getPool } from '../domain/pools.ts';
import type { UpdateGroupRequest, UpdateGroupResponse } from '../shapes.ts';

export default defineOperation<UpdateGroupRequest, UpdateGroupResponse>({
  service: 'cognito-idp',
  name: 'UpdateGroup',
  async handle(input, deps) {
    await getPool(deps, input.UserPoolId);
    const group = await getGroup(deps, input.UserPoolId, input.GroupName);
    // "Given the name of a user pool group, updates any of the properties for precedence, IAM role, or description"
    // (API reference): what is not given stays. Older reference text said omitted members reset to defaults; the
    // current one, and its example answer keeping a RoleArn the request left out, say otherwise.
    const next = {
      ...group,
      ...(input.Description !== undefined ? { description: input.Description } : {}),
      ...(input.RoleArn !== undefined ? { roleArn: input.RoleArn } : {}),
      ...(input.Precedence !== undefined ? { precedence: input.Precedence } : {}),
      updatedAt: deps.clock.now(),
    };
    if (!(await deps.store.groups.update(next))) throw new ResourceNotFoundException(GROUP_NOT_FOUND);
    return { Group: groupType(next) };
  },
});
