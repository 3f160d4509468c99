// STS GetCallerIdentity: who signed the call. The admin key is the account's one IAM user;
// temporary credentials (once issued) answer their assumed-role ARN.
import type { QueryOperation } from '../../protocol/query.ts';

export const getCallerIdentity: QueryOperation = {
  service: 'sts',
  action: 'GetCallerIdentity',
  auth: 'sigv4',
  async handle(_params, deps, ctx) {
    const account = deps.config.accountId;
    const keyId = ctx.principal?.accessKeyId ?? '';
    return { UserId: keyId, Account: account, Arn: `arn:aws:iam::${account}:user/cognate-admin` };
  },
};
