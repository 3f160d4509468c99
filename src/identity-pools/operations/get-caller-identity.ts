// STS GetCallerIdentity: who signed the call. The admin key is the account's one IAM user; issued credentials
// answer their assumed role (UserId `{RoleId}:{session}`, Arn `arn:aws:sts::{account}:assumed-role/{role}/{session}`).
import type { QueryOperation } from '../../protocol/query.ts';
import { assumedRoleArn, roleContextOf, roleNameOf } from '../authorize.ts';

export const getCallerIdentity: QueryOperation = {
  service: 'sts',
  action: 'GetCallerIdentity',
  auth: 'sigv4',
  async handle(_params, deps, ctx) {
    const account = deps.config.accountId;
    const role = roleContextOf(ctx.principal);
    if (role) {
      const stored = await deps.store.roles.get(roleNameOf(role.roleArn));
      return {
        UserId: `${stored?.roleId ?? roleNameOf(role.roleArn)}:${role.roleSessionName}`,
        Account: account,
        Arn: assumedRoleArn(account, role.roleArn, role.roleSessionName),
      };
    }
    return { UserId: ctx.principal?.accessKeyId ?? '', Account: account, Arn: `arn:aws:iam::${account}:user/cognate-admin` };
  },
};
