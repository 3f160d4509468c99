// DescribeUserPool: the pool's configuration, with its domains and its number of users.
import { defineOperation } from '../../protocol/operation.ts';
import { describePool, getPool } from '../domain/pools.ts';
import type { DescribeUserPoolRequest, DescribeUserPoolResponse } from '../shapes.ts';

export default defineOperation<DescribeUserPoolRequest, DescribeUserPoolResponse>({
  service: 'cognito-idp',
  name: 'DescribeUserPool',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    const [domains, users] = await Promise.all([deps.store.domains.listForPool(pool.id), deps.store.users.count(pool.id)]);
    // Cognito's count is an estimate that lags; ours is exact, which a client cannot tell from a fresh estimate.
    return { UserPool: describePool(pool, { domains, estimatedNumberOfUsers: users }) };
  },
});
