// @aws-sdk/credential-providers' fromCognitoIdentityPool and fromCognitoIdentity, unmodified, against a real Cognate
// server (their CognitoIdentityClient pointed at it by clientConfig): a guest, then a user signed in to a Cognate user
// pool with its ID token in `logins`; SDK clients using those providers sign calls that show the role.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fromCognitoIdentity, fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CognitoIdentityClient, DescribeIdentityPoolCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { systemClock } from '../../src/runtime/clock.ts';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { setUpIdentityPool, type IdentityPoolSetup } from '../support/identity-pool.ts';

let s: TestServer;
let p: IdentityPoolSetup;
const PW = 'Passw0rd!';

before(async () => {
  s = await startServerOnStoreUnderTest(systemClock, 'credential_providers');
  p = await setUpIdentityPool(s, 'providers', ['alice'], PW);
  // signed-in users may read the identity pool's configuration; guests may not
  await p.iam.send(new PutRolePolicyCommand({ RoleName: p.authRole.name, PolicyName: 'read-pool', PolicyDocument: JSON.stringify({ Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'cognito-identity:DescribeIdentityPool', Resource: '*' }] }) }));
});
after(async () => {
  p.iam.destroy();
  p.admin.destroy();
  await s.close();
});
testOnPostgres(() => s);

const clientConfig = () => ({ region: s.deps.config.region, endpoint: s.url, maxAttempts: 1 });
const roleArn = (name: string) => `arn:aws:sts::${s.deps.config.accountId}:assumed-role/${name}/CognitoIdentityCredentials`;

async function callerArn(credentials: ReturnType<typeof fromCognitoIdentity>): Promise<string> {
  const sts = new STSClient({ ...clientConfig(), credentials });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn!;
  } finally {
    sts.destroy();
  }
}

async function idToken(): Promise<string> {
  const out = await s.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: p.clientId, AuthParameters: { USERNAME: 'alice', PASSWORD: PW } }));
  return out.AuthenticationResult!.IdToken!;
}

test('fromCognitoIdentityPool, guest: unauthenticated-role credentials that sign calls; the role policy applies', async () => {
  const provider = fromCognitoIdentityPool({ identityPoolId: p.identityPoolId, clientConfig: clientConfig() });
  const creds = await provider();
  assert.match(creds.accessKeyId, /^ASIA/);
  assert.ok(creds.sessionToken && creds.expiration! > new Date());
  assert.match(creds.identityId, new RegExp(`^${s.deps.config.region}:`));
  assert.equal(await callerArn(provider), roleArn(p.unauthRole.name));
  const asGuest = new CognitoIdentityClient({ ...clientConfig(), credentials: provider });
  const denied = await awsErrorOf(() => asGuest.send(new DescribeIdentityPoolCommand({ IdentityPoolId: p.identityPoolId })));
  asGuest.destroy();
  assert.equal(denied.name, 'AccessDeniedException');
});

test('fromCognitoIdentityPool with a user-pool ID token in logins: authenticated-role credentials for the login\'s identity', async () => {
  const logins = { [p.provider]: await idToken() };
  const provider = fromCognitoIdentityPool({ identityPoolId: p.identityPoolId, logins, clientConfig: clientConfig() });
  const creds = await provider();
  assert.equal(await callerArn(provider), roleArn(p.authRole.name));
  const asUser = new CognitoIdentityClient({ ...clientConfig(), credentials: provider });
  assert.equal((await asUser.send(new DescribeIdentityPoolCommand({ IdentityPoolId: p.identityPoolId }))).IdentityPoolId, p.identityPoolId);
  asUser.destroy();
  // the identity is the one GetId answers for that login, and fromCognitoIdentity with it gets the same role
  const unsigned = new CognitoIdentityClient({ ...clientConfig(), credentials: () => Promise.reject(new Error('GetId is unsigned')) });
  const again = (await unsigned.send(new GetIdCommand({ IdentityPoolId: p.identityPoolId, Logins: { [p.provider]: await idToken() } }))).IdentityId!;
  unsigned.destroy();
  assert.equal(creds.identityId, again);
  const byId = fromCognitoIdentity({ identityId: again, logins: { [p.provider]: await idToken() }, clientConfig: clientConfig() });
  assert.equal(await callerArn(byId), roleArn(p.authRole.name));
});

test('fromCognitoIdentityPool with a token the pool does not accept rejects with the service error', async () => {
  const token = await idToken();
  const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  const provider = fromCognitoIdentityPool({ identityPoolId: p.identityPoolId, logins: { [p.provider]: forged }, clientConfig: clientConfig() });
  await assert.rejects(provider(), (e: Error) => e.name === 'NotAuthorizedException');
});
