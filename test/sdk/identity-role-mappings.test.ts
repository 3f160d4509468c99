// Role mappings, principal tags and the classic flow switch, end to end with the real SDKs: users of a Cognate user
// pool in groups with roles sign in, their ID tokens go to GetCredentialsForIdentity, and STS GetCallerIdentity shows
// which role the credentials assumed; a role policy conditioned on a principal tag allows one user and denies another.
// Runs on PostgreSQL too when COGNATE_TEST_DATABASE_URL is set.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoIdentityClient, CreateIdentityPoolCommand, DescribeIdentityPoolCommand, GetCredentialsForIdentityCommand, GetIdCommand,
  GetOpenIdTokenCommand, GetPrincipalTagAttributeMapCommand, SetIdentityPoolRolesCommand, SetPrincipalTagAttributeMapCommand, UpdateIdentityPoolCommand,
  type RoleMapping,
} from '@aws-sdk/client-cognito-identity';
import { STSClient, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { IAMClient, CreateRoleCommand, GetRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  AdminAddUserToGroupCommand, CreateGroupCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { ALL_FLOWS, createTestUser } from '../support/users.ts';
import { FixedClock } from '../../src/runtime/clock.ts';

const NS = 'cognito-identity.amazonaws.com';
const PW = 'Passw0rd!';
let s: TestServer;
let admin: CognitoIdentityClient;
let unsigned: CognitoIdentityClient;
let iam: IAMClient;
let provider: string;
let clientId: string;
let mappingKey: string;
let region: string;
let acct: string;
const arns: Record<string, string> = {};

const trust = (pool: string, tagSession = false) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: NS },
  Action: tagSession ? ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'] : 'sts:AssumeRoleWithWebIdentity',
  Condition: { StringEquals: { [`${NS}:aud`]: pool }, 'ForAnyValue:StringLike': { [`${NS}:amr`]: 'authenticated' } } }] });

async function makeRole(name: string, pool: string, tagSession = false): Promise<string> {
  arns[name] = (await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust(pool, tagSession) }))).Role!.Arn!;
  return arns[name]!;
}

async function idTokenOf(username: string): Promise<string> {
  const r = await s.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD: PW } }));
  return r.AuthenticationResult!.IdToken!;
}

async function credentialsOf(pool: string, username: string, customRoleArn?: string) {
  const logins = { [provider]: await idTokenOf(username) };
  const IdentityId = (await unsigned.send(new GetIdCommand({ IdentityPoolId: pool, Logins: logins }))).IdentityId!;
  return (await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins, CustomRoleArn: customRoleArn }))).Credentials!;
}

type Creds = { AccessKeyId?: string; SecretKey?: string; SessionToken?: string };
const credentials = (c: Creds) => ({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken! });

async function assumedRole(c: Creds): Promise<string> {
  const sts = new STSClient({ region, endpoint: s.url, maxAttempts: 1, credentials: credentials(c) });
  try {
    const arn = (await sts.send(new GetCallerIdentityCommand({}))).Arn!;
    return arn.split('/')[1]!;
  } finally {
    sts.destroy();
  }
}

async function identityPool(name: string, o: { classic?: boolean } = {}): Promise<string> {
  return (await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: name, AllowUnauthenticatedIdentities: false, AllowClassicFlow: o.classic ?? false,
    CognitoIdentityProviders: [{ ProviderName: provider, ClientId: clientId }] }))).IdentityPoolId!;
}

before(async () => {
  s = await startServerOnStoreUnderTest(new FixedClock(Date.now()), 'role_mappings');
  region = s.deps.config.region;
  acct = s.deps.config.accountId;
  admin = new CognitoIdentityClient({ region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  unsigned = new CognitoIdentityClient({ region, endpoint: s.url, maxAttempts: 1, credentials: () => Promise.reject(new Error('must not need credentials')) });
  iam = new IAMClient({ region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  const userPoolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'app', Schema: [{ Name: 'dept', AttributeDataType: 'String', Mutable: true }] }))).UserPool!.Id!;
  clientId = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'web', ExplicitAuthFlows: ALL_FLOWS }))).UserPoolClient!.ClientId!;
  provider = `cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  mappingKey = `${provider}:${clientId}`;
  const userPool = (await s.deps.store.pools.get(userPoolId))!;
  await createTestUser(s.deps, userPool, 'alice', PW); // admins (precedence 1) and readers (2): preferred role Admin
  await createTestUser(s.deps, userPool, 'bob', PW); // two groups of the same precedence, other roles: ambiguous
  await createTestUser(s.deps, userPool, 'carol', PW, { attributes: { 'custom:dept': 'sales' } }); // no group
  await createTestUser(s.deps, userPool, 'dave', PW, { attributes: { 'custom:dept': 'engineering' } }); // no group
  const group = async (GroupName: string, RoleArn: string, Precedence: number, users: string[]) => {
    await s.idp.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName, RoleArn, Precedence }));
    for (const Username of users) await s.idp.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, GroupName, Username }));
  };
  // roles trusted by every pool of this file (aud by StringLike would do too; one role per pool is simpler to read)
  const shared = (await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'mapped', AllowUnauthenticatedIdentities: false,
    CognitoIdentityProviders: [{ ProviderName: provider, ClientId: clientId }] }))).IdentityPoolId!;
  arns.pool = shared;
  for (const name of ['DefaultAuth', 'Admin', 'Reader', 'Blue', 'Green', 'Sales']) await makeRole(name, shared);
  await group('admins', arns.Admin!, 1, ['alice']);
  await group('readers', arns.Reader!, 2, ['alice']);
  await group('blue', arns.Blue!, 5, ['bob']);
  await group('green', arns.Green!, 5, ['bob']);
});
after(async () => {
  for (const c of [admin, unsigned, iam]) c.destroy();
  await s.close();
});
testOnPostgres(() => s);

const setMapping = (pool: string, m: RoleMapping) =>
  admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: pool, Roles: { authenticated: arns.DefaultAuth! }, RoleMappings: { [mappingKey]: m } }));

test("ID tokens carry the groups' roles; a Token mapping gives the preferred role, CustomRoleArn one of cognito:roles", async () => {
  const claims = decodeJwt(await idTokenOf('alice'));
  assert.deepEqual(claims['cognito:roles'], [arns.Admin, arns.Reader]);
  assert.equal(claims['cognito:preferred_role'], arns.Admin);
  const bob = decodeJwt(await idTokenOf('bob'));
  assert.deepEqual(new Set(bob['cognito:roles'] as string[]), new Set([arns.Blue, arns.Green]));
  assert.equal(bob['cognito:preferred_role'], undefined);

  const pool = arns.pool!;
  await setMapping(pool, { Type: 'Token', AmbiguousRoleResolution: 'Deny' });
  assert.equal(await assumedRole(await credentialsOf(pool, 'alice')), 'Admin');
  assert.equal(await assumedRole(await credentialsOf(pool, 'alice', arns.Reader)), 'Reader');
  const notHers = await awsErrorOf(() => credentialsOf(pool, 'alice', arns.Blue));
  assert.equal(notHers.name, 'NotAuthorizedException');
  // the pool's authenticated role is not one the token offers either
  assert.equal((await awsErrorOf(() => credentialsOf(pool, 'alice', arns.DefaultAuth))).name, 'NotAuthorizedException');

  // bob's two roles tie: ambiguous, and the mapping says Deny — unless he names one of his roles
  const denied = await awsErrorOf(() => credentialsOf(pool, 'bob'));
  assert.deepEqual([denied.name, denied.message], ['NotAuthorizedException', `The ambiguous role mapping rules for: ${mappingKey} denied this request.`]);
  assert.equal(await assumedRole(await credentialsOf(pool, 'bob', arns.Green)), 'Green');
  // carol is in no group: ambiguous too
  assert.equal((await awsErrorOf(() => credentialsOf(pool, 'carol'))).name, 'NotAuthorizedException');

  await setMapping(pool, { Type: 'Token', AmbiguousRoleResolution: 'AuthenticatedRole' });
  assert.equal(await assumedRole(await credentialsOf(pool, 'bob')), 'DefaultAuth');
  assert.equal(await assumedRole(await credentialsOf(pool, 'carol')), 'DefaultAuth');
  assert.equal(await assumedRole(await credentialsOf(pool, 'alice')), 'Admin');
});

test('a Rules mapping picks the role of the first matching rule; no match with Deny is refused', async () => {
  const pool = arns.pool!;
  await setMapping(pool, { Type: 'Rules', AmbiguousRoleResolution: 'Deny', RulesConfiguration: { Rules: [
    { Claim: 'custom:dept', MatchType: 'Equals', Value: 'sales', RoleARN: arns.Sales! },
    { Claim: 'cognito:groups', MatchType: 'Contains', Value: 'admin', RoleARN: arns.Admin! },
    { Claim: 'cognito:groups', MatchType: 'StartsWith', Value: 'read', RoleARN: arns.Reader! },
  ] } });
  assert.equal(await assumedRole(await credentialsOf(pool, 'carol')), 'Sales');
  assert.equal(await assumedRole(await credentialsOf(pool, 'alice')), 'Admin');
  // CustomRoleArn may pick the role of another matching rule, never one of a rule that does not match
  assert.equal(await assumedRole(await credentialsOf(pool, 'alice', arns.Reader)), 'Reader');
  assert.equal((await awsErrorOf(() => credentialsOf(pool, 'alice', arns.Sales))).name, 'NotAuthorizedException');
  const e = await awsErrorOf(() => credentialsOf(pool, 'dave'));
  assert.deepEqual([e.name, e.message], ['NotAuthorizedException', `The ambiguous role mapping rules for: ${mappingKey} denied this request.`]);

  // NotEqual matches a present claim of another value; a token without the claim does not match it
  await setMapping(pool, { Type: 'Rules', AmbiguousRoleResolution: 'AuthenticatedRole', RulesConfiguration: { Rules: [
    { Claim: 'custom:dept', MatchType: 'NotEqual', Value: 'sales', RoleARN: arns.Green! },
  ] } });
  assert.equal(await assumedRole(await credentialsOf(pool, 'dave')), 'Green');
  assert.equal(await assumedRole(await credentialsOf(pool, 'carol')), 'DefaultAuth');
  assert.equal(await assumedRole(await credentialsOf(pool, 'bob')), 'DefaultAuth');
});

test("the mapped role's trust policy must still allow the identity", async () => {
  const other = await identityPool('other');
  const own = await makeRole('OtherAuth', other);
  // the groups' roles trust only the first pool: mapped here, they are refused
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: other, Roles: { authenticated: own },
    RoleMappings: { [mappingKey]: { Type: 'Token', AmbiguousRoleResolution: 'AuthenticatedRole' } } }));
  const e = await awsErrorOf(() => credentialsOf(other, 'alice'));
  assert.deepEqual([e.name, e.message], ['InvalidIdentityPoolConfigurationException', 'Invalid identity pool configuration. Check assigned IAM roles for this pool.']);
  assert.equal(await assumedRole(await credentialsOf(other, 'carol')), 'OtherAuth');
});

test('a pool naming one user pool with two app clients maps each client by its own key', async () => {
  const userPoolId = provider.slice(provider.lastIndexOf('/') + 1);
  const mobile = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'mobile', ExplicitAuthFlows: ALL_FLOWS }))).UserPoolClient!.ClientId!;
  const pool = (await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'two-clients', AllowUnauthenticatedIdentities: false,
    CognitoIdentityProviders: [{ ProviderName: provider, ClientId: clientId }, { ProviderName: provider, ClientId: mobile }] }))).IdentityPoolId!;
  const auth = await makeRole('TwoAuth', pool);
  const mobileRole = await makeRole('MobileRole', pool);
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: pool, Roles: { authenticated: auth }, RoleMappings: { [`${provider}:${mobile}`]: {
    Type: 'Rules', AmbiguousRoleResolution: 'AuthenticatedRole', RulesConfiguration: { Rules: [{ Claim: 'aud', MatchType: 'Equals', Value: mobile, RoleARN: mobileRole }] } } } }));
  const viaMobile = (await s.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: mobile, AuthParameters: { USERNAME: 'carol', PASSWORD: PW } }))).AuthenticationResult!.IdToken!;
  const logins = { [provider]: viaMobile };
  const IdentityId = (await unsigned.send(new GetIdCommand({ IdentityPoolId: pool, Logins: logins }))).IdentityId!;
  assert.equal(await assumedRole((await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }))).Credentials!), 'MobileRole');
  // the web client's token: no mapping for its key, the pool's authenticated role
  assert.equal(await assumedRole(await credentialsOf(pool, 'carol')), 'TwoAuth');
});

test('principal tags: mapped from token claims, a role policy conditioned on one allows only the matching user', async () => {
  const pool = await identityPool('tagged', { classic: true });
  const tagged = await makeRole('Tagged', pool, true);
  const poolArn = `arn:aws:cognito-identity:${region}:${acct}:identitypool/${pool}`;
  await iam.send(new PutRolePolicyCommand({ RoleName: 'Tagged', PolicyName: 'sales-only', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [
    { Effect: 'Allow', Action: 'cognito-identity:DescribeIdentityPool', Resource: poolArn, Condition: { StringEquals: { 'aws:PrincipalTag/dept': 'sales' } } },
    // a policy variable: each user may read the IAM role named as its username tag, no other
    { Effect: 'Allow', Action: 'iam:GetRole', Resource: 'arn:aws:iam::*:role/${aws:PrincipalTag/username}' },
  ] }) }));
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: pool, Roles: { authenticated: tagged } }));

  // defaults first: username ← sub, client ← aud
  const defaults = await admin.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: pool, IdentityProviderName: provider, UseDefaults: true }));
  assert.deepEqual(defaults.PrincipalTags, { client: 'aud', username: 'sub' });
  assert.equal(defaults.UseDefaults, true);
  const set = await admin.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: pool, IdentityProviderName: provider, UseDefaults: false,
    PrincipalTags: { dept: 'custom:dept', username: 'cognito:username' } }));
  assert.deepEqual(set.PrincipalTags, { dept: 'custom:dept', username: 'cognito:username' });
  // UpdateIdentityPool keeps the map (it is no member of the pool's description)
  await admin.send(new UpdateIdentityPoolCommand({ IdentityPoolId: pool, IdentityPoolName: 'tagged', AllowUnauthenticatedIdentities: false, AllowClassicFlow: true,
    CognitoIdentityProviders: [{ ProviderName: provider, ClientId: clientId }] }));
  const got = await admin.send(new GetPrincipalTagAttributeMapCommand({ IdentityPoolId: pool, IdentityProviderName: provider }));
  assert.deepEqual([got.UseDefaults, got.PrincipalTags], [false, { dept: 'custom:dept', username: 'cognito:username' }]);
  const unknown = await awsErrorOf(() => admin.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: pool, IdentityProviderName: 'accounts.example.com', UseDefaults: true })));
  assert.equal(unknown.name, 'InvalidParameterException');

  const asUser = async (c: Creds) => new CognitoIdentityClient({ region, endpoint: s.url, maxAttempts: 1, credentials: credentials(c) });
  const carolCreds = await credentialsOf(pool, 'carol');
  const carol = await asUser(carolCreds);
  assert.equal((await carol.send(new DescribeIdentityPoolCommand({ IdentityPoolId: pool }))).IdentityPoolId, pool);
  carol.destroy();
  await makeRole('carol', pool);
  const carolIam = new IAMClient({ region, endpoint: s.url, maxAttempts: 1, credentials: credentials(carolCreds) });
  assert.equal((await carolIam.send(new GetRoleCommand({ RoleName: 'carol' }))).Role!.RoleName, 'carol');
  assert.equal((await awsErrorOf(() => carolIam.send(new GetRoleCommand({ RoleName: 'Tagged' })))).name, 'AccessDenied'); // IAM's name on its Query API
  carolIam.destroy();
  const dave = await asUser(await credentialsOf(pool, 'dave'));
  const denied = await awsErrorOf(() => dave.send(new DescribeIdentityPoolCommand({ IdentityPoolId: pool })));
  assert.equal(denied.name, 'AccessDeniedException');
  dave.destroy();

  // the classic flow carries the tags in the OpenID token into STS AssumeRoleWithWebIdentity
  const sts = new STSClient({ region, endpoint: s.url, maxAttempts: 1, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
  const classic = async (username: string) => {
    const logins = { [provider]: await idTokenOf(username) };
    const IdentityId = (await unsigned.send(new GetIdCommand({ IdentityPoolId: pool, Logins: logins }))).IdentityId!;
    const { Token } = await unsigned.send(new GetOpenIdTokenCommand({ IdentityId, Logins: logins }));
    const c = (await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: tagged, RoleSessionName: 'web', WebIdentityToken: Token! }))).Credentials!;
    return { token: Token!, client: new CognitoIdentityClient({ region, endpoint: s.url, maxAttempts: 1, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } }) };
  };
  const viaSts = await classic('carol');
  assert.deepEqual(decodeJwt(viaSts.token)['https://aws.amazon.com/tags'], { principal_tags: { dept: ['sales'], username: ['carol'] } });
  assert.equal((await viaSts.client.send(new DescribeIdentityPoolCommand({ IdentityPoolId: pool }))).IdentityPoolId, pool);
  viaSts.client.destroy();
  const daveSts = await classic('dave');
  assert.equal((await awsErrorOf(() => daveSts.client.send(new DescribeIdentityPoolCommand({ IdentityPoolId: pool })))).name, 'AccessDeniedException');
  daveSts.client.destroy();

  // a role whose trust policy does not allow sts:TagSession cannot take tagged sessions
  const untagged = await makeRole('Untagged', pool);
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: pool, Roles: { authenticated: untagged } }));
  const e = await awsErrorOf(() => credentialsOf(pool, 'carol'));
  assert.equal(e.name, 'InvalidIdentityPoolConfigurationException');
  const refused = await awsErrorOf(() => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: untagged, RoleSessionName: 'web', WebIdentityToken: viaSts.token })));
  assert.equal(refused.name, 'AccessDenied');
  sts.destroy();
});

test('the classic flow is refused when AllowClassicFlow is false, and for a pool with role mappings', async () => {
  const off = await identityPool('no-classic', { classic: false });
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: off, Roles: { authenticated: await makeRole('OffAuth', off) } }));
  const logins = { [provider]: await idTokenOf('carol') };
  const id = (await unsigned.send(new GetIdCommand({ IdentityPoolId: off, Logins: logins }))).IdentityId!;
  const e = await awsErrorOf(() => unsigned.send(new GetOpenIdTokenCommand({ IdentityId: id, Logins: logins })));
  assert.deepEqual([e.name, e.message], ['InvalidParameterException', 'Basic (classic) flow is not enabled, please use enhanced flow.']);
  // the enhanced flow is served
  assert.equal(await assumedRole((await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: id, Logins: logins }))).Credentials!), 'OffAuth');

  const mapped = await identityPool('classic-mapped', { classic: true });
  const mid = (await unsigned.send(new GetIdCommand({ IdentityPoolId: mapped, Logins: logins }))).IdentityId!;
  assert.ok((await unsigned.send(new GetOpenIdTokenCommand({ IdentityId: mid, Logins: logins }))).Token);
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: mapped, Roles: {}, RoleMappings: { [mappingKey]: { Type: 'Token', AmbiguousRoleResolution: 'Deny' } } }));
  const m = await awsErrorOf(() => unsigned.send(new GetOpenIdTokenCommand({ IdentityId: mid, Logins: logins })));
  assert.deepEqual([m.name, m.message], ['InvalidParameterException', 'Basic (classic) flow is not supported with RoleMappings, please use enhanced flow.']);
});

test('a refused classic flow links nothing: a guest asking GetOpenIdToken with a fresh login stays a guest', async () => {
  const pool = (await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'guests-no-classic', AllowUnauthenticatedIdentities: true, AllowClassicFlow: false,
    CognitoIdentityProviders: [{ ProviderName: provider, ClientId: clientId }] }))).IdentityPoolId!;
  const guest = (await unsigned.send(new GetIdCommand({ IdentityPoolId: pool }))).IdentityId!;
  const token = await idTokenOf('dave');
  const e = await awsErrorOf(() => unsigned.send(new GetOpenIdTokenCommand({ IdentityId: guest, Logins: { [provider]: token } })));
  assert.equal(e.name, 'InvalidParameterException');
  assert.equal(await s.deps.store.identities.linked(pool, provider, String(decodeJwt(token).sub)), null);
  assert.deepEqual((await s.deps.store.identities.get(guest))!.logins, []);
});
