// Test support: a user pool with an app client and a user, and an identity pool trusting it, with an authenticated and
// an unauthenticated role (made through the real IAM and cognito-identity SDK clients, signed by the admin key).
import { CognitoIdentityClient, CreateIdentityPoolCommand, SetIdentityPoolRolesCommand } from '@aws-sdk/client-cognito-identity';
import { IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ALL_FLOWS, createTestUser } from './users.ts';
import type { TestServer } from './server.ts';

export const COGNITO_IDENTITY = 'cognito-identity.amazonaws.com';

/** A trust policy letting the identity pools federate identities of pool `aud` whose amr matches `amr`. */
export const trustFor = (aud: string, amr: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: COGNITO_IDENTITY }, Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${COGNITO_IDENTITY}:aud`]: aud }, 'ForAnyValue:StringLike': { [`${COGNITO_IDENTITY}:amr`]: amr } } }] });

export interface IdentityPoolSetup {
  userPoolId: string;
  clientId: string;
  /** the user pool as a login provider: cognito-idp.{region}.amazonaws.com/{userPoolId} */
  provider: string;
  identityPoolId: string;
  authRole: { name: string; arn: string };
  unauthRole: { name: string; arn: string };
  /** IAM and cognito-identity clients signed by the admin key (destroyed by the caller). */
  iam: IAMClient;
  admin: CognitoIdentityClient;
}

/** Everything named after `name`; users are made with `password`. */
export async function setUpIdentityPool(s: TestServer, name: string, users: string[], password: string): Promise<IdentityPoolSetup> {
  const region = s.deps.config.region;
  const admin = new CognitoIdentityClient({ region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  const iam = new IAMClient({ region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  const userPoolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: name }))).UserPool!.Id!;
  const clientId = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'web', ExplicitAuthFlows: ALL_FLOWS }))).UserPoolClient!.ClientId!;
  const provider = `cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  const pool = (await s.deps.store.pools.get(userPoolId))!;
  for (const u of users) await createTestUser(s.deps, pool, u, password);
  const identityPoolId = (await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: name, AllowUnauthenticatedIdentities: true, AllowClassicFlow: true,
    CognitoIdentityProviders: [{ ProviderName: provider, ClientId: clientId }] }))).IdentityPoolId!;
  const role = async (suffix: string, amr: string) => {
    const roleName = `Cognito_${name}${suffix}`;
    return { name: roleName, arn: (await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trustFor(identityPoolId, amr) }))).Role!.Arn! };
  };
  const authRole = await role('Auth', 'authenticated');
  const unauthRole = await role('Unauth', 'unauthenticated');
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: identityPoolId, Roles: { authenticated: authRole.arn, unauthenticated: unauthRole.arn } }));
  return { userPoolId, clientId, provider, identityPoolId, authRole, unauthRole, iam, admin };
}
