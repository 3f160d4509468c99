// GetGroup: one group of the pool by name.
import { defineOperation } from '../../protocol/operation.ts';
import { getGroup, groupType } from '../domain/groups.ts';
import { getPool } from '../domain/pools.ts';
import type { GetGroupRequest, GetGroupResponse } from '../shapes.ts';

export default defineOperation<GetGroupRequest, GetGroupResponse>({
  service: 'cognito-idp',
  name: 'GetGroup',
  async handle(input, deps) {
    await getPool(deps, input.UserPoolId);
    return { Group: groupType(await getGroup(deps, input.UserPoolId, input.GroupName)) };
  },
});
