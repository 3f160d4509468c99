// App clients and user pool domains through the real AWS SDK: success and error paths of all nine operations.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolDomainCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolDomainCommand,
  ListUserPoolClientsCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createHmac } from 'node:crypto';
import { startTestServer, awsErrorOf, type TestServer } from '../support/server.ts';
import { clientSecrets, MAX_CLIENTS, verifySecretHash } from '../../src/user-pools/domain/clients.ts';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000';
let s: TestServer;
let poolId: string;
let otherPoolId: string;

before(async () => {
  s = await startTestServer();
  poolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'clients' }))).UserPool!.Id!;
  otherPoolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'others' }))).UserPool!.Id!;
});
after(() => s.close());

test('CreateUserPoolClient with only ClientName answers Cognito\'s defaults', async () => {
  const { UserPoolClient: c } = await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'plain' }));
  assert.match(c!.ClientId!, /^[a-z0-9]{26}$/);
  assert.ok(c!.CreationDate instanceof Date && c!.LastModifiedDate instanceof Date);
  const { CreationDate, LastModifiedDate, ...rest } = c!;
  assert.deepEqual(rest, {
    UserPoolId: poolId,
    ClientName: 'plain',
    ClientId: c!.ClientId,
    RefreshTokenValidity: 30,
    TokenValidityUnits: {},
    AllowedOAuthFlowsUserPoolClient: false,
    EnableTokenRevocation: true,
    EnablePropagateAdditionalUserContextData: false,
    AuthSessionValidity: 3,
  });
  const d = await s.idp.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: c!.ClientId! }));
  assert.deepEqual(d.UserPoolClient, c);
});

test('a generated secret survives Describe and Update, and verifies SECRET_HASH', async () => {
  const { UserPoolClient: c } = await s.idp.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'confidential', GenerateSecret: true }),
  );
  const secret = c!.ClientSecret!;
  assert.match(secret, /^[a-z0-9]{52}$/);
  const d = await s.idp.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: c!.ClientId! }));
  assert.equal(d.UserPoolClient!.ClientSecret, secret);
  const u = await s.idp.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: c!.ClientId!, ClientName: 'renamed' }));
  assert.equal(u.UserPoolClient!.ClientSecret, secret);
  assert.equal(u.UserPoolClient!.ClientName, 'renamed');

  // What the sign-in code will check: the stored (sealed) secret against a client-computed SECRET_HASH.
  const stored = (await s.deps.store.clients.get(c!.ClientId!))!;
  const secrets = clientSecrets(s.deps, stored);
  assert.deepEqual(secrets, [secret]);
  const hash = createHmac('sha256', secret).update('alice' + c!.ClientId).digest('base64');
  assert.equal(verifySecretHash(secrets, 'alice', c!.ClientId!, hash), true);
  assert.equal(verifySecretHash(secrets, 'bob', c!.ClientId!, hash), false);
  assert.equal(verifySecretHash(secrets, 'alice', c!.ClientId!, hash.slice(0, -2)), false);
  assert.equal(verifySecretHash(['another-secret', secret], 'alice', c!.ClientId!, hash), true, 'any active secret');
  assert.equal(verifySecretHash([], 'alice', c!.ClientId!, hash), false);
});

test('UpdateUserPoolClient resets what it is not given', async () => {
  const { UserPoolClient: c } = await s.idp.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'configured',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: 30,
      TokenValidityUnits: { AccessToken: 'minutes' },
      PreventUserExistenceErrors: 'ENABLED',
    }),
  );
  assert.deepEqual(c!.ExplicitAuthFlows, ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
  const u = (await s.idp.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: c!.ClientId!, AuthSessionValidity: 15 })))
    .UserPoolClient!;
  assert.equal(u.ExplicitAuthFlows, undefined);
  assert.equal(u.AccessTokenValidity, undefined);
  assert.equal(u.PreventUserExistenceErrors, undefined);
  assert.deepEqual(u.TokenValidityUnits, {});
  assert.equal(u.AuthSessionValidity, 15);
  assert.equal(u.ClientName, 'configured');
});

test('ListUserPoolClients pages across several pages', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 5; i++)
    ids.push((await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: otherPoolId, ClientName: `c${i}` }))).UserPoolClient!.ClientId!);
  const seen: string[] = [];
  let NextToken: string | undefined;
  let pages = 0;
  do {
    const out = await s.idp.send(new ListUserPoolClientsCommand({ UserPoolId: otherPoolId, MaxResults: 2, NextToken }));
    seen.push(...out.UserPoolClients!.map((c) => c.ClientId!));
    for (const c of out.UserPoolClients!) assert.deepEqual(Object.keys(c).sort(), ['ClientId', 'ClientName', 'UserPoolId']);
    NextToken = out.NextToken;
    pages++;
  } while (NextToken);
  assert.equal(pages, 3);
  assert.deepEqual(seen, ids);
  const e = await awsErrorOf(() => s.idp.send(new ListUserPoolClientsCommand({ UserPoolId: otherPoolId, MaxResults: 61 })));
  assert.equal(e.name, 'InvalidParameterException');
  assert.match(e.message, /maxResults/);
});

test('DeleteUserPoolClient, then the client is gone', async () => {
  const id = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'doomed' }))).UserPoolClient!.ClientId!;
  const wrongPool = await awsErrorOf(() => s.idp.send(new DeleteUserPoolClientCommand({ UserPoolId: otherPoolId, ClientId: id })));
  assert.deepEqual([wrongPool.name, wrongPool.message], ['ResourceNotFoundException', `User pool client ${id} does not exist.`]);
  await s.idp.send(new DeleteUserPoolClientCommand({ UserPoolId: poolId, ClientId: id }));
  const e = await awsErrorOf(() => s.idp.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: id })));
  assert.deepEqual([e.name, e.message, e.status], ['ResourceNotFoundException', `User pool client ${id} does not exist.`, 400]);
  const u = await awsErrorOf(() => s.idp.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: id })));
  assert.equal(u.name, 'ResourceNotFoundException');
  const p = await awsErrorOf(() => s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: 'us-east-1_zzzzzzzzz', ClientName: 'x' })));
  assert.deepEqual([p.name, p.message], ['ResourceNotFoundException', 'User pool us-east-1_zzzzzzzzz does not exist.']);
});

test('token validity ranges', async () => {
  for (const input of [
    { AccessTokenValidity: 2, TokenValidityUnits: { AccessToken: 'days' as const } },
    { IdTokenValidity: 60, TokenValidityUnits: { IdToken: 'seconds' as const } },
    { RefreshTokenValidity: 30, TokenValidityUnits: { RefreshToken: 'minutes' as const } },
    { RefreshTokenValidity: 1, AccessTokenValidity: 1, TokenValidityUnits: { RefreshToken: 'hours' as const } },
  ]) {
    const e = await awsErrorOf(() => s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'v', ...input })));
    assert.deepEqual([e.name, e.message], ['InvalidParameterException', 'Invalid range for token validity.'], JSON.stringify(input));
  }
  const ok = await s.idp.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'v', IdTokenValidity: 5, TokenValidityUnits: { IdToken: 'minutes' } }),
  );
  assert.deepEqual(ok.UserPoolClient!.TokenValidityUnits, { IdToken: 'minutes' });
  const mixed = await awsErrorOf(() =>
    s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'v', ExplicitAuthFlows: ['USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH'] })),
  );
  assert.equal(mixed.name, 'InvalidParameterException');
});

test('OAuth rules', async () => {
  const create = (input: Record<string, unknown>) =>
    awsErrorOf(() => s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'oauth', ...input })));
  const cases: [Record<string, unknown>, string, string][] = [
    [
      { AllowedOAuthFlowsUserPoolClient: true },
      'InvalidParameterException',
      'AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.',
    ],
    [
      { GenerateSecret: true, AllowedOAuthFlows: ['client_credentials', 'implicit'], AllowedOAuthScopes: ['openid'] },
      'InvalidOAuthFlowException',
      'client_credentials flow can not be selected along with code flow or implicit flow.',
    ],
    [
      { AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['openid'] },
      'InvalidOAuthFlowException',
      'client_credentials flow can not be selected if client does not have a client secret.',
    ],
    [
      { AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid'] },
      'InvalidOAuthFlowException',
      'CallbackUrls can not be empty when code flow or implicit flow is selected',
    ],
    [{ AllowedOAuthScopes: ['orders/read'] }, 'ScopeDoesNotExistException', 'Invalid scope requested: orders/read'],
    [{ CallbackURLs: ['http://example.com/cb'] }, 'InvalidParameterException', 'http://example.com/cb cannot use the HTTP protocol.'],
    [
      { CallbackURLs: ['https://example.com/cb'], DefaultRedirectURI: 'https://example.com/other' },
      'InvalidParameterException',
      'DefaultRedirectURI must be one of the CallbackURLs.',
    ],
    [{ SupportedIdentityProviders: ['Facebook'] }, 'InvalidParameterException', `The provider Facebook does not exist for User Pool ${poolId}`],
    [{ ReadAttributes: ['custom:nope'] }, 'InvalidParameterException', 'Invalid read attributes specified while creating a client'],
    [{ WriteAttributes: ['email_verified'] }, 'InvalidParameterException', 'Invalid write attributes specified while creating a client'],
  ];
  for (const [input, name, message] of cases) {
    const e = await create(input);
    assert.deepEqual([e.name, e.message], [name, message], JSON.stringify(input));
  }
  const { UserPoolClient: c } = await s.idp.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'web',
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email'],
      CallbackURLs: ['https://app.example/cb', 'http://localhost:3000/cb'],
      LogoutURLs: ['https://app.example/'],
      DefaultRedirectURI: 'https://app.example/cb',
      SupportedIdentityProviders: ['COGNITO'],
    }),
  );
  assert.deepEqual(c!.AllowedOAuthFlows, ['code']);
  assert.deepEqual(c!.CallbackURLs, ['https://app.example/cb', 'http://localhost:3000/cb']);
  const e = await awsErrorOf(() =>
    s.idp.send(
      new UpdateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientId: c!.ClientId!,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthScopes: ['openid'],
      }),
    ),
  );
  assert.equal(e.name, 'InvalidOAuthFlowException');
});

test(`LimitExceededException past ${MAX_CLIENTS} clients in a pool`, async () => {
  // A pool filled up to the limit straight through the store (cheaper than 1000 calls).
  const full = 'us-east-1_fullpool01';
  const now = s.deps.clock.now();
  await s.deps.store.pools.create(
    { id: full, name: 'full', arn: `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${full}`, createdAt: now, updatedAt: now, version: 1, settings: {}, tags: {} },
    [],
    1000,
  );
  for (let i = 0; i < MAX_CLIENTS; i++)
    await s.deps.store.clients.create(
      { id: `filler${String(i).padStart(20, '0')}`, poolId: full, name: 'f', secrets: [], createdAt: now, updatedAt: now, version: 1, settings: {} },
      MAX_CLIENTS,
    );
  const e = await awsErrorOf(() => s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: full, ClientName: 'one-too-many' })));
  assert.equal(e.name, 'LimitExceededException');
});

test('user pool domains: create, describe, conflicts, update, delete', async () => {
  const created = await s.idp.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'sdk-prefix' }));
  assert.equal(created.ManagedLoginVersion, 1);
  assert.equal(created.CloudFrontDomain, undefined);

  const d = (await s.idp.send(new DescribeUserPoolDomainCommand({ Domain: 'sdk-prefix' }))).DomainDescription!;
  assert.equal(d.UserPoolId, poolId);
  assert.equal(d.AWSAccountId, s.deps.config.accountId);
  assert.equal(d.Domain, 'sdk-prefix');
  assert.equal(d.Status, 'ACTIVE');
  assert.match(d.Version!, /^\d{14}$/);
  assert.equal(d.ManagedLoginVersion, 1);

  const again = await awsErrorOf(() => s.idp.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'sdk-prefix-2' })));
  assert.deepEqual([again.name, again.message], ['InvalidParameterException', 'User pool already has a domain configured.']);
  const taken = await awsErrorOf(() => s.idp.send(new CreateUserPoolDomainCommand({ UserPoolId: otherPoolId, Domain: 'sdk-prefix' })));
  assert.deepEqual([taken.name, taken.message], ['InvalidParameterException', 'Domain already associated with another user pool']);
  const badName = await awsErrorOf(() => s.idp.send(new CreateUserPoolDomainCommand({ UserPoolId: otherPoolId, Domain: 'Bad_Name' })));
  assert.equal(badName.name, 'InvalidParameterException');

  assert.deepEqual((await s.idp.send(new DescribeUserPoolDomainCommand({ Domain: 'nobody-has-this' }))).DomainDescription, {});

  // A prefix domain cannot be a host name; a custom domain is one (Cognito takes it though the model's pattern does not).
  const dotted = await awsErrorOf(() => s.idp.send(new CreateUserPoolDomainCommand({ UserPoolId: otherPoolId, Domain: 'auth.example.com' })));
  assert.equal(dotted.name, 'InvalidParameterException');
  assert.match(dotted.message, /at 'domain' failed to satisfy constraint: Member must satisfy regular expression pattern/);
  const custom = await s.idp.send(
    new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'login.example.com', CustomDomainConfig: { CertificateArn: CERT } }),
  );
  assert.equal(custom.CloudFrontDomain, new URL(s.url).host);
  const cd = (await s.idp.send(new DescribeUserPoolDomainCommand({ Domain: 'login.example.com' }))).DomainDescription!;
  assert.deepEqual(cd.CustomDomainConfig, { CertificateArn: CERT });

  const upd = await s.idp.send(new UpdateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'sdk-prefix', ManagedLoginVersion: 2 }));
  assert.equal(upd.ManagedLoginVersion, 2);
  assert.equal((await s.idp.send(new DescribeUserPoolDomainCommand({ Domain: 'sdk-prefix' }))).DomainDescription!.ManagedLoginVersion, 2);
  const notOwner = await awsErrorOf(() =>
    s.idp.send(new UpdateUserPoolDomainCommand({ UserPoolId: otherPoolId, Domain: 'sdk-prefix', ManagedLoginVersion: 1 })),
  );
  assert.deepEqual([notOwner.name, notOwner.message], ['InvalidParameterException', 'No such domain or user pool exists.']);

  const delOther = await awsErrorOf(() => s.idp.send(new DeleteUserPoolDomainCommand({ UserPoolId: otherPoolId, Domain: 'sdk-prefix' })));
  assert.deepEqual([delOther.name, delOther.message], ['InvalidParameterException', 'No such domain or user pool exists.']);
  await s.idp.send(new DeleteUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'sdk-prefix' }));
  assert.deepEqual((await s.idp.send(new DescribeUserPoolDomainCommand({ Domain: 'sdk-prefix' }))).DomainDescription, {});
  // The name is free again, for any pool.
  await s.idp.send(new CreateUserPoolDomainCommand({ UserPoolId: otherPoolId, Domain: 'sdk-prefix' }));
});
