// A Cognito Sync client signed by an identity's credentials (fromCognitoIdentityPool): a user of the identity pool's
// user pool signed in with USER_PASSWORD_AUTH.
import { CognitoSyncClient } from '@aws-sdk/client-cognito-sync';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from './server.ts';
import type { IdentityPoolSetup } from './identity-pool.ts';

export interface SyncIdentity {
  sync: CognitoSyncClient;
  identityId: string;
  credentials: ReturnType<typeof fromCognitoIdentityPool>;
}

export const syncClientConfig = (s: TestServer) => ({ region: s.deps.config.region, endpoint: s.url, maxAttempts: 1 });

export async function signedInIdentity(s: TestServer, p: IdentityPoolSetup, user: string, password: string): Promise<SyncIdentity> {
  const out = await s.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: p.clientId, AuthParameters: { USERNAME: user, PASSWORD: password } }));
  const logins = { [p.provider]: out.AuthenticationResult!.IdToken! };
  const credentials = fromCognitoIdentityPool({ identityPoolId: p.identityPoolId, logins, clientConfig: syncClientConfig(s) });
  const { identityId } = await credentials();
  return { sync: new CognitoSyncClient({ ...syncClientConfig(s), credentials }), identityId, credentials };
}
