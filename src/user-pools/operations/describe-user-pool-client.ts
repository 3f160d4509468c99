// DescribeUserPoolClient: the client's configuration, with its secret in the clear as Cognito answers it.
import { defineOperation } from '../../protocol/operation.ts';
import { clientSecrets, describeClient, getClient } from '../domain/clients.ts';
import { getPool } from '../domain/pools.ts';
import type { DescribeUserPoolClientRequest, DescribeUserPoolClientResponse } from '../shapes.ts';

export default defineOperation<DescribeUserPoolClientRequest, DescribeUserPoolClientResponse>({
  service: 'cognito-idp',
  name: 'DescribeUserPoolClient',
  async handle(input, deps) {
    await getPool(deps, input.UserPoolId);
    const client = await getClient(deps, input.UserPoolId, input.ClientId);
    return { UserPoolClient: describeClient(client, clientSecrets(deps, client)[0]) };
  },
});
