import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FixedClock } from '../../runtime/clock.ts';
import { checkOutput } from '../../protocol/validate.ts';
import createClient from './create-user-pool-client.ts';
import describe from './describe-user-pool-client.ts';
import op from './update-user-pool-client.ts';
import { ctx, errorOf, model, poolFixture, type TestDeps } from '../../../test/support/fixtures.ts';

let clock: FixedClock;
let deps: TestDeps;
let poolId: string;

before(async () => {
  ({ deps, clock, poolId } = await poolFixture());
});

test('members not given return to their defaults; the name and the secret stay', async () => {
  const created = (
    await createClient.handle(
      {
        UserPoolId: poolId,
        ClientName: 'web',
        GenerateSecret: true,
        AccessTokenValidity: 2,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
        EnableTokenRevocation: false,
        AuthSessionValidity: 10,
      },
      deps,
      ctx,
    )
  ).UserPoolClient!;
  clock.advance(60_000);
  const out = await op.handle({ UserPoolId: poolId, ClientId: created.ClientId!, IdTokenValidity: 3 }, deps, ctx);
  const u = out.UserPoolClient!;
  assert.deepEqual(u, {
    UserPoolId: poolId,
    ClientName: 'web',
    ClientId: created.ClientId,
    ClientSecret: created.ClientSecret,
    LastModifiedDate: created.LastModifiedDate! + 60,
    CreationDate: created.CreationDate,
    RefreshTokenValidity: 30,
    IdTokenValidity: 3,
    TokenValidityUnits: {},
    AllowedOAuthFlowsUserPoolClient: false,
    EnableTokenRevocation: true,
    EnablePropagateAdditionalUserContextData: false,
    AuthSessionValidity: 3,
  });
  assert.deepEqual(checkOutput(model, 'UpdateUserPoolClient', out), []);
  assert.deepEqual((await describe.handle({ UserPoolId: poolId, ClientId: created.ClientId! }, deps, ctx)).UserPoolClient, u);
  const renamed = await op.handle({ UserPoolId: poolId, ClientId: created.ClientId!, ClientName: 'web2' }, deps, ctx);
  assert.equal(renamed.UserPoolClient!.ClientName, 'web2');
});

test('the same rules as create, with "updating" in the messages', async () => {
  const pub = (await createClient.handle({ UserPoolId: poolId, ClientName: 'spa' }, deps, ctx)).UserPoolClient!;
  const id = pub.ClientId!;
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: poolId, ClientId: id, WriteAttributes: ['email_verified'] }, deps, ctx)), [
    'InvalidParameterException',
    'Invalid write attributes specified while updating a client',
  ]);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: poolId, ClientId: id, AccessTokenValidity: 48 }, deps, ctx)), [
    'InvalidParameterException',
    'Invalid range for token validity.',
  ]);
  // A public client still has no secret, so client_credentials stays out of reach.
  assert.deepEqual(
    await errorOf(
      op.handle({ UserPoolId: poolId, ClientId: id, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['openid'] }, deps, ctx),
    ),
    ['InvalidOAuthFlowException', 'client_credentials flow can not be selected if client does not have a client secret.'],
  );
  // Refused updates change nothing.
  assert.deepEqual((await describe.handle({ UserPoolId: poolId, ClientId: id }, deps, ctx)).UserPoolClient, pub);
});

test('an unknown client is ResourceNotFoundException', async () => {
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: poolId, ClientId: 'nosuchclient0000000000000a' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool client nosuchclient0000000000000a does not exist.',
  ]);
});
