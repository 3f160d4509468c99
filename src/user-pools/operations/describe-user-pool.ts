// DescribeUserPool: the pool's configuration, with its domains.
import { defineOperation } from '../../protocol/operation.ts';
import { describePool, getPool } from '../domain/pools.ts';
import type { DescribeUserPoolRequest, DescribeUserPoolResponse } from '../shapes.ts';

export default defineOperation<DescribeUserPoolRequest, DescribeUserPoolResponse>({
  service: 'cognito-idp',
  name: 'DescribeUserPool',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    const domains = await deps.store.domains.listForPool(pool.id);
    return { UserPool: describePool(pool, { domains }) };
  },
});
