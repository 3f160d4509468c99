// DescribeUserPool: the pool's configuration.
import { defineOperation } from '../../protocol/operation.ts';
import { describePool, getPool } from '../domain/pools.ts';
import type { DescribeUserPoolRequest, DescribeUserPoolResponse } from '../shapes.ts';

export default defineOperation<DescribeUserPoolRequest, DescribeUserPoolResponse>({
  service: 'cognito-idp',
  name: 'DescribeUserPool',
  async handle(input, deps) {
    return { UserPool: describePool(await getPool(deps, input.UserPoolId)) };
  },
});
