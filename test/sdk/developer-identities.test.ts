// Developer-authenticated identities with the real SDKs: a backend's GetOpenIdTokenForDeveloperIdentity (made,
// found, linked to a given identity, with other logins), LookupDeveloperIdentity, MergeDeveloperIdentities and
// UnlinkDeveloperIdentity with their errors; then the token as the login cognito-identity.amazonaws.com in
// GetCredentialsForIdentity / GetOpenIdToken and in STS AssumeRoleWithWebIdentity, until it expires. Runs on
// PostgreSQL too when COGNATE_TEST_DATABASE_URL is set.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoIdentityClient, CreateIdentityPoolCommand, DescribeIdentityCommand, DescribeIdentityPoolCommand, GetCredentialsForIdentityCommand, GetIdCommand, GetOpenIdTokenCommand,
  GetOpenIdTokenForDeveloperIdentityCommand, LookupDeveloperIdentityCommand, MergeDeveloperIdentitiesCommand, SetIdentityPoolRolesCommand,
  UnlinkDeveloperIdentityCommand,
} from '@aws-sdk/client-cognito-identity';
import { STSClient, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateUserPoolClientCommand, CreateUserPoolCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { rawRequest } from '../support/raw-http.ts';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { ALL_FLOWS, createTestUser } from '../support/users.ts';
import { FixedClock } from '../../src/runtime/clock.ts';

const NS = 'cognito-identity.amazonaws.com';
const DEV = 'login.example.app';
const PW = 'Passw0rd!';
const clock = new FixedClock(Date.now());
let s: TestServer;
let admin: CognitoIdentityClient;
let unsigned: CognitoIdentityClient;
let sts: STSClient;
let poolId: string;
let otherPoolId: string;
let provider: string;
let clientId: string;
let authRole: string;

const trust = (aud: string, amr: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: NS }, Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: { StringEquals: { [`${NS}:aud`]: aud }, 'ForAnyValue:StringLike': { [`${NS}:amr`]: amr } } }] });

before(async () => {
  s = await startServerOnStoreUnderTest(clock, 'devids');
  const region = s.deps.config.region;
  admin = new CognitoIdentityClient({ region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  unsigned = new CognitoIdentityClient({ region, endpoint: s.url, maxAttempts: 1, credentials: () => Promise.reject(new Error('must not need credentials')) });
  sts = new STSClient({ region, endpoint: s.url, maxAttempts: 1, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
  const iam = new IAMClient({ region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  const userPoolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'app' }))).UserPool!.Id!;
  clientId = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'web', ExplicitAuthFlows: ALL_FLOWS }))).UserPoolClient!.ClientId!;
  provider = `cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  for (const u of ['alice', 'bob']) await createTestUser(s.deps, (await s.deps.store.pools.get(userPoolId))!, u, PW);
  poolId = (await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'dev', AllowUnauthenticatedIdentities: true, DeveloperProviderName: DEV,
    CognitoIdentityProviders: [{ ProviderName: provider, ClientId: clientId }] }))).IdentityPoolId!;
  otherPoolId = (await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'other', AllowUnauthenticatedIdentities: true, DeveloperProviderName: DEV }))).IdentityPoolId!;
  authRole = (await iam.send(new CreateRoleCommand({ RoleName: 'Cognito_devAuth', AssumeRolePolicyDocument: trust(poolId, 'authenticated') }))).Role!.Arn!;
  const unauth = (await iam.send(new CreateRoleCommand({ RoleName: 'Cognito_devUnauth', AssumeRolePolicyDocument: trust(poolId, 'unauthenticated') }))).Role!.Arn!;
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: authRole, unauthenticated: unauth } }));
  iam.destroy();
});
after(async () => {
  for (const c of [admin, unsigned, sts]) c.destroy();
  await s.close();
});
testOnPostgres(() => s);

const devToken = (userId: string, more: { IdentityId?: string; TokenDuration?: number; Logins?: Record<string, string>; IdentityPoolId?: string; PrincipalTags?: Record<string, string> } = {}) =>
  admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: more.IdentityPoolId ?? poolId, IdentityId: more.IdentityId, TokenDuration: more.TokenDuration,
    Logins: { [DEV]: userId, ...more.Logins }, PrincipalTags: more.PrincipalTags }));
const idTokenOf = async (username: string) =>
  (await s.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD: PW } }))).AuthenticationResult!.IdToken!;
const errorOf = async (p: () => Promise<unknown>) => {
  const e = await awsErrorOf(p);
  return [e.name, e.message];
};

test('GetOpenIdTokenForDeveloperIdentity makes the identity of a developer user once, and a token with Cognito\'s claims', async () => {
  const first = await devToken('user-1');
  assert.match(first.IdentityId!, /^[\w-]+:[0-9a-f-]+$/);
  assert.equal((await devToken('user-1')).IdentityId, first.IdentityId);
  assert.notEqual((await devToken('user-2')).IdentityId, first.IdentityId);
  // the same developer user in another pool is another identity
  assert.notEqual((await devToken('user-1', { IdentityPoolId: otherPoolId })).IdentityId, first.IdentityId);

  assert.equal(decodeProtectedHeader(first.Token!).alg, 'RS512');
  const claims = decodeJwt(first.Token!);
  assert.equal(claims.iss, s.deps.config.publicUrl.replace(/\/+$/, ''));
  assert.equal(claims.sub, first.IdentityId);
  assert.equal(claims.aud, poolId);
  assert.deepEqual(claims.amr, ['authenticated', DEV, `${DEV}:${poolId}:user-1`]);
  assert.equal(claims.exp! - claims.iat!, 900);
  const hour = decodeJwt((await devToken('user-1', { TokenDuration: 3600 })).Token!);
  assert.equal(hour.exp! - hour.iat!, 3600);

  const described = await admin.send(new DescribeIdentityCommand({ IdentityId: first.IdentityId! }));
  assert.deepEqual(described.Logins, [DEV]);
});

test('GetOpenIdTokenForDeveloperIdentity refuses what Cognito refuses', async () => {
  const tooLong = await awsErrorOf(() => devToken('user-1', { TokenDuration: 86401 }));
  assert.equal(tooLong.name, 'InvalidParameterException');
  assert.equal((await awsErrorOf(() => devToken('user-1', { TokenDuration: 0 }))).name, 'InvalidParameterException');
  const unsupported = ['NotAuthorizedException', 'This identity pool does not support the specified developer provider.'];
  assert.deepEqual(await errorOf(() => admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, Logins: { 'login.other': 'u' } }))), unsupported);
  const plain = (await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'plain', AllowUnauthenticatedIdentities: true }))).IdentityPoolId!;
  assert.deepEqual(await errorOf(() => devToken('u', { IdentityPoolId: plain })), unsupported);
  assert.equal((await awsErrorOf(() => devToken('u', { IdentityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000' }))).name, 'ResourceNotFoundException');
  assert.equal((await awsErrorOf(() => devToken('x'.repeat(1025)))).name, 'InvalidParameterException');
  // a backend's call: an unsigned request is refused
  const raw = await rawRequest(s.url, { method: 'POST', body: JSON.stringify({ IdentityPoolId: poolId, Logins: { [DEV]: 'user-1' } }),
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetOpenIdTokenForDeveloperIdentity' } });
  assert.equal(raw.status, 403);
  assert.doesNotMatch(raw.body, /"Token"/);
  const { IdentityId: other } = await devToken('owner-a');
  assert.equal((await awsErrorOf(() => devToken('u-new', { IdentityId: 'us-east-1:00000000-0000-4000-8000-000000000000' }))).name, 'ResourceNotFoundException');
  // another pool's identity is not found in this one
  const foreign = (await devToken('f', { IdentityPoolId: otherPoolId })).IdentityId!;
  assert.equal((await awsErrorOf(() => devToken('u-new', { IdentityId: foreign }))).name, 'ResourceNotFoundException');
  // a developer user already linked to another identity
  const guest = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId }))).IdentityId!;
  assert.equal((await awsErrorOf(() => devToken('owner-a', { IdentityId: guest }))).name, 'DeveloperUserAlreadyRegisteredException');
  // an authenticated identity is only linked further with one of its logins
  assert.deepEqual(await errorOf(() => devToken('u-new', { IdentityId: other })), [
    'NotAuthorizedException', "Logins don't match. Please include at least one valid login for this identity or identity pool.",
  ]);
  assert.deepEqual((await admin.send(new DescribeIdentityCommand({ IdentityId: guest }))).Logins ?? [], []);
});

test('a guest identity becomes a developer one; other logins of the map are verified and linked to it', async () => {
  const guest = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId }))).IdentityId!;
  const alice = await idTokenOf('alice');
  const linked = await devToken('dev-alice', { IdentityId: guest, Logins: { [provider]: alice } });
  assert.equal(linked.IdentityId, guest);
  assert.deepEqual(new Set((await admin.send(new DescribeIdentityCommand({ IdentityId: guest }))).Logins), new Set([DEV, provider]));
  // alice's user-pool login now finds the same identity
  assert.equal((await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [provider]: alice } }))).IdentityId, guest);
  // a second developer identifier for the identity, proven by its first one
  assert.equal((await devToken('dev-alice-2', { IdentityId: guest, Logins: { [provider]: alice } })).IdentityId, guest);
  // a bad token in the map: nothing is linked
  const bad = await awsErrorOf(() => devToken('dev-x', { Logins: { [provider]: 'not-a-token' } }));
  assert.equal(bad.name, 'NotAuthorizedException');
  assert.equal((await awsErrorOf(() => admin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: poolId, DeveloperUserIdentifier: 'dev-x' })))).name, 'ResourceNotFoundException');
});

test('the developer token is the login cognito-identity.amazonaws.com: credentials of the authenticated role, GetOpenIdToken, STS', async () => {
  const { IdentityId, Token } = await devToken('carol');
  const got = await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [NS]: Token! } }));
  assert.equal(got.IdentityId, IdentityId);
  const c = got.Credentials!;
  const asCarol = new STSClient({ region: s.deps.config.region, endpoint: s.url, maxAttempts: 1, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken! } });
  assert.equal((await asCarol.send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${s.deps.config.accountId}:assumed-role/Cognito_devAuth/CognitoIdentityCredentials`);
  asCarol.destroy();

  const again = await unsigned.send(new GetOpenIdTokenCommand({ IdentityId, Logins: { [NS]: Token! } }));
  assert.deepEqual(decodeJwt(again.Token!).amr, ['authenticated', DEV, `${DEV}:${poolId}:carol`]);

  const viaSts = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: authRole, RoleSessionName: 'carol', WebIdentityToken: Token! }));
  assert.match(viaSts.Credentials!.AccessKeyId!, /^ASIA/);
  assert.equal(viaSts.SubjectFromWebIdentityToken, IdentityId);
});

test("PrincipalTags become the developer token's session tags: a role policy conditioned on one allows one user, denies another", async () => {
  const { region, accountId } = s.deps.config;
  const tagged = (await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'tagged', AllowUnauthenticatedIdentities: false, DeveloperProviderName: DEV }))).IdentityPoolId!;
  const poolArn = `arn:aws:cognito-identity:${region}:${accountId}:identitypool/${tagged}`;
  const iam = new IAMClient({ region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  const trustTagged = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: NS }, Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
    Condition: { StringEquals: { [`${NS}:aud`]: tagged } } }] });
  const role = (await iam.send(new CreateRoleCommand({ RoleName: 'Cognito_devTagged', AssumeRolePolicyDocument: trustTagged }))).Role!.Arn!;
  await iam.send(new PutRolePolicyCommand({ RoleName: 'Cognito_devTagged', PolicyName: 'sales-only', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [
    { Effect: 'Allow', Action: 'cognito-identity:DescribeIdentityPool', Resource: poolArn, Condition: { StringEquals: { 'aws:PrincipalTag/dept': 'sales' } } }] }) }));
  iam.destroy();
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: tagged, Roles: { authenticated: role } }));

  const erin = await devToken('erin', { IdentityPoolId: tagged, PrincipalTags: { dept: 'sales', team: 'north' } });
  const frank = await devToken('frank', { IdentityPoolId: tagged, PrincipalTags: { dept: 'ops' } });
  assert.deepEqual(decodeJwt(erin.Token!)['https://aws.amazon.com/tags'], { principal_tags: { dept: ['sales'], team: ['north'] } });
  const describe = async (c: { accessKeyId: string; secretAccessKey: string; sessionToken: string }) => {
    const client = new CognitoIdentityClient({ region, endpoint: s.url, maxAttempts: 1, credentials: c });
    try {
      return (await client.send(new DescribeIdentityPoolCommand({ IdentityPoolId: tagged }))).IdentityPoolId;
    } catch (e) {
      return (e as Error).name;
    } finally {
      client.destroy();
    }
  };
  // GetCredentialsForIdentity with the developer token as the login cognito-identity.amazonaws.com
  const enhanced = async (t: { IdentityId?: string; Token?: string }) => {
    const c = (await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: t.IdentityId, Logins: { [NS]: t.Token! } }))).Credentials!;
    return describe({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken! });
  };
  assert.equal(await enhanced(erin), tagged);
  assert.equal(await enhanced(frank), 'AccessDeniedException');
  // STS AssumeRoleWithWebIdentity reads them from the token
  const viaSts = async (t: { Token?: string }) => {
    const c = (await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: role, RoleSessionName: 'dev', WebIdentityToken: t.Token! }))).Credentials!;
    return describe({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });
  };
  assert.equal(await viaSts(erin), tagged);
  assert.equal(await viaSts(frank), 'AccessDeniedException');
  // GetOpenIdToken with the developer token as login carries them on
  const again = await unsigned.send(new GetOpenIdTokenCommand({ IdentityId: erin.IdentityId, Logins: { [NS]: erin.Token! } }));
  assert.deepEqual(decodeJwt(again.Token!)['https://aws.amazon.com/tags'], { principal_tags: { dept: ['sales'], team: ['north'] } });
  // the pool's untagging role (no sts:TagSession in its trust policy) takes no tagged session
  const untaggedToken = await devToken('gina', { PrincipalTags: { dept: 'sales' } });
  assert.equal((await awsErrorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: untaggedToken.IdentityId, Logins: { [NS]: untaggedToken.Token! } })))).name,
    'InvalidIdentityPoolConfigurationException');

  // the model's limits (≤ 50 tags, key 1–128, value 1–256) and STS's tag rules; a refused request links nothing
  const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
  for (const PrincipalTags of [many, { ['k'.repeat(129)]: 'v' }, { '': 'v' }, { k: 'v'.repeat(257) }, { k: '' }, { 'aws:dept': 'sales' }, { 'dept!': 'sales' }, { dept: 'sales;' }]) {
    const e = await awsErrorOf(() => devToken('hank', { IdentityPoolId: tagged, PrincipalTags }));
    assert.equal(e.name, 'InvalidParameterException', JSON.stringify(PrincipalTags).slice(0, 80));
  }
  assert.equal((await awsErrorOf(() => admin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: tagged, DeveloperUserIdentifier: 'hank' })))).name, 'ResourceNotFoundException');
  const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'.repeat(256)]));
  assert.equal(Object.keys((decodeJwt((await devToken('hank', { IdentityPoolId: tagged, PrincipalTags: fifty })).Token!)['https://aws.amazon.com/tags'] as { principal_tags: object }).principal_tags).length, 50);
});

test('a developer token proves only its own identity of its own pool, and not once expired', async () => {
  const { IdentityId, Token } = await devToken('dave', { TokenDuration: 60 });
  const { IdentityId: erin } = await devToken('erin');
  const mismatch = ['NotAuthorizedException', "Logins don't match. Please include at least one valid login for this identity or identity pool."];
  assert.deepEqual(await errorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: erin, Logins: { [NS]: Token! } }))), mismatch);
  const elsewhere = await devToken('dave', { IdentityPoolId: otherPoolId });
  assert.equal((await awsErrorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [NS]: elsewhere.Token! } })))).name, 'NotAuthorizedException');
  assert.equal((await awsErrorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [NS]: Token!.slice(0, -4) + 'AAAA' } })))).name, 'NotAuthorizedException');
  // a guest's own OpenID token does not make it authenticated
  const guest = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId }))).IdentityId!;
  const guestToken = (await unsigned.send(new GetOpenIdTokenCommand({ IdentityId: guest }))).Token!;
  assert.equal((await awsErrorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: guest, Logins: { [NS]: guestToken } })))).name, 'NotAuthorizedException');
  // GetId does not take identity-pool tokens
  assert.deepEqual(await errorOf(() => unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [NS]: Token! } }))), [
    'NotAuthorizedException', "Invalid login token. Can't pass in a Cognito token.",
  ]);

  assert.ok((await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [NS]: Token! } }))).Credentials);
  const exp = decodeJwt(Token!).exp!;
  // GetOpenIdToken's token for it lasts no longer than it: a short TokenDuration is not stretched by exchanging tokens
  clock.advance(20_000);
  const chained = decodeJwt((await unsigned.send(new GetOpenIdTokenCommand({ IdentityId, Logins: { [NS]: Token! } }))).Token!);
  clock.advance(-20_000);
  assert.equal(chained.exp, exp);
  clock.advance(61_000);
  try {
    assert.deepEqual(await errorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [NS]: Token! } }))), [
      'NotAuthorizedException', `Invalid login token. Token expired: ${exp} >= ${Math.floor(clock.now() / 1000)}`,
    ]);
    const e = await awsErrorOf(() => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: authRole, RoleSessionName: 'dave', WebIdentityToken: Token! })));
    assert.equal(e.name, 'ExpiredTokenException');
  } finally {
    clock.advance(-61_000);
  }
});

test('LookupDeveloperIdentity: by identifier, by identity (paged), both; its errors', async () => {
  const { IdentityId } = await devToken('gina-1');
  // more identifiers for one identity, through MergeDeveloperIdentities
  await devToken('gina-2');
  await devToken('gina-3');
  await admin.send(new MergeDeveloperIdentitiesCommand({ IdentityPoolId: poolId, DeveloperProviderName: DEV, SourceUserIdentifier: 'gina-2', DestinationUserIdentifier: 'gina-1' }));
  await admin.send(new MergeDeveloperIdentitiesCommand({ IdentityPoolId: poolId, DeveloperProviderName: DEV, SourceUserIdentifier: 'gina-3', DestinationUserIdentifier: 'gina-1' }));

  const lookup = (over: { IdentityId?: string; DeveloperUserIdentifier?: string; MaxResults?: number; NextToken?: string }) =>
    admin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: poolId, ...over }));
  const byId = await lookup({ DeveloperUserIdentifier: 'gina-2' });
  assert.equal(byId.IdentityId, IdentityId);
  assert.deepEqual(byId.DeveloperUserIdentifierList, ['gina-2']);
  assert.deepEqual((await lookup({ IdentityId })).DeveloperUserIdentifierList, ['gina-1', 'gina-2', 'gina-3']);
  const p1 = await lookup({ IdentityId, MaxResults: 2 });
  assert.deepEqual(p1.DeveloperUserIdentifierList, ['gina-1', 'gina-2']);
  const p2 = await lookup({ IdentityId, MaxResults: 2, NextToken: p1.NextToken });
  assert.deepEqual([p2.DeveloperUserIdentifierList, p2.NextToken], [['gina-3'], undefined]);
  assert.deepEqual((await lookup({ IdentityId, DeveloperUserIdentifier: 'gina-3' })).DeveloperUserIdentifierList, ['gina-3']);

  const { IdentityId: other } = await devToken('hank');
  assert.equal((await awsErrorOf(() => lookup({ IdentityId: other, DeveloperUserIdentifier: 'gina-1' }))).name, 'ResourceConflictException');
  assert.equal((await awsErrorOf(() => lookup({ DeveloperUserIdentifier: 'nobody' }))).name, 'ResourceNotFoundException');
  assert.equal((await awsErrorOf(() => lookup({ IdentityId: 'us-east-1:00000000-0000-4000-8000-000000000000' }))).name, 'ResourceNotFoundException');
  assert.equal((await awsErrorOf(() => lookup({}))).name, 'InvalidParameterException');
  assert.equal((await awsErrorOf(() => lookup({ IdentityId, MaxResults: 61 }))).name, 'InvalidParameterException');
  assert.equal((await awsErrorOf(() => lookup({ IdentityId, NextToken: '!!' }))).name, 'InvalidParameterException');
});

test('MergeDeveloperIdentities moves the source identity\'s logins to the destination; refuses two users of one provider', async () => {
  const src = await devToken('ivy-src');
  const dst = await devToken('ivy-dst');
  const merge = (source: string, destination: string, dev = DEV) =>
    admin.send(new MergeDeveloperIdentitiesCommand({ IdentityPoolId: poolId, DeveloperProviderName: dev, SourceUserIdentifier: source, DestinationUserIdentifier: destination }));
  assert.equal((await merge('ivy-src', 'ivy-dst')).IdentityId, dst.IdentityId);
  assert.equal((await admin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: poolId, DeveloperUserIdentifier: 'ivy-src' }))).IdentityId, dst.IdentityId);
  assert.equal((await awsErrorOf(() => admin.send(new DescribeIdentityCommand({ IdentityId: src.IdentityId! })))).name, 'ResourceNotFoundException');
  // merging what is one identity already answers it
  assert.equal((await merge('ivy-src', 'ivy-dst')).IdentityId, dst.IdentityId);
  // the source's developer token still names the source identity, which is gone
  assert.equal((await awsErrorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: src.IdentityId!, Logins: { [NS]: src.Token! } })))).name, 'ResourceNotFoundException');

  assert.equal((await awsErrorOf(() => merge('nobody', 'ivy-dst'))).name, 'ResourceNotFoundException');
  assert.equal((await awsErrorOf(() => merge('ivy-src', 'nobody'))).name, 'ResourceNotFoundException');
  assert.deepEqual(await errorOf(() => merge('ivy-src', 'ivy-dst', 'login.other')), ['NotAuthorizedException', 'This identity pool does not support the specified developer provider.']);

  // two identities with the same user-pool provider as different users cannot be merged
  const withBob = await devToken('jo-bob', { Logins: { [provider]: await idTokenOf('bob') } });
  const guest = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId }))).IdentityId!;
  const carl = await devToken('jo-carl', { IdentityId: guest });
  await s.deps.store.identities.linkTo(carl.IdentityId!, provider, 'another-user-sub', clock.now());
  assert.equal((await awsErrorOf(() => merge('jo-bob', 'jo-carl'))).name, 'ResourceConflictException');
  assert.equal((await admin.send(new DescribeIdentityCommand({ IdentityId: withBob.IdentityId! }))).IdentityId, withBob.IdentityId);
});

test('UnlinkDeveloperIdentity removes the identifier, which then makes a new identity', async () => {
  const first = await devToken('kim');
  const unlink = (IdentityId: string, id: string, dev = DEV) =>
    admin.send(new UnlinkDeveloperIdentityCommand({ IdentityPoolId: poolId, IdentityId, DeveloperProviderName: dev, DeveloperUserIdentifier: id }));
  const { IdentityId: other } = await devToken('lee');
  assert.equal((await awsErrorOf(() => unlink(other!, 'kim'))).name, 'ResourceConflictException');
  assert.equal((await awsErrorOf(() => unlink(first.IdentityId!, 'kim', 'login.other'))).name, 'NotAuthorizedException');
  await unlink(first.IdentityId!, 'kim');
  assert.deepEqual((await admin.send(new DescribeIdentityCommand({ IdentityId: first.IdentityId! }))).Logins ?? [], []);
  assert.equal((await awsErrorOf(() => admin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: poolId, DeveloperUserIdentifier: 'kim' })))).name, 'ResourceNotFoundException');
  assert.equal((await awsErrorOf(() => unlink(first.IdentityId!, 'kim'))).name, 'ResourceNotFoundException');
  assert.notEqual((await devToken('kim')).IdentityId, first.IdentityId);
});

test('a developer token with a login linked nowhere links it to the token\'s identity; refused, it leaves no identity behind', async () => {
  await createTestUser(s.deps, (await s.deps.store.pools.get(provider.split('/')[1]!))!, 'frank', PW);
  const { IdentityId, Token } = await devToken('gina');
  const frank = await idTokenOf('frank');
  const got = await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [NS]: Token!, [provider]: frank } }));
  assert.equal(got.IdentityId, IdentityId);
  assert.equal((await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [provider]: frank } }))).IdentityId, IdentityId);
  // another identity's token with frank's login (now gina's): refused, and nothing changed
  const { IdentityId: hank, Token: hankToken } = await devToken('hank');
  assert.equal((await awsErrorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: hank, Logins: { [NS]: hankToken!, [provider]: frank } })))).name, 'NotAuthorizedException');
  // a refused link (two users of one provider on one identity) makes no identity for the fresh login
  await createTestUser(s.deps, (await s.deps.store.pools.get(provider.split('/')[1]!))!, 'ivy', PW);
  const ivy = await idTokenOf('ivy');
  assert.equal((await awsErrorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [NS]: Token!, [provider]: ivy } })))).name, 'ResourceConflictException');
  assert.equal(await s.deps.store.identities.linked(poolId, provider, String(decodeJwt(ivy).sub)), null);
});

test('GetOpenIdTokenForDeveloperIdentity refuses two users of one provider (the user pool under its two names)', async () => {
  for (const u of ['kim', 'lee']) await createTestUser(s.deps, (await s.deps.store.pools.get(provider.split('/')[1]!))!, u, PW);
  const [kim, lee] = [await idTokenOf('kim'), await idTokenOf('lee')];
  const other = String(decodeJwt(kim).iss).replace(/^https?:\/\//, '');
  assert.equal((await awsErrorOf(() => devToken('mo', { Logins: { [provider]: kim, [other]: lee } }))).name, 'ResourceConflictException');
  assert.equal(await s.deps.store.identities.linked(poolId, provider, String(decodeJwt(kim).sub)), null);
});
