// Every STS and IAM operation served over the Query protocol (protocol/query.ts routes by service and Action).
import type { QueryOperation } from '../../protocol/query.ts';
import { getCallerIdentity } from './get-caller-identity.ts';
import { assumeRoleWithWebIdentity } from './assume-role-with-web-identity.ts';
import { iamRoleOperations } from './iam-roles.ts';
import { iamOidcProviderOperations } from './iam-oidc-providers.ts';
import { iamSamlProviderOperations } from './iam-saml-providers.ts';

export const queryOperations: QueryOperation[] = [getCallerIdentity, assumeRoleWithWebIdentity, ...iamRoleOperations, ...iamOidcProviderOperations, ...iamSamlProviderOperations];
