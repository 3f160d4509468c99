// DescribeIdentityPool: an identity pool's members and tags.
import { defineOperation } from '../../protocol/operation.ts';
import { describeIdentityPool, getIdentityPool } from '../pools.ts';
import type { DescribeIdentityPoolInput, IdentityPool } from '../shapes.ts';

export default defineOperation<DescribeIdentityPoolInput, IdentityPool>({
  service: 'cognito-identity',
  name: 'DescribeIdentityPool',
  async handle(input, deps) {
    return describeIdentityPool(await getIdentityPool(deps, input.IdentityPoolId));
  },
});
