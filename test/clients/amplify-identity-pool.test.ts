// Amplify JS v6 (aws-amplify), unmodified, with an identity pool on a real Cognate server: fetchAuthSession() gives a
// guest credentials for the unauthenticated role, then, once signed in through the user pool (USER_SRP_AUTH), credentials
// for the authenticated role; a call signed with them (STS GetCallerIdentity through @aws-sdk/client-sts) shows the role.
// Amplify reaches Cognate through userPoolEndpoint and identityPoolEndpoint; under Node its identity id and tokens go to
// its in-memory store.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import { fetchAuthSession, signIn, signOut } from 'aws-amplify/auth';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DescribeIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { systemClock } from '../../src/runtime/clock.ts';
import type { TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { setUpIdentityPool, type IdentityPoolSetup } from '../support/identity-pool.ts';

let s: TestServer;
let p: IdentityPoolSetup;
let aliceIdentity: string;
const PW = 'Passw0rd!';

before(async () => {
  s = await startServerOnStoreUnderTest(systemClock, 'amplify_idpool');
  p = await setUpIdentityPool(s, 'amplify', ['alice'], PW);
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: p.userPoolId,
        userPoolClientId: p.clientId,
        userPoolEndpoint: s.url,
        identityPoolId: p.identityPoolId,
        identityPoolEndpoint: s.url,
        allowGuestAccess: true,
      },
    },
  });
});
after(async () => {
  await signOut().catch(() => {});
  p.iam.destroy();
  p.admin.destroy();
  await s.close();
});
testOnPostgres(() => s);

async function callerArn(c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): Promise<string> {
  const sts = new STSClient({ region: s.deps.config.region, endpoint: s.url, maxAttempts: 1, credentials: c });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn!;
  } finally {
    sts.destroy();
  }
}

test('fetchAuthSession: a guest gets unauthenticated-role credentials; signed in, the same identity gets the authenticated role', async () => {
  const acct = s.deps.config.accountId;
  const guest = await fetchAuthSession();
  assert.equal(guest.tokens, undefined);
  assert.match(guest.identityId!, new RegExp(`^${s.deps.config.region}:[0-9a-f-]{36}$`));
  assert.match(guest.credentials!.accessKeyId, /^ASIA/);
  assert.ok(guest.credentials!.expiration! > new Date());
  assert.equal(await callerArn(guest.credentials!), `arn:aws:sts::${acct}:assumed-role/${p.unauthRole.name}/CognitoIdentityCredentials`);

  const out = await signIn({ username: 'alice', password: PW });
  assert.equal(out.isSignedIn, true);
  const session = await fetchAuthSession();
  assert.ok(session.tokens?.idToken);
  assert.notEqual(session.credentials!.accessKeyId, guest.credentials!.accessKeyId);
  assert.equal(await callerArn(session.credentials!), `arn:aws:sts::${acct}:assumed-role/${p.authRole.name}/CognitoIdentityCredentials`);
  // As Cognito does, the guest identity the user started with is the one the login is linked to.
  assert.equal(session.identityId, guest.identityId);
  aliceIdentity = session.identityId!;
  const described = await p.admin.send(new DescribeIdentityCommand({ IdentityId: session.identityId! }));
  assert.deepEqual(described.Logins, [p.provider]);

  // signed out, Amplify falls back to guest credentials again
  await signOut();
  const after = await fetchAuthSession();
  assert.equal(await callerArn(after.credentials!), `arn:aws:sts::${acct}:assumed-role/${p.unauthRole.name}/CognitoIdentityCredentials`);
});

test('USER_PASSWORD_AUTH sign-in from another guest identity: the returning user gets the identity linked to the login', async () => {
  const guest = await fetchAuthSession();
  assert.notEqual(guest.identityId, aliceIdentity);
  await signIn({ username: 'alice', password: PW, options: { authFlowType: 'USER_PASSWORD_AUTH' } });
  const session = await fetchAuthSession();
  assert.equal(await callerArn(session.credentials!), `arn:aws:sts::${s.deps.config.accountId}:assumed-role/${p.authRole.name}/CognitoIdentityCredentials`);
  assert.equal(session.identityId, aliceIdentity);
  await signOut();
});
