// DeleteGroup: removes a group and every membership in it (its members' next tokens no longer name it).
import { defineOperation } from '../../protocol/operation.ts';
import { ResourceNotFoundException } from '../errors.ts';
import { GROUP_NOT_FOUND } from '../domain/groups.ts';
import { getPool } from '../domain/pools.ts';
import type { DeleteGroupRequest } from '../shapes.ts';

export default defineOperation<DeleteGroupRequest, Record<string, never>>({
  service: 'cognito-idp',
  name: 'DeleteGroup',
  async handle(input, deps) {
    await getPool(deps, input.UserPoolId);
    if (!(await deps.store.groups.delete(input.UserPoolId, input.GroupName))) throw new ResourceNotFoundException(GROUP_NOT_FOUND);
    return {};
  },
});
