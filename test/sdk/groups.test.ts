// Groups through the real AWS SDK: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups, AdminAddUserToGroup,
// AdminRemoveUserFromGroup, AdminListGroupsForUser, ListUsersInGroup — their errors and pagination (by hand and with the
// SDK's paginators) — and the group claims in tokens from a real USER_PASSWORD_AUTH sign-in and a refresh.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminAddUserToGroupCommand,
  AdminDeleteUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteGroupCommand,
  GetGroupCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  ListUsersInGroupCommand,
  paginateAdminListGroupsForUser,
  paginateListGroups,
  paginateListUsersInGroup,
  UpdateGroupCommand,
  type CreateGroupCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { awsErrorOf, startTestServer, type TestServer } from '../support/server.ts';
import { ALL_FLOWS, createTestUser } from '../support/users.ts';
import { FixedClock } from '../../src/runtime/clock.ts';
import type { PoolRecord } from '../../src/storage/records.ts';

let s: TestServer;
// Near the real time: SigV4 allows 15 minutes of skew.
const clock = new FixedClock(Date.now());
let pool: PoolRecord;
let clientId: string;
const PW = 'Passw0rd!';
const role = (n: string) => `arn:aws:iam::123456789012:role/${n}`;
const NO_POOL = 'us-east-1_zzzzzzzzz';

before(async () => {
  s = await startTestServer({ clock });
  const id = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'groups', AliasAttributes: ['email'] }))).UserPool!.Id!;
  pool = (await s.deps.store.pools.get(id))!;
  clientId = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: id, ClientName: 'app', ExplicitAuthFlows: ALL_FLOWS })))
    .UserPoolClient!.ClientId!;
  await createTestUser(s.deps, pool, 'alice', PW, { attributes: { email: 'alice@example.com', email_verified: 'true' } });
  await createTestUser(s.deps, pool, 'bob', null);
});
after(() => s.close());

const createGroup = (input: Omit<CreateGroupCommandInput, 'UserPoolId'> & { UserPoolId?: string }) =>
  s.idp.send(new CreateGroupCommand({ UserPoolId: pool.id, ...input }));
const addToGroup = (Username: string, GroupName: string, UserPoolId = pool.id) =>
  s.idp.send(new AdminAddUserToGroupCommand({ UserPoolId, Username, GroupName }));
const removeFromGroup = (Username: string, GroupName: string, UserPoolId = pool.id) =>
  s.idp.send(new AdminRemoveUserFromGroupCommand({ UserPoolId, Username, GroupName }));

test('CreateGroup, GetGroup, UpdateGroup, DeleteGroup', async () => {
  const t = new Date(clock.now());
  const created = await createGroup({ GroupName: 'crud', Description: 'first', RoleArn: role('crud'), Precedence: 3 });
  const group = { GroupName: 'crud', UserPoolId: pool.id, Description: 'first', RoleArn: role('crud'), Precedence: 3, LastModifiedDate: t, CreationDate: t };
  assert.deepEqual(created.Group, group);
  assert.deepEqual((await s.idp.send(new GetGroupCommand({ UserPoolId: pool.id, GroupName: 'crud' }))).Group, group);

  clock.advance(30_000);
  const updated = await s.idp.send(new UpdateGroupCommand({ UserPoolId: pool.id, GroupName: 'crud', Description: 'second', Precedence: 0 }));
  // What the request leaves out (RoleArn) stays.
  assert.deepEqual(updated.Group, { ...group, Description: 'second', Precedence: 0, LastModifiedDate: new Date(clock.now()) });
  assert.deepEqual((await s.idp.send(new GetGroupCommand({ UserPoolId: pool.id, GroupName: 'crud' }))).Group, updated.Group);

  assert.equal((await s.idp.send(new DeleteGroupCommand({ UserPoolId: pool.id, GroupName: 'crud' }))).$metadata.httpStatusCode, 200);
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new GetGroupCommand({ UserPoolId: pool.id, GroupName: 'crud' }))), {
    name: 'ResourceNotFoundException',
    message: 'Group not found.',
    status: 400,
  });
});

test('group errors: a taken name, unknown groups and pools, bad names and precedences at the edge', async () => {
  await createGroup({ GroupName: 'taken' });
  assert.deepEqual(await awsErrorOf(() => createGroup({ GroupName: 'taken', Precedence: 1 })), {
    name: 'GroupExistsException',
    message: 'A group with the name taken already exists.',
    status: 400,
  });
  for (const send of [
    () => s.idp.send(new GetGroupCommand({ UserPoolId: pool.id, GroupName: 'ghost' })),
    () => s.idp.send(new UpdateGroupCommand({ UserPoolId: pool.id, GroupName: 'ghost', Precedence: 1 })),
    () => s.idp.send(new DeleteGroupCommand({ UserPoolId: pool.id, GroupName: 'ghost' })),
    () => s.idp.send(new ListUsersInGroupCommand({ UserPoolId: pool.id, GroupName: 'ghost' })),
    () => addToGroup('bob', 'ghost'),
    () => removeFromGroup('bob', 'ghost'),
  ]) {
    assert.deepEqual(await awsErrorOf(send), { name: 'ResourceNotFoundException', message: 'Group not found.', status: 400 });
  }
  for (const send of [
    () => createGroup({ UserPoolId: NO_POOL, GroupName: 'x' }),
    () => s.idp.send(new GetGroupCommand({ UserPoolId: NO_POOL, GroupName: 'x' })),
    () => s.idp.send(new ListGroupsCommand({ UserPoolId: NO_POOL })),
    () => addToGroup('bob', 'taken', NO_POOL),
  ]) {
    assert.deepEqual(await awsErrorOf(send), { name: 'ResourceNotFoundException', message: `User pool ${NO_POOL} does not exist.`, status: 400 });
  }
  assert.equal((await awsErrorOf(() => createGroup({ GroupName: 'has space' }))).name, 'InvalidParameterException');
  assert.equal((await awsErrorOf(() => createGroup({ GroupName: 'neg', Precedence: -1 }))).name, 'InvalidParameterException');
  assert.equal((await awsErrorOf(() => createGroup({ GroupName: 'badrole', RoleArn: 'not-an-arn-at-all-here' }))).name, 'InvalidParameterException');
});

test('ListGroups pages by name, by hand and with the SDK paginator; a foreign token is refused', async () => {
  const id = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'many-groups' }))).UserPool!.Id!;
  const names = Array.from({ length: 7 }, (_, i) => `group-${String.fromCharCode(103 - i)}`); // group-g … group-a
  for (const GroupName of names) await createGroup({ UserPoolId: id, GroupName });
  const seen: string[] = [];
  let NextToken: string | undefined;
  let pages = 0;
  do {
    const out = await s.idp.send(new ListGroupsCommand({ UserPoolId: id, Limit: 3, NextToken }));
    seen.push(...out.Groups!.map((g) => g.GroupName!));
    NextToken = out.NextToken;
    pages++;
  } while (NextToken);
  assert.deepEqual(seen, [...names].sort());
  assert.equal(pages, 3);
  const viaPaginator: string[] = [];
  for await (const page of paginateListGroups({ client: s.idp, pageSize: 2 }, { UserPoolId: id })) viaPaginator.push(...page.Groups!.map((g) => g.GroupName!));
  assert.deepEqual(viaPaginator, [...names].sort());
  assert.equal((await awsErrorOf(() => s.idp.send(new ListGroupsCommand({ UserPoolId: id, NextToken: 'bogus' })))).name, 'InvalidParameterException');
});

test('membership: add (by username or alias, twice is fine), list both ways with pagination, remove', async () => {
  const id = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'members', AliasAttributes: ['email'] }))).UserPool!.Id!;
  const p = (await s.deps.store.pools.get(id))!;
  for (const GroupName of ['red', 'green', 'blue', 'cyan', 'amber']) await createGroup({ UserPoolId: id, GroupName });
  for (let i = 0; i < 5; i++) {
    clock.advance(1000);
    await createTestUser(s.deps, p, `m${i}`, null, { attributes: { email: `m${i}@example.com`, email_verified: 'true' } });
    await addToGroup(`m${i}@example.com`, 'red', id);
  }
  for (const g of ['red', 'green', 'blue', 'cyan', 'amber']) await addToGroup('m0', g, id);
  await addToGroup('m0', 'red', id);

  const groups: string[] = [];
  for await (const page of paginateAdminListGroupsForUser({ client: s.idp, pageSize: 2 }, { UserPoolId: id, Username: 'm0@example.com' }))
    groups.push(...page.Groups!.map((g) => g.GroupName!));
  assert.deepEqual(groups, ['amber', 'blue', 'cyan', 'green', 'red']);
  const first = await s.idp.send(new AdminListGroupsForUserCommand({ UserPoolId: id, Username: 'm0', Limit: 2 }));
  assert.equal(first.Groups!.length, 2);
  assert.ok(first.NextToken);

  const members: string[] = [];
  for await (const page of paginateListUsersInGroup({ client: s.idp, pageSize: 2 }, { UserPoolId: id, GroupName: 'red' }))
    members.push(...page.Users!.map((u) => u.Username!));
  assert.deepEqual(members.sort(), ['m0', 'm1', 'm2', 'm3', 'm4']);
  const one = (await s.idp.send(new ListUsersInGroupCommand({ UserPoolId: id, GroupName: 'green' }))).Users!;
  assert.equal(one.length, 1);
  assert.equal(one[0]!.Username, 'm0');
  assert.equal(one[0]!.UserStatus, 'CONFIRMED');
  assert.equal(one[0]!.Enabled, true);
  assert.deepEqual(one[0]!.Attributes!.map((a) => a.Name), ['sub', 'email', 'email_verified']);

  await removeFromGroup('m0', 'red', id);
  await removeFromGroup('m0', 'red', id); // not a member any more: still fine
  const after = (await s.idp.send(new AdminListGroupsForUserCommand({ UserPoolId: id, Username: 'm0' }))).Groups!.map((g) => g.GroupName);
  assert.deepEqual(after, ['amber', 'blue', 'cyan', 'green']);
  // Deleting a user takes their memberships with them; deleting a group takes its memberships with it.
  await s.idp.send(new AdminDeleteUserCommand({ UserPoolId: id, Username: 'm4' }));
  const left: string[] = [];
  for await (const page of paginateListUsersInGroup({ client: s.idp }, { UserPoolId: id, GroupName: 'red' })) left.push(...page.Users!.map((u) => u.Username!));
  assert.deepEqual(left.sort(), ['m1', 'm2', 'm3']);
  await s.idp.send(new DeleteGroupCommand({ UserPoolId: id, GroupName: 'green' }));
  assert.deepEqual(
    (await s.idp.send(new AdminListGroupsForUserCommand({ UserPoolId: id, Username: 'm0' }))).Groups!.map((g) => g.GroupName),
    ['amber', 'blue', 'cyan'],
  );
});

test('membership errors: unknown users are UserNotFoundException; foreign tokens InvalidParameterException', async () => {
  await createGroup({ GroupName: 'm-errors' });
  for (const send of [
    () => addToGroup('nobody', 'm-errors'),
    () => removeFromGroup('nobody', 'm-errors'),
    () => s.idp.send(new AdminListGroupsForUserCommand({ UserPoolId: pool.id, Username: 'nobody' })),
  ]) {
    assert.deepEqual(await awsErrorOf(send), { name: 'UserNotFoundException', message: 'User does not exist.', status: 400 });
  }
  assert.equal(
    (await awsErrorOf(() => s.idp.send(new AdminListGroupsForUserCommand({ UserPoolId: pool.id, Username: 'bob', NextToken: 'bogus' })))).name,
    'InvalidParameterException',
  );
  assert.equal(
    (await awsErrorOf(() => s.idp.send(new ListUsersInGroupCommand({ UserPoolId: pool.id, GroupName: 'm-errors', NextToken: 'bogus' })))).name,
    'InvalidParameterException',
  );
});

async function signIn(): Promise<{ id: JWTPayload; access: JWTPayload; refresh: string }> {
  const out = await s.idp.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD: PW } }),
  );
  return { ...(await verified(out.AuthenticationResult!)), refresh: out.AuthenticationResult!.RefreshToken! };
}

async function verified(r: { IdToken?: string; AccessToken?: string }): Promise<{ id: JWTPayload; access: JWTPayload }> {
  const issuer = `${s.url}/${pool.id}`;
  const keys = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  const currentDate = new Date(clock.now());
  const id = (await jwtVerify(r.IdToken!, keys, { issuer, audience: clientId, currentDate })).payload;
  const access = (await jwtVerify(r.AccessToken!, keys, { issuer, currentDate })).payload;
  return { id, access };
}

const GROUP_CLAIMS = ['cognito:groups', 'cognito:roles', 'cognito:preferred_role'];
const groupClaims = (p: JWTPayload) => Object.fromEntries(GROUP_CLAIMS.filter((c) => c in p).map((c) => [c, p[c]]));

test('tokens: no group claims until the user is in a group; then cognito:groups in both, roles in the ID token', async () => {
  const before = await signIn();
  assert.deepEqual(groupClaims(before.id), {});
  assert.deepEqual(groupClaims(before.access), {});

  await createGroup({ GroupName: 'admins', RoleArn: role('admin'), Precedence: 1 });
  await createGroup({ GroupName: 'readers', RoleArn: role('reader'), Precedence: 10 });
  await createGroup({ GroupName: 'everyone' });
  await addToGroup('alice', 'everyone');
  await addToGroup('alice@example.com', 'readers');
  await addToGroup('alice', 'admins');

  const after = await signIn();
  assert.deepEqual(groupClaims(after.id), {
    'cognito:groups': ['admins', 'readers', 'everyone'],
    'cognito:roles': [role('admin'), role('reader')],
    'cognito:preferred_role': role('admin'),
  });
  assert.deepEqual(groupClaims(after.access), { 'cognito:groups': ['admins', 'readers', 'everyone'] });

  // A change of precedence moves the preferred role; a refresh reads the groups again.
  await s.idp.send(new UpdateGroupCommand({ UserPoolId: pool.id, GroupName: 'readers', Precedence: 0 }));
  await removeFromGroup('alice', 'everyone');
  const refreshed = await s.idp.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: after.refresh } }),
  );
  const r = await verified(refreshed.AuthenticationResult!);
  assert.deepEqual(groupClaims(r.id), {
    'cognito:groups': ['readers', 'admins'],
    'cognito:roles': [role('reader'), role('admin')],
    'cognito:preferred_role': role('reader'),
  });
  assert.deepEqual(groupClaims(r.access), { 'cognito:groups': ['readers', 'admins'] });

  // Two groups at the top precedence with different roles: no preferred role.
  await s.idp.send(new UpdateGroupCommand({ UserPoolId: pool.id, GroupName: 'admins', Precedence: 0 }));
  const tied = await signIn();
  assert.deepEqual(groupClaims(tied.id), {
    'cognito:groups': ['admins', 'readers'],
    'cognito:roles': [role('admin'), role('reader')],
  });

  // Out of every group: the claims are gone again.
  await removeFromGroup('alice', 'admins');
  await s.idp.send(new DeleteGroupCommand({ UserPoolId: pool.id, GroupName: 'readers' }));
  const none = await signIn();
  assert.deepEqual(groupClaims(none.id), {});
  assert.deepEqual(groupClaims(none.access), {});
});
