import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FixedClock } from '../../runtime/clock.ts';
import { checkOutput } from '../../protocol/validate.ts';
import { MAX_CLIENTS } from '../domain/clients.ts';
import createUserPool from './create-user-pool.ts';
import op from './create-user-pool-client.ts';
import type { CreateUserPoolClientRequest, CreateUserPoolRequest } from '../shapes.ts';
import { ctx, errorOf, fixedClockDeps, model, type TestDeps } from '../../../test/support/fixtures.ts';

let clock: FixedClock;
let deps: TestDeps;
before(async () => {
  ({ deps, clock } = await fixedClockDeps());
});

/** A new pool in the shared store, and a CreateUserPoolClient caller for it. */
async function setup(pool: Partial<CreateUserPoolRequest> = {}) {
  const poolId = (await createUserPool.handle({ PoolName: 'p', ...pool }, deps, ctx)).UserPool!.Id!;
  const create = (over: Partial<CreateUserPoolClientRequest> = {}) =>
    op.handle({ UserPoolId: poolId, ClientName: 'app', ...over }, deps, ctx);
  return { deps, clock, poolId, create };
}
let shared: Awaited<ReturnType<typeof setup>> | undefined;
/** One pool for the tests that need nothing special. */
async function common() {
  return (shared ??= await setup());
}

test('a client with only ClientName answers exactly what Cognito answers', async () => {
  const { deps, clock, poolId, create } = await common();
  const out = await create();
  const c = out.UserPoolClient!;
  assert.match(c.ClientId!, /^[a-z0-9]{26}$/);
  const t = clock.now() / 1000;
  assert.deepEqual(c, {
    UserPoolId: poolId,
    ClientName: 'app',
    ClientId: c.ClientId,
    LastModifiedDate: t,
    CreationDate: t,
    RefreshTokenValidity: 30,
    TokenValidityUnits: {},
    AllowedOAuthFlowsUserPoolClient: false,
    EnableTokenRevocation: true,
    EnablePropagateAdditionalUserContextData: false,
    AuthSessionValidity: 3,
  });
  assert.deepEqual(checkOutput(model, 'CreateUserPoolClient', out), []);
  const stored = (await deps.store.clients.get(c.ClientId!))!;
  assert.equal(stored.poolId, poolId);
  assert.deepEqual(stored.secrets, []);
});

test('GenerateSecret makes a 52-character secret, stored sealed', async () => {
  const { deps, create } = await common();
  const c = (await create({ GenerateSecret: true })).UserPoolClient!;
  assert.match(c.ClientSecret!, /^[a-z0-9]{52}$/);
  const stored = (await deps.store.clients.get(c.ClientId!))!;
  assert.equal(stored.secrets.length, 1);
  assert.ok(!stored.secrets[0]!.sealed.includes(c.ClientSecret!));
  assert.equal(deps.secrets.decryptString(stored.secrets[0]!.sealed), c.ClientSecret);
});

test('a given ClientSecret is used as the secret', async () => {
  const { create } = await common();
  const secret = 'my_own_client_secret_0123456789';
  assert.equal((await create({ ClientSecret: secret })).UserPoolClient!.ClientSecret, secret);
});

test('given settings are echoed in the model order, empty lists left out', async () => {
  const { create } = await common();
  const c = (
    await create({
      AccessTokenValidity: 10,
      IdTokenValidity: 20,
      RefreshTokenValidity: 0,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes' },
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      ReadAttributes: ['email', 'email_verified'],
      WriteAttributes: ['email'],
      LogoutURLs: [],
      PreventUserExistenceErrors: 'ENABLED',
    })
  ).UserPoolClient!;
  assert.equal(c.RefreshTokenValidity, 30, '0 means the default of 30 days');
  assert.deepEqual(Object.keys(c).slice(5), [
    'RefreshTokenValidity',
    'AccessTokenValidity',
    'IdTokenValidity',
    'TokenValidityUnits',
    'ReadAttributes',
    'WriteAttributes',
    'ExplicitAuthFlows',
    'AllowedOAuthFlowsUserPoolClient',
    'PreventUserExistenceErrors',
    'EnableTokenRevocation',
    'EnablePropagateAdditionalUserContextData',
    'AuthSessionValidity',
  ]);
});

test('token validity outside its range, or refresh not outliving access/ID, is refused', async () => {
  const { create } = await common();
  const bad: Partial<CreateUserPoolClientRequest>[] = [
    { AccessTokenValidity: 25 }, // 25 hours > 1 day
    { IdTokenValidity: 4, TokenValidityUnits: { IdToken: 'minutes' } }, // < 5 minutes
    { AccessTokenValidity: 299, TokenValidityUnits: { AccessToken: 'seconds' } },
    { RefreshTokenValidity: 3651 }, // days
    { RefreshTokenValidity: 59, TokenValidityUnits: { RefreshToken: 'minutes' } },
    { RefreshTokenValidity: 1, AccessTokenValidity: 2, TokenValidityUnits: { RefreshToken: 'hours' } },
    { RefreshTokenValidity: 1, IdTokenValidity: 1, TokenValidityUnits: { RefreshToken: 'days', IdToken: 'days' } },
  ];
  for (const b of bad)
    assert.deepEqual(await errorOf(create(b)), ['InvalidParameterException', 'Invalid range for token validity.'], JSON.stringify(b));
  // The edges are allowed.
  await create({ AccessTokenValidity: 5, IdTokenValidity: 1440, TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes' } });
  await create({ RefreshTokenValidity: 3650 });
  await create({
    RefreshTokenValidity: 60,
    AccessTokenValidity: 59,
    IdTokenValidity: 59,
    TokenValidityUnits: { RefreshToken: 'minutes', AccessToken: 'minutes', IdToken: 'minutes' },
  });
});

test('legacy ExplicitAuthFlows cannot be mixed with ALLOW_ ones', async () => {
  const { create } = await common();
  const [name] = await errorOf(create({ ExplicitAuthFlows: ['ADMIN_NO_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }));
  assert.equal(name, 'InvalidParameterException');
  await create({ ExplicitAuthFlows: ['ADMIN_NO_SRP_AUTH', 'USER_PASSWORD_AUTH'] });
});

test('read and write attributes must be the pool\'s, writable, and cover required ones', async () => {
  const { create } = await setup({
    Schema: [
      { Name: 'tier', AttributeDataType: 'String' },
      { Name: 'name', AttributeDataType: 'String', Required: true },
    ],
  });
  assert.deepEqual(await errorOf(create({ ReadAttributes: ['email', 'custom:nope'] })), [
    'InvalidParameterException',
    'Invalid read attributes specified while creating a client',
  ]);
  const writeErr = ['InvalidParameterException', 'Invalid write attributes specified while creating a client'];
  assert.deepEqual(await errorOf(create({ WriteAttributes: ['name', 'email_verified'] })), writeErr);
  assert.deepEqual(await errorOf(create({ WriteAttributes: ['email'] })), writeErr, 'required name missing');
  const c = (await create({ ReadAttributes: ['custom:tier', 'email_verified'], WriteAttributes: ['name', 'custom:tier'] })).UserPoolClient!;
  assert.deepEqual(c.WriteAttributes, ['name', 'custom:tier']);
});

test('identity providers other than COGNITO must exist', async () => {
  const { poolId, create } = await common();
  assert.deepEqual(await errorOf(create({ SupportedIdentityProviders: ['COGNITO', 'Google'] })), [
    'InvalidParameterException',
    `The provider Google does not exist for User Pool ${poolId}`,
  ]);
  await create({ SupportedIdentityProviders: ['COGNITO'] });
});

test('OAuth rules', async () => {
  const { create } = await common();
  const web = { AllowedOAuthFlows: ['code' as const], AllowedOAuthScopes: ['openid'], CallbackURLs: ['https://app.example/cb'] };
  assert.deepEqual(await errorOf(create({ AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'] })), [
    'InvalidParameterException',
    'AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.',
  ]);
  assert.deepEqual(await errorOf(create({ ...web, AllowedOAuthScopes: ['openid', 'api/read'] })), [
    'ScopeDoesNotExistException',
    'Invalid scope requested: api/read',
  ]);
  assert.deepEqual(
    await errorOf(create({ GenerateSecret: true, AllowedOAuthFlows: ['client_credentials', 'code'], AllowedOAuthScopes: ['openid'] })),
    ['InvalidOAuthFlowException', 'client_credentials flow can not be selected along with code flow or implicit flow.'],
  );
  assert.deepEqual(await errorOf(create({ AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['openid'] })), [
    'InvalidOAuthFlowException',
    'client_credentials flow can not be selected if client does not have a client secret.',
  ]);
  assert.deepEqual(
    await errorOf(create({ GenerateSecret: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['openid'] })),
    ['InvalidOAuthFlowException', 'openid is not supported with client_credentials flow'],
  );
  assert.deepEqual(await errorOf(create({ AllowedOAuthFlows: ['implicit'], AllowedOAuthScopes: ['openid'] })), [
    'InvalidOAuthFlowException',
    'CallbackUrls can not be empty when code flow or implicit flow is selected',
  ]);
  assert.deepEqual(await errorOf(create({ ...web, CallbackURLs: ['http://app.example/cb'] })), [
    'InvalidParameterException',
    'http://app.example/cb cannot use the HTTP protocol.',
  ]);
  assert.deepEqual(await errorOf(create({ ...web, DefaultRedirectURI: 'https://other.example/cb' })), [
    'InvalidParameterException',
    'DefaultRedirectURI must be one of the CallbackURLs.',
  ]);
  const ok = (
    await create({
      ...web,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code', 'implicit'],
      AllowedOAuthScopes: ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin'],
      CallbackURLs: ['https://app.example/cb', 'http://localhost:3000/cb', 'http://127.0.0.1:8080/', 'myapp://cb'],
      DefaultRedirectURI: 'http://localhost:3000/cb',
      SupportedIdentityProviders: ['COGNITO'],
    })
  ).UserPoolClient!;
  assert.equal(ok.AllowedOAuthFlowsUserPoolClient, true);
  assert.equal(ok.DefaultRedirectURI, 'http://localhost:3000/cb');
});

test('an unknown pool is ResourceNotFoundException', async () => {
  const { deps } = await common();
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_nothere00', ClientName: 'x' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_nothere00 does not exist.',
  ]);
});

test(`a pool holds at most ${MAX_CLIENTS} clients: then LimitExceededException`, async () => {
  const { deps, poolId, create } = await common();
  const now = deps.clock.now();
  // Fill the pool straight through the store up to the limit, then ask the operation for one more.
  let n = 0;
  const filler = (i: number) => ({ id: `filler${String(i).padStart(20, '0')}`, poolId, name: 'f', secrets: [], createdAt: now, updatedAt: now, version: 1, settings: {} });
  while ((await deps.store.clients.create(filler(n), MAX_CLIENTS)) === 'ok') n++;
  assert.ok(n > 0 && n <= MAX_CLIENTS);
  assert.deepEqual(await errorOf(create()), [
    'LimitExceededException',
    `The limit of ${MAX_CLIENTS} app clients per user pool has been reached.`,
  ]);
});
