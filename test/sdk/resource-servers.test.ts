// Resource servers through the real AWS SDK: CreateResourceServer, DescribeResourceServer, UpdateResourceServer,
// DeleteResourceServer, ListResourceServers (by hand and with the SDK's paginator), their errors and quotas, and the
// custom scopes app clients may then name in AllowedOAuthScopes. On the store under test (SQLite or PostgreSQL).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteResourceServerCommand,
  DescribeResourceServerCommand,
  ListResourceServersCommand,
  paginateListResourceServers,
  UpdateResourceServerCommand,
  UpdateUserPoolClientCommand,
  type ResourceServerType,
} from '@aws-sdk/client-cognito-identity-provider';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { FixedClock } from '../../src/runtime/clock.ts';

let s: TestServer;
const clock = new FixedClock(Date.now());
let poolId: string;
const NO_POOL = 'us-east-1_zzzzzzzzz';

before(async () => {
  s = await startServerOnStoreUnderTest(clock, 'resource_servers');
  poolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'resource-servers' }))).UserPool!.Id!;
});
after(() => s.close());
testOnPostgres(() => s);

const create = (Identifier: string, Scopes?: { ScopeName: string; ScopeDescription: string }[], UserPoolId = poolId) =>
  s.idp.send(new CreateResourceServerCommand({ UserPoolId, Identifier, Name: `server ${Identifier.replace(/\W/g, '.')}`, Scopes }));
const describe = (Identifier: string, UserPoolId = poolId) => s.idp.send(new DescribeResourceServerCommand({ UserPoolId, Identifier }));

test('CreateResourceServer, DescribeResourceServer, UpdateResourceServer, DeleteResourceServer', async () => {
  const scopes = [
    { ScopeName: 'write', ScopeDescription: 'Write things' },
    { ScopeName: 'read', ScopeDescription: 'Read things' },
  ];
  const created = await create('https://api.example.com', scopes);
  const server: ResourceServerType = { UserPoolId: poolId, Identifier: 'https://api.example.com', Name: 'server https...api.example.com', Scopes: scopes };
  assert.deepEqual(created.ResourceServer, server);
  assert.deepEqual((await describe('https://api.example.com')).ResourceServer, server);

  const updated = await s.idp.send(
    new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://api.example.com', Name: 'renamed', Scopes: [scopes[1]!] }),
  );
  assert.deepEqual(updated.ResourceServer, { ...server, Name: 'renamed', Scopes: [scopes[1]] });
  assert.deepEqual((await describe('https://api.example.com')).ResourceServer, updated.ResourceServer);
  // Scopes left out of an update: the server has none (Cognito resets what an update does not give).
  await s.idp.send(new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://api.example.com', Name: 'bare' }));
  assert.deepEqual((await describe('https://api.example.com')).ResourceServer, { ...server, Name: 'bare', Scopes: [] });

  assert.equal((await s.idp.send(new DeleteResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://api.example.com' }))).$metadata.httpStatusCode, 200);
  assert.equal((await awsErrorOf(() => describe('https://api.example.com'))).name, 'ResourceNotFoundException');
});

test('errors: a taken identifier, unknown servers and pools, duplicate scope names, bad input at the edge; nothing changes', async () => {
  await create('taken', [{ ScopeName: 'a', ScopeDescription: 'A' }]);
  assert.deepEqual(await awsErrorOf(() => create('taken')), { name: 'InvalidParameterException', message: `taken already exists in ${poolId}`, status: 400 });
  assert.deepEqual((await describe('taken')).ResourceServer!.Scopes, [{ ScopeName: 'a', ScopeDescription: 'A' }]);
  for (const call of [
    () => describe('nope'),
    () => s.idp.send(new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: 'nope', Name: 'n' })),
    () => s.idp.send(new DeleteResourceServerCommand({ UserPoolId: poolId, Identifier: 'nope' })),
  ])
    assert.deepEqual(await awsErrorOf(call), { name: 'ResourceNotFoundException', message: `Resource server nope does not exist in ${poolId}.`, status: 400 });
  for (const call of [() => create('x', [], NO_POOL), () => describe('x', NO_POOL), () => s.idp.send(new ListResourceServersCommand({ UserPoolId: NO_POOL, MaxResults: 5 }))])
    assert.deepEqual(await awsErrorOf(call), { name: 'ResourceNotFoundException', message: `User pool ${NO_POOL} does not exist.`, status: 400 });
  const dup = [
    { ScopeName: 'a', ScopeDescription: 'A' },
    { ScopeName: 'a', ScopeDescription: 'again' },
  ];
  assert.equal((await awsErrorOf(() => create('dup', dup))).name, 'InvalidParameterException');
  assert.equal((await awsErrorOf(() => describe('dup'))).name, 'ResourceNotFoundException');
  assert.equal(
    (await awsErrorOf(() => s.idp.send(new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: 'taken', Name: 'n', Scopes: dup })))).name,
    'InvalidParameterException',
  );
  assert.equal((await describe('taken')).ResourceServer!.Name, 'server taken');
  // The model's patterns and limits: a space in an identifier, a slash in a scope name, 101 scopes.
  assert.equal((await awsErrorOf(() => create('has space'))).name, 'InvalidParameterException');
  assert.equal((await awsErrorOf(() => create('slash', [{ ScopeName: 'a/b', ScopeDescription: 'x' }]))).name, 'InvalidParameterException');
  const many = Array.from({ length: 101 }, (_, i) => ({ ScopeName: `s${i}`, ScopeDescription: 'x' }));
  assert.equal((await awsErrorOf(() => create('many', many))).name, 'InvalidParameterException');
  assert.equal((await create('hundred', many.slice(0, 100))).ResourceServer!.Scopes!.length, 100);
  await s.idp.send(new DeleteResourceServerCommand({ UserPoolId: poolId, Identifier: 'hundred' }));
  await s.idp.send(new DeleteResourceServerCommand({ UserPoolId: poolId, Identifier: 'taken' }));
});

test('ListResourceServers pages by identifier; 25 servers a pool, the 26th is LimitExceededException', async () => {
  const id = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'full' }))).UserPool!.Id!;
  const ids = Array.from({ length: 25 }, (_, i) => `rs-${String(i).padStart(2, '0')}`);
  for (const i of [...ids].reverse()) await create(i, [{ ScopeName: 'x', ScopeDescription: 'x' }], id);
  assert.equal((await awsErrorOf(() => create('one-too-many', [], id))).name, 'LimitExceededException');
  const first = await s.idp.send(new ListResourceServersCommand({ UserPoolId: id, MaxResults: 10 }));
  assert.deepEqual(first.ResourceServers!.map((r) => r.Identifier), ids.slice(0, 10));
  assert.ok(first.NextToken);
  const seen: string[] = [];
  for await (const page of paginateListResourceServers({ client: s.idp, pageSize: 7 }, { UserPoolId: id, MaxResults: 7 }))
    seen.push(...page.ResourceServers!.map((r) => r.Identifier!));
  assert.deepEqual(seen, ids);
  const all = await s.idp.send(new ListResourceServersCommand({ UserPoolId: id, MaxResults: 50 }));
  assert.equal(all.ResourceServers!.length, 25);
  assert.equal(all.NextToken, undefined);
  assert.equal(
    (await awsErrorOf(() => s.idp.send(new ListResourceServersCommand({ UserPoolId: id, MaxResults: 10, NextToken: 'bogus' })))).name,
    'InvalidParameterException',
  );
});

test('app clients may name {identifier}/{scope} in AllowedOAuthScopes only while it exists (ScopeDoesNotExistException)', async () => {
  const oauth = (scopes: string[]) => ({
    UserPoolId: poolId,
    ClientName: 'machine',
    GenerateSecret: true,
    AllowedOAuthFlows: ['client_credentials' as const],
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthScopes: scopes,
  });
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new CreateUserPoolClientCommand(oauth(['orders/read'])))), {
    name: 'ScopeDoesNotExistException',
    message: 'Invalid scope requested: orders/read',
    status: 400,
  });
  await create('orders', [
    { ScopeName: 'read', ScopeDescription: 'Read orders' },
    { ScopeName: 'write', ScopeDescription: 'Write orders' },
  ]);
  const client = (await s.idp.send(new CreateUserPoolClientCommand(oauth(['orders/read'])))).UserPoolClient!;
  assert.deepEqual(client.AllowedOAuthScopes, ['orders/read']);
  assert.equal((await awsErrorOf(() => s.idp.send(new CreateUserPoolClientCommand(oauth(['orders/delete']))))).name, 'ScopeDoesNotExistException');
  const { UserPoolId, ClientName, AllowedOAuthFlows, AllowedOAuthFlowsUserPoolClient } = oauth([]);
  const update = (AllowedOAuthScopes: string[]) =>
    s.idp.send(new UpdateUserPoolClientCommand({ UserPoolId, ClientId: client.ClientId, ClientName, AllowedOAuthFlows, AllowedOAuthFlowsUserPoolClient, AllowedOAuthScopes }));
  assert.deepEqual((await update(['orders/read', 'orders/write'])).UserPoolClient!.AllowedOAuthScopes, ['orders/read', 'orders/write']);
  assert.equal((await awsErrorOf(() => update(['other/write']))).name, 'ScopeDoesNotExistException');
  await s.idp.send(new DeleteResourceServerCommand({ UserPoolId: poolId, Identifier: 'orders' }));
  assert.equal((await awsErrorOf(() => update(['orders/read']))).name, 'ScopeDoesNotExistException');
});
