// DescribeIdentity: an identity's logins and dates.
import { defineOperation } from '../../protocol/operation.ts';
import { describeIdentity, getIdentity } from '../identities.ts';
import type { DescribeIdentityInput, IdentityDescription } from '../shapes.ts';

export default defineOperation<DescribeIdentityInput, IdentityDescription>({
  service: 'cognito-identity',
  name: 'DescribeIdentity',
  async handle(input, deps) {
    return describeIdentity(await getIdentity(deps, input.IdentityId));
  },
});
