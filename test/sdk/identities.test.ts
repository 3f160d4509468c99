// Identities through the real AWS SDK (@aws-sdk/client-cognito-identity): GetId unsigned, for guests and for logins
// by real ID tokens of a Cognate user pool (signed in with @aws-sdk/client-cognito-identity-provider), and
// DescribeIdentity. On SQLite, and on PostgreSQL (in a schema of its own) when COGNATE_TEST_DATABASE_URL is set.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  DeleteIdentitiesCommand,
  DescribeIdentityCommand,
  GetIdCommand,
  GetIdentityPoolRolesCommand,
  GetOpenIdTokenCommand,
  SetIdentityPoolRolesCommand,
  UpdateIdentityPoolCommand,
  UnlinkIdentityCommand,
  DescribeIdentityPoolCommand,
  ListIdentitiesCommand,
  type CognitoIdentityProvider,
} from '@aws-sdk/client-cognito-identity';
import { CreateUserPoolClientCommand, CreateUserPoolCommand, GlobalSignOutCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { ALL_FLOWS, createTestUser } from '../support/users.ts';
import { FixedClock } from '../../src/runtime/clock.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';

let s: TestServer;
let admin: CognitoIdentityClient;
let unsigned: CognitoIdentityClient;
const clock = new FixedClock(Date.now());
const PW = 'Passw0rd!';
let userPoolId: string;
let clientId: string;
let otherClientId: string;
let provider: string;

before(async () => {
  s = await startServerOnStoreUnderTest(clock, 'cognate_ids', 4);
  admin = new CognitoIdentityClient({ region: s.deps.config.region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  // GetId is one of the operations the SDK sends unsigned: no credentials at all.
  unsigned = new CognitoIdentityClient({
    region: s.deps.config.region,
    endpoint: s.url,
    maxAttempts: 1,
    credentials: () => Promise.reject(new Error('GetId must not need credentials')),
  });
  userPoolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'ids' }))).UserPool!.Id!;
  const newClient = async () =>
    (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'app', ExplicitAuthFlows: ALL_FLOWS }))).UserPoolClient!.ClientId!;
  clientId = await newClient();
  otherClientId = await newClient();
  provider = `cognito-idp.${s.deps.config.region}.amazonaws.com/${userPoolId}`;
  const pool = (await s.deps.store.pools.get(userPoolId))!;
  for (const u of ['alice', 'bob', 'carol']) await createTestUser(s.deps, pool, u, PW);
});
after(async () => {
  admin.destroy();
  unsigned.destroy();
  await s.close();
});

testOnPostgres(() => s);

async function signIn(username: string, ClientId = clientId) {
  const r = await s.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId, AuthParameters: { USERNAME: username, PASSWORD: PW } }));
  return r.AuthenticationResult!;
}

async function identityPool(over: { guests?: boolean; providers?: CognitoIdentityProvider[] } = {}) {
  const r = await admin.send(
    new CreateIdentityPoolCommand({
      IdentityPoolName: 'ids',
      AllowUnauthenticatedIdentities: over.guests ?? false,
      CognitoIdentityProviders: over.providers ?? [{ ProviderName: provider, ClientId: clientId }],
    }),
  );
  return r.IdentityPoolId!;
}

async function errorOf(fn: () => Promise<unknown>): Promise<[string, string]> {
  const e = await awsErrorOf(fn);
  return [e.name, e.message];
}

const ID = new RegExp('^us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$');

test('GetId without logins: a new guest identity each time where allowed; refused where not', async () => {
  const guests = await identityPool({ guests: true });
  const a = (await unsigned.send(new GetIdCommand({ IdentityPoolId: guests, AccountId: s.deps.config.accountId }))).IdentityId!;
  const b = (await unsigned.send(new GetIdCommand({ IdentityPoolId: guests, Logins: {} }))).IdentityId!;
  assert.match(a, ID);
  assert.match(b, ID);
  assert.notEqual(a, b);
  const d = await admin.send(new DescribeIdentityCommand({ IdentityId: a }));
  assert.equal(d.IdentityId, a);
  assert.deepEqual(d.Logins, []);
  assert.equal(d.CreationDate!.getTime(), clock.now());

  const closed = await identityPool({ guests: false });
  assert.deepEqual(await errorOf(() => unsigned.send(new GetIdCommand({ IdentityPoolId: closed }))), [
    'NotAuthorizedException',
    'Unauthenticated access is not supported for this identity pool.',
  ]);
  const missing = 'us-east-1:00000000-0000-4000-8000-000000000000';
  assert.deepEqual(await errorOf(() => unsigned.send(new GetIdCommand({ IdentityPoolId: missing }))), [
    'ResourceNotFoundException',
    `IdentityPool '${missing}' not found.`,
  ]);
  assert.equal((await errorOf(() => admin.send(new DescribeIdentityCommand({ IdentityId: missing }))))[0], 'ResourceNotFoundException');
});

test('GetId with a user pool ID token: one stable identity per user, also under concurrent first calls', async () => {
  const poolId = await identityPool();
  const alice = await signIn('alice');
  const logins = { [provider]: alice.IdToken! };
  const ids = await Promise.all(Array.from({ length: 6 }, () => unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins }))));
  assert.equal(new Set(ids.map((r) => r.IdentityId)).size, 1);
  const aliceId = ids[0]!.IdentityId!;
  assert.match(aliceId, ID);
  // A later sign-in (another token) is the same identity; another user is another one.
  clock.advance(1000);
  const again = await signIn('alice');
  assert.equal((await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [provider]: again.IdToken! } }))).IdentityId, aliceId);
  const bob = await signIn('bob');
  const bobId = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [provider]: bob.IdToken! } }))).IdentityId!;
  assert.notEqual(bobId, aliceId);
  const d = await admin.send(new DescribeIdentityCommand({ IdentityId: aliceId }));
  assert.deepEqual(d.Logins, [provider]);
  // The same user in another identity pool is another identity.
  const other = await identityPool();
  assert.notEqual((await unsigned.send(new GetIdCommand({ IdentityPoolId: other, Logins: logins }))).IdentityId, aliceId);
});

test("GetId accepts Cognate's issuer host form of the provider name", async () => {
  const alice = await signIn('alice');
  const iss = JSON.parse(Buffer.from(alice.IdToken!.split('.')[1]!, 'base64url').toString()).iss as string;
  const hostForm = iss.replace(/^https?:\/\//, '');
  const poolId = await identityPool({ providers: [{ ProviderName: hostForm, ClientId: clientId }] });
  assert.match((await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [hostForm]: alice.IdToken! } }))).IdentityId!, ID);
});

test('GetId refuses logins from providers the pool lacks, other audiences, bad, expired and (with ServerSideTokenCheck) signed-out tokens', async () => {
  const poolId = await identityPool();
  const carol = await signIn('carol');
  const getId = (Logins: Record<string, string>, IdentityPoolId = poolId) => errorOf(() => unsigned.send(new GetIdCommand({ IdentityPoolId, Logins })));
  assert.deepEqual(await getId({ 'cognito-idp.us-east-1.amazonaws.com/us-east-1_Nope': carol.IdToken! }), [
    'NotAuthorizedException',
    'Token is not from a supported provider of this identity pool.',
  ]);
  const otherAud = await signIn('carol', otherClientId);
  assert.equal((await getId({ [provider]: otherAud.IdToken! }))[0], 'NotAuthorizedException');
  // An access token, or a tampered ID token, is not an ID token of the pool.
  assert.equal((await getId({ [provider]: carol.AccessToken! }))[0], 'NotAuthorizedException');
  const [h, p, sig] = carol.IdToken!.split('.');
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'someone-else' })).toString('base64url');
  assert.equal((await getId({ [provider]: `${h}.${forged}.${sig}` }))[0], 'NotAuthorizedException');
  // A provider naming another user pool than the token's issuer.
  const elsewhere = `cognito-idp.${s.deps.config.region}.amazonaws.com/us-east-1_Other1`;
  const mismatched = await identityPool({ providers: [{ ProviderName: elsewhere, ClientId: clientId }] });
  assert.deepEqual(await getId({ [elsewhere]: carol.IdToken! }, mismatched), ['NotAuthorizedException', "Invalid login token. Issuer doesn't match providerName"]);

  // ServerSideTokenCheck: a signed-out session's ID token is refused; without it, accepted until it expires.
  const checked = await identityPool({ providers: [{ ProviderName: provider, ClientId: clientId, ServerSideTokenCheck: true }] });
  const session = await signIn('carol');
  assert.match((await unsigned.send(new GetIdCommand({ IdentityPoolId: checked, Logins: { [provider]: session.IdToken! } }))).IdentityId!, ID);
  await s.idp.send(new GlobalSignOutCommand({ AccessToken: session.AccessToken! }));
  assert.equal((await getId({ [provider]: session.IdToken! }, checked))[0], 'NotAuthorizedException');
  assert.match((await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [provider]: session.IdToken! } }))).IdentityId!, ID);

  const exp = JSON.parse(Buffer.from(session.IdToken!.split('.')[1]!, 'base64url').toString()).exp as number;
  clock.set(exp * 1000);
  try {
    assert.deepEqual(await getId({ [provider]: session.IdToken! }), ['NotAuthorizedException', `Invalid login token. Token expired: ${exp} >= ${exp}`]);
  } finally {
    clock.set(Date.now());
  }
});

test('ListIdentities pages a pool in creation order; DeleteIdentities removes them (unknown ids are no error)', async () => {
  const poolId = await identityPool({ guests: true });
  const made: string[] = [];
  for (let i = 0; i < 5; i++) {
    clock.advance(1000);
    made.push((await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId }))).IdentityId!);
  }
  clock.advance(1000);
  const alice = await signIn('alice');
  const aliceId = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [provider]: alice.IdToken! } }))).IdentityId!;
  made.push(aliceId);

  const seen: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await admin.send(new ListIdentitiesCommand({ IdentityPoolId: poolId, MaxResults: 2, HideDisabled: true, NextToken }));
    assert.equal(page.IdentityPoolId, poolId);
    assert.ok(page.Identities!.length <= 2);
    seen.push(...page.Identities!.map((i) => i.IdentityId!));
    NextToken = page.NextToken;
  } while (NextToken);
  assert.deepEqual(seen, made);
  const all = await admin.send(new ListIdentitiesCommand({ IdentityPoolId: poolId, MaxResults: 60 }));
  assert.deepEqual(all.Identities!.at(-1)!.Logins, [provider]);
  assert.deepEqual(await errorOf(() => admin.send(new ListIdentitiesCommand({ IdentityPoolId: poolId, MaxResults: 2, NextToken: 'garbage' }))), [
    'InvalidParameterException',
    'Invalid pagination token.',
  ]);
  assert.equal((await errorOf(() => admin.send(new ListIdentitiesCommand({ IdentityPoolId: poolId, MaxResults: 61 }))))[0], 'InvalidParameterException');

  const missing = 'us-east-1:00000000-0000-4000-8000-000000000000';
  const del = await admin.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [made[0]!, aliceId, missing] }));
  assert.deepEqual(del.UnprocessedIdentityIds, []);
  const left = await admin.send(new ListIdentitiesCommand({ IdentityPoolId: poolId, MaxResults: 60 }));
  assert.deepEqual(left.Identities!.map((i) => i.IdentityId), made.slice(1, 5));
  assert.equal((await errorOf(() => admin.send(new DescribeIdentityCommand({ IdentityId: aliceId }))))[0], 'ResourceNotFoundException');
  // The login is free again: the next GetId makes a new identity for it.
  const again = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [provider]: alice.IdToken! } }))).IdentityId!;
  assert.notEqual(again, aliceId);
  assert.equal(
    (await errorOf(() => admin.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: Array.from({ length: 61 }, () => missing) }))))[0],
    'InvalidParameterException',
  );
});

test('SetIdentityPoolRoles / GetIdentityPoolRoles: roles and role mappings stored as given, checked, kept by UpdateIdentityPool', async () => {
  const poolId = await identityPool({ guests: true });
  const arn = (n: string) => `arn:aws:iam::${s.deps.config.accountId}:role/${n}`;
  const key = `${provider}:${clientId}`;
  const RoleMappings = {
    [key]: {
      Type: 'Rules' as const,
      AmbiguousRoleResolution: 'AuthenticatedRole' as const,
      RulesConfiguration: { Rules: [{ Claim: 'cognito:groups', MatchType: 'Contains' as const, Value: 'admins', RoleARN: arn('Admins') }] },
    },
  };
  const Roles = { authenticated: arn('Auth'), unauthenticated: arn('service-role/Guest') };
  assert.deepEqual(await admin.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId })).then((r) => r.Roles ?? {}), {});
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles, RoleMappings }));
  const got = await admin.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId }));
  assert.deepEqual({ IdentityPoolId: got.IdentityPoolId, Roles: got.Roles, RoleMappings: got.RoleMappings }, { IdentityPoolId: poolId, Roles, RoleMappings });

  // UpdateIdentityPool keeps them; they are not members of the pool description.
  const desc = await admin.send(new DescribeIdentityPoolCommand({ IdentityPoolId: poolId }));
  await admin.send(new UpdateIdentityPoolCommand({ IdentityPoolId: poolId, IdentityPoolName: 'renamed', AllowUnauthenticatedIdentities: true, CognitoIdentityProviders: desc.CognitoIdentityProviders }));
  assert.deepEqual((await admin.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId }))).Roles, Roles);

  const refused = async (input: Omit<ConstructorParameters<typeof SetIdentityPoolRolesCommand>[0], 'IdentityPoolId'>) => {
    const [name] = await errorOf(() => admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, ...input })));
    assert.equal(name, 'InvalidParameterException', JSON.stringify(input));
  };
  await refused({ Roles: { authenticated: 'not-an-arn' } });
  await refused({ Roles: { admin: arn('Auth') } });
  await refused({ Roles, RoleMappings: { 'graph.facebook.com': { Type: 'Token', AmbiguousRoleResolution: 'Deny' } } });
  await refused({ Roles, RoleMappings: { [key]: { Type: 'Rules', AmbiguousRoleResolution: 'Deny' } } });
  await refused({ Roles, RoleMappings: { [key]: { Type: 'Token' } } });
  await refused({
    Roles,
    RoleMappings: { [key]: { Type: 'Rules', AmbiguousRoleResolution: 'Deny', RulesConfiguration: { Rules: [{ Claim: 'c', MatchType: 'Equals', Value: 'v', RoleARN: 'arn:aws:s3:::bucket' }] } } },
  });
  // Nothing half-written: the refused requests left the roles as they were.
  const after = await admin.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId }));
  assert.deepEqual({ Roles: after.Roles, RoleMappings: after.RoleMappings }, { Roles, RoleMappings });
  // A Token mapping; and an empty Roles map clears the roles.
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: {}, RoleMappings: { [key]: { Type: 'Token', AmbiguousRoleResolution: 'Deny' } } }));
  const cleared = await admin.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId }));
  assert.deepEqual(cleared.Roles ?? {}, {});
  assert.deepEqual(cleared.RoleMappings, { [key]: { Type: 'Token', AmbiguousRoleResolution: 'Deny' } });
  assert.equal(
    (await errorOf(() => admin.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000' }))))[0],
    'ResourceNotFoundException',
  );
});

test('UnlinkIdentity (unsigned): with a verified login of the identity, removes the named login; others are refused', async () => {
  const poolId = await identityPool();
  const alice = await signIn('alice');
  const bob = await signIn('bob');
  const aliceId = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [provider]: alice.IdToken! } }))).IdentityId!;
  await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [provider]: bob.IdToken! } }));
  // Bob's token does not prove Alice's identity.
  assert.deepEqual(
    (await errorOf(() => unsigned.send(new UnlinkIdentityCommand({ IdentityId: aliceId, Logins: { [provider]: bob.IdToken! }, LoginsToRemove: [provider] }))))[0],
    'NotAuthorizedException',
  );
  assert.deepEqual((await admin.send(new DescribeIdentityCommand({ IdentityId: aliceId }))).Logins, [provider]);
  clock.advance(1000);
  await unsigned.send(new UnlinkIdentityCommand({ IdentityId: aliceId, Logins: { [provider]: alice.IdToken! }, LoginsToRemove: [provider] }));
  const d = await admin.send(new DescribeIdentityCommand({ IdentityId: aliceId }));
  assert.deepEqual(d.Logins, []);
  assert.equal(d.LastModifiedDate!.getTime(), clock.now());
  // The login is free: Alice's next GetId is a new identity.
  assert.notEqual((await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [provider]: alice.IdToken! } }))).IdentityId, aliceId);
  assert.equal(
    (await errorOf(() => unsigned.send(new UnlinkIdentityCommand({ IdentityId: 'us-east-1:00000000-0000-4000-8000-000000000000', Logins: { [provider]: alice.IdToken! }, LoginsToRemove: [provider] }))))[0],
    'ResourceNotFoundException',
  );
});

test('an identity whose last login was removed is inaccessible: no guest credentials or token by its id, no new login', async () => {
  const poolId = await identityPool({ guests: true });
  const carol = await signIn('carol');
  const alice = await signIn('alice');
  const aliceId = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [provider]: alice.IdToken! } }))).IdentityId!;
  // a guest of the pool is served as before
  const guest = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId }))).IdentityId!;
  assert.ok((await unsigned.send(new GetOpenIdTokenCommand({ IdentityId: guest }))).Token);
  clock.advance(1000);
  await unsigned.send(new UnlinkIdentityCommand({ IdentityId: aliceId, Logins: { [provider]: alice.IdToken! }, LoginsToRemove: [provider] }));
  // whoever knows the id gets neither a guest's token for it nor links a login of their own to it
  assert.equal((await awsErrorOf(() => unsigned.send(new GetOpenIdTokenCommand({ IdentityId: aliceId })))).name, 'NotAuthorizedException');
  assert.equal((await awsErrorOf(() => unsigned.send(new GetOpenIdTokenCommand({ IdentityId: aliceId, Logins: { [provider]: carol.IdToken! } })))).name, 'NotAuthorizedException');
  assert.deepEqual((await admin.send(new DescribeIdentityCommand({ IdentityId: aliceId }))).Logins, []);
});
