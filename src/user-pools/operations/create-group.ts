// CreateGroup: a new group in the pool, with an optional description, IAM role and precedence.
import { defineOperation } from '../../protocol/operation.ts';
import type { GroupRecord } from '../../storage/records.ts';
import { LimitExceededException } from '../errors.ts';
import { groupExists, groupType, MAX_GROUPS_PER_POOL } from '../domain/groups.ts';
import { getPool } from '../domain/pools.ts';
import type { CreateGroupRequest, CreateGroupResponse } from '../shapes.ts';

export default defineOperation<CreateGroupRequest, CreateGroupResponse>({
  service: 'cognito-idp',
  name: 'CreateGroup',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    const now = deps.clock.now();
    const group: GroupRecord = {
      poolId: pool.id,
      name: input.GroupName,
      description: input.Description ?? null,
      roleArn: input.RoleArn ?? null,
      precedence: input.Precedence ?? null,
      createdAt: now,
      updatedAt: now,
    };
    const r = await deps.store.groups.create(group, MAX_GROUPS_PER_POOL);
    if (r === 'exists') throw groupExists(input.GroupName);
    // Wording ours: Cognito's text for the groups-per-pool quota was not found.
    if (r === 'limit') throw new LimitExceededException(`A user pool can have at most ${MAX_GROUPS_PER_POOL} groups.`);
    return { Group: groupType(group) };
  },
});
