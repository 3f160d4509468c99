// Both identity-pool flows end to end with the real SDKs: the enhanced flow (GetId → GetCredentialsForIdentity) and
// the classic one (GetId → GetOpenIdToken → STS AssumeRoleWithWebIdentity), for a guest and for a user signed in to a
// Cognate user pool; the credentials then sign calls that the role's policy allows and no others.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoIdentityClient, CreateIdentityPoolCommand, DescribeIdentityCommand, DescribeIdentityPoolCommand, GetCredentialsForIdentityCommand, GetIdCommand,
  GetOpenIdTokenCommand, ListIdentitiesCommand, ResourceNotFoundException, SetIdentityPoolRolesCommand,
} from '@aws-sdk/client-cognito-identity';
import { STSClient, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateUserPoolClientCommand, CreateUserPoolCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { trustFor } from '../support/identity-pool.ts';
import { ALL_FLOWS, createTestUser } from '../support/users.ts';
import { FixedClock } from '../../src/runtime/clock.ts';

let s: TestServer;
let admin: CognitoIdentityClient;
let unsigned: CognitoIdentityClient;
let iam: IAMClient;
let poolId: string;
let provider: string;
let clientId: string;
const NS = 'cognito-identity.amazonaws.com';
const PW = 'Passw0rd!';

const trust = trustFor;

before(async () => {
  s = await startServerOnStoreUnderTest(new FixedClock(Date.now()), 'cognate_idcreds');
  const region = s.deps.config.region;
  admin = new CognitoIdentityClient({ region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  unsigned = new CognitoIdentityClient({ region, endpoint: s.url, maxAttempts: 1, credentials: () => Promise.reject(new Error('must not need credentials')) });
  iam = new IAMClient({ region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  const userPoolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'app' }))).UserPool!.Id!;
  clientId = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'web', ExplicitAuthFlows: ALL_FLOWS }))).UserPoolClient!.ClientId!;
  provider = `cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  for (const u of ['alice', 'bob']) await createTestUser(s.deps, (await s.deps.store.pools.get(userPoolId))!, u, PW);
  poolId = (await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'app', AllowUnauthenticatedIdentities: true, AllowClassicFlow: true,
    CognitoIdentityProviders: [{ ProviderName: provider, ClientId: clientId }] }))).IdentityPoolId!;
  const auth = (await iam.send(new CreateRoleCommand({ RoleName: 'Cognito_appAuth', AssumeRolePolicyDocument: trust(poolId, 'authenticated') }))).Role!.Arn!;
  const unauth = (await iam.send(new CreateRoleCommand({ RoleName: 'Cognito_appUnauth', AssumeRolePolicyDocument: trust(poolId, 'unauthenticated') }))).Role!.Arn!;
  // signed-in users may read the identity pool's configuration; guests may not
  await iam.send(new PutRolePolicyCommand({ RoleName: 'Cognito_appAuth', PolicyName: 'read-pool', PolicyDocument: JSON.stringify({ Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'cognito-identity:DescribeIdentityPool', Resource: `arn:aws:cognito-identity:${region}:${s.deps.config.accountId}:identitypool/${poolId}` }] }) }));
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: auth, unauthenticated: unauth } }));
});
after(async () => {
  for (const c of [admin, unsigned, iam]) c.destroy();
  await s.close();
});

const clientWith = (c: { AccessKeyId?: string; SecretKey?: string; SessionToken?: string }) =>
  new CognitoIdentityClient({ region: s.deps.config.region, endpoint: s.url, maxAttempts: 1, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken! } });

testOnPostgres(() => s);

test('enhanced flow: a guest gets unauthenticated-role credentials, a signed-in user authenticated-role ones; each policy applies', async () => {
  const guestId = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId }))).IdentityId!;
  const guest = await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId }));
  assert.equal(guest.IdentityId, guestId);
  assert.match(guest.Credentials!.AccessKeyId!, /^ASIA/);
  assert.ok(guest.Credentials!.Expiration instanceof Date);
  const asGuest = clientWith(guest.Credentials!);
  const denied = await awsErrorOf(() => asGuest.send(new DescribeIdentityPoolCommand({ IdentityPoolId: poolId })));
  asGuest.destroy();
  assert.equal(denied.name, 'AccessDeniedException');
  assert.match(denied.message, /assumed-role\/Cognito_appUnauth\/CognitoIdentityCredentials/);

  const idToken = (await s.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', PASSWORD: PW } }))).AuthenticationResult!.IdToken!;
  const logins = { [provider]: idToken };
  const aliceId = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins }))).IdentityId!;
  const alice = await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: aliceId, Logins: logins }));
  const asAlice = clientWith(alice.Credentials!);
  assert.equal((await asAlice.send(new DescribeIdentityPoolCommand({ IdentityPoolId: poolId }))).IdentityPoolId, poolId);
  asAlice.destroy();
  const sts = new STSClient({ region: s.deps.config.region, endpoint: s.url, maxAttempts: 1, credentials: { accessKeyId: alice.Credentials!.AccessKeyId!, secretAccessKey: alice.Credentials!.SecretKey!, sessionToken: alice.Credentials!.SessionToken! } });
  assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${s.deps.config.accountId}:assumed-role/Cognito_appAuth/CognitoIdentityCredentials`);
  sts.destroy();

  // an authenticated identity without its logins is refused; a guest presenting a login linked to another identity
  // gets that identity's credentials, as Cognito answers (Amplify takes the IdentityId of the answer)
  const noLogins = await awsErrorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: aliceId })));
  assert.equal(noLogins.name, 'NotAuthorizedException');
  const fromGuest = await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId, Logins: logins }));
  assert.equal(fromGuest.IdentityId, aliceId);
});

test('a guest who signs in keeps its identity: its first login is linked to it, and it is no longer a guest', async () => {
  const guestId = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId }))).IdentityId!;
  await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId }));
  const idToken = (await s.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'bob', PASSWORD: PW } }))).AuthenticationResult!.IdToken!;
  const logins = { [provider]: idToken };
  const bob = await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId, Logins: logins }));
  assert.equal(bob.IdentityId, guestId);
  const sts = new STSClient({ region: s.deps.config.region, endpoint: s.url, maxAttempts: 1, credentials: { accessKeyId: bob.Credentials!.AccessKeyId!, secretAccessKey: bob.Credentials!.SecretKey!, sessionToken: bob.Credentials!.SessionToken! } });
  assert.match((await sts.send(new GetCallerIdentityCommand({}))).Arn!, /assumed-role\/Cognito_appAuth\//);
  sts.destroy();
  // GetId for the login now answers the same identity; without logins the identity is no longer a guest's
  assert.equal((await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins }))).IdentityId, guestId);
  assert.equal((await awsErrorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId })))).name, 'NotAuthorizedException');
  // a signed-in identity cannot take another user's fresh login
  const aliceToken = (await s.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', PASSWORD: PW } }))).AuthenticationResult!.IdToken!;
  assert.equal((await awsErrorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId, Logins: { [provider]: aliceToken } })))).name, 'NotAuthorizedException');
});

test("a guest presenting a login linked to another identity is merged into it: the guest identity is gone afterwards", async () => {
  const token = async (username: string) =>
    (await s.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD: PW } }))).AuthenticationResult!.IdToken!;
  const logins = { [provider]: await token('alice') };
  const aliceId = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins }))).IdentityId!;
  const before = await admin.send(new DescribeIdentityCommand({ IdentityId: aliceId }));
  const guestId = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId }))).IdentityId!;
  await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId }));

  // a request refused for one of its logins leaves the guest as it was
  const both = { ...logins, 'accounts.example.com': 'not-a-token' };
  assert.equal((await awsErrorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId, Logins: both })))).name, 'NotAuthorizedException');
  assert.deepEqual((await admin.send(new DescribeIdentityCommand({ IdentityId: guestId }))).Logins ?? [], []);

  (s.deps.clock as FixedClock).advance(1000);
  const merged = await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId, Logins: logins }));
  assert.equal(merged.IdentityId, aliceId);
  const gone = [ResourceNotFoundException.name, `Identity '${guestId}' not found.`];
  const errorOf = async (p: () => Promise<unknown>) => {
    const e = await awsErrorOf(p);
    return [e.name, e.message];
  };
  assert.deepEqual(await errorOf(() => admin.send(new DescribeIdentityCommand({ IdentityId: guestId }))), gone);
  assert.deepEqual(await errorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId }))), gone);
  assert.deepEqual(await errorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId, Logins: logins }))), gone);
  const listed = await admin.send(new ListIdentitiesCommand({ IdentityPoolId: poolId, MaxResults: 60 }));
  assert.ok(!listed.Identities!.some((i) => i.IdentityId === guestId));
  // the identity it was merged into keeps its logins and its creation date; it was modified by the merge
  const after = await admin.send(new DescribeIdentityCommand({ IdentityId: aliceId }));
  assert.deepEqual(after.Logins, before.Logins);
  assert.equal(after.CreationDate!.getTime(), before.CreationDate!.getTime());
  assert.ok(after.LastModifiedDate! > before.LastModifiedDate!);

  // GetOpenIdToken merges likewise
  const another = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId }))).IdentityId!;
  assert.equal((await unsigned.send(new GetOpenIdTokenCommand({ IdentityId: another, Logins: logins }))).IdentityId, aliceId);
  assert.equal((await awsErrorOf(() => admin.send(new DescribeIdentityCommand({ IdentityId: another })))).name, 'ResourceNotFoundException');
});

test('classic flow: GetOpenIdToken then STS AssumeRoleWithWebIdentity; a role whose trust does not match is refused', async () => {
  const idToken = (await s.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', PASSWORD: PW } }))).AuthenticationResult!.IdToken!;
  const logins = { [provider]: idToken };
  const id = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins }))).IdentityId!;
  const { Token } = await unsigned.send(new GetOpenIdTokenCommand({ IdentityId: id, Logins: logins }));
  const claims = decodeJwt(Token!);
  assert.equal(claims.sub, id);
  assert.equal(claims.aud, poolId);
  const aliceSub = decodeJwt(idToken).sub;
  assert.deepEqual(claims.amr, ['authenticated', provider, `${provider}:CognitoSignIn:${aliceSub}`]);
  const sts = new STSClient({ region: s.deps.config.region, endpoint: s.url, maxAttempts: 1, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
  const out = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: `arn:aws:iam::${s.deps.config.accountId}:role/Cognito_appAuth`, RoleSessionName: 'web', WebIdentityToken: Token! }));
  assert.match(out.Credentials!.AccessKeyId!, /^ASIA/);
  const refused = await awsErrorOf(() => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: `arn:aws:iam::${s.deps.config.accountId}:role/Cognito_appUnauth`, RoleSessionName: 'web', WebIdentityToken: Token! })));
  assert.equal(refused.name, 'AccessDenied');
  sts.destroy();
});

test('no role for the identity → InvalidIdentityPoolConfigurationException', async () => {
  const bare = (await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'bare', AllowUnauthenticatedIdentities: true }))).IdentityPoolId!;
  const id = (await unsigned.send(new GetIdCommand({ IdentityPoolId: bare }))).IdentityId!;
  const e = await awsErrorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: id })));
  assert.deepEqual([e.name, e.message], ['InvalidIdentityPoolConfigurationException', 'Invalid identity pool configuration. Check assigned IAM roles for this pool.']);
});

// Found by the attack review: each of these let a guest reach the authenticated role or beyond its policy.
test('a guest cannot pick the authenticated role with CustomRoleArn', async () => {
  // roles whose trust policies check only the pool (aud), as many do: the pool's role choice is what keeps guests out
  const p3 = (await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'p3', AllowUnauthenticatedIdentities: true }))).IdentityPoolId!;
  const audOnly = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: NS }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${NS}:aud`]: p3 } } }] });
  const authRole = (await iam.send(new CreateRoleCommand({ RoleName: 'p3auth', AssumeRolePolicyDocument: audOnly }))).Role!.Arn!;
  const unauthRole = (await iam.send(new CreateRoleCommand({ RoleName: 'p3unauth', AssumeRolePolicyDocument: audOnly }))).Role!.Arn!;
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: p3, Roles: { authenticated: authRole, unauthenticated: unauthRole } }));
  const guestId = (await unsigned.send(new GetIdCommand({ IdentityPoolId: p3 }))).IdentityId!;
  const e = await awsErrorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId, CustomRoleArn: authRole })));
  assert.equal(e.name, 'InvalidIdentityPoolConfigurationException');
  const own = await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId, CustomRoleArn: unauthRole }));
  assert.match(own.Credentials!.AccessKeyId!, /^ASIA/);
});

test('a trust-policy Deny with Principal "*" holds; a path-scoped Deny holds on the IAM API', async () => {
  const acct = s.deps.config.accountId;
  const region = s.deps.config.region;
  const pool2 = (await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'p2', AllowUnauthenticatedIdentities: true }))).IdentityPoolId!;
  const trustWithDeny = JSON.stringify({ Version: '2012-10-17', Statement: [
    { Effect: 'Allow', Principal: { Federated: NS }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${NS}:aud`]: pool2 } } },
    { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRoleWithWebIdentity', Condition: { 'ForAnyValue:StringLike': { [`${NS}:amr`]: 'unauthenticated' } } },
  ] });
  const adminRole = (await iam.send(new CreateRoleCommand({ RoleName: 'p2admin', Path: '/admin/', AssumeRolePolicyDocument: trustWithDeny }))).Role!.Arn!;
  const guestRole = (await iam.send(new CreateRoleCommand({ RoleName: 'p2guest', AssumeRolePolicyDocument: trust(pool2, 'unauthenticated') }))).Role!.Arn!;
  await iam.send(new PutRolePolicyCommand({ RoleName: 'p2guest', PolicyName: 'iam-but-not-admin', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [
    { Effect: 'Allow', Action: ['iam:*'], Resource: '*' },
    { Effect: 'Deny', Action: 'iam:*', Resource: `arn:aws:iam::*:role/admin/*` },
  ] }) }));
  // the pool names the admin-path role as its unauthenticated role: the trust policy's Deny refuses guests
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: pool2, Roles: { unauthenticated: adminRole } }));
  const guestId = (await unsigned.send(new GetIdCommand({ IdentityPoolId: pool2 }))).IdentityId!;
  assert.equal((await awsErrorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId })))).name, 'InvalidIdentityPoolConfigurationException');
  // with its own role the guest may use IAM, but not on the admin path
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: pool2, Roles: { unauthenticated: guestRole } }));
  const c = (await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId }))).Credentials!;
  const asGuest = new IAMClient({ region, endpoint: s.url, maxAttempts: 1, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken! } });
  const denied = await awsErrorOf(() => asGuest.send(new PutRolePolicyCommand({ RoleName: 'p2admin', PolicyName: 'pwn', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) })));
  assert.equal(denied.name, 'AccessDenied'); // IAM's name on its Query API
  assert.match(denied.message, new RegExp(`on resource: arn:aws:iam::${acct}:role/admin/p2admin`));
  await asGuest.send(new PutRolePolicyCommand({ RoleName: 'p2guest', PolicyName: 'extra', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) }));
  asGuest.destroy();
});

test('credentials past their Expiration are refused: ExpiredTokenException (JSON services), ExpiredToken (STS)', async () => {
  const clock = s.deps.clock as FixedClock;
  const guestId = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId }))).IdentityId!;
  const c = (await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId }))).Credentials!;
  const credentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken! };
  const region = s.deps.config.region;
  const start = clock.now();
  // the clients sign with the server's (moved) clock, so that only the credentials, not the signature, are out of date
  const clients = (offset: number) => [
    new CognitoIdentityClient({ region, endpoint: s.url, maxAttempts: 1, credentials, systemClockOffset: offset }),
    new STSClient({ region, endpoint: s.url, maxAttempts: 1, credentials, systemClockOffset: offset }),
  ] as const;
  try {
    clock.set(c.Expiration!.getTime() - 1000);
    const [ci, sts] = clients(clock.now() - Date.now());
    assert.match((await sts.send(new GetCallerIdentityCommand({}))).Arn!, /assumed-role\/Cognito_appUnauth\//);
    clock.set(c.Expiration!.getTime());
    const [ci2, sts2] = clients(clock.now() - Date.now());
    const json = await awsErrorOf(() => ci2.send(new DescribeIdentityPoolCommand({ IdentityPoolId: poolId })));
    assert.deepEqual([json.name, json.message, json.status], ['ExpiredTokenException', 'The security token included in the request is expired', 403]);
    const query = await awsErrorOf(() => sts2.send(new GetCallerIdentityCommand({})));
    assert.deepEqual([query.name, query.message, query.status], ['ExpiredToken', 'The security token included in the request is expired', 403]);
    for (const x of [ci, sts, ci2, sts2]) x.destroy();
  } finally {
    clock.set(start);
  }
});

test("a user pool's other name (the issuer without its scheme) is the same provider: one identity, linked under the configured name", async () => {
  const idToken = (await s.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', PASSWORD: PW } }))).AuthenticationResult!.IdToken!;
  const other = `${String(decodeJwt(idToken).iss).replace(/^https?:\/\//, '')}`;
  assert.notEqual(other, provider);
  const byOther = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [other]: idToken } }))).IdentityId!;
  const byConfigured = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [provider]: idToken } }))).IdentityId!;
  assert.equal(byOther, byConfigured);
  assert.deepEqual((await admin.send(new DescribeIdentityCommand({ IdentityId: byOther }))).Logins, [provider]);
  // and the identity GetId answered under the other name is the one its credentials are for
  assert.equal((await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: byOther, Logins: { [other]: idToken } }))).IdentityId, byOther);
});

test('a guest signing in with two users of one provider (under its two names) is refused, and stays a guest', async () => {
  const token = async (u: string) => (await s.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: u, PASSWORD: PW } }))).AuthenticationResult!.IdToken!;
  for (const u of ['carl', 'dina']) await createTestUser(s.deps, (await s.deps.store.pools.get(provider.split('/')[1]!))!, u, PW);
  const [carl, dina] = [await token('carl'), await token('dina')];
  const other = String(decodeJwt(carl).iss).replace(/^https?:\/\//, '');
  const guestId = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId }))).IdentityId!;
  const e = await awsErrorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId, Logins: { [provider]: carl, [other]: dina } })));
  assert.equal(e.name, 'ResourceConflictException');
  assert.deepEqual((await admin.send(new DescribeIdentityCommand({ IdentityId: guestId }))).Logins, []);
  // each user still has an identity of its own
  const [a, b] = [await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [provider]: carl } })), await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [provider]: dina } }))];
  assert.notEqual(a.IdentityId, b.IdentityId);
});
