// The client_credentials grant runs a pool's PreTokenGeneration function of version V3_0 as
// TokenGeneration_ClientCredentials (the developer guide's V2/V3 example handler, run as a module): its claims and
// scopes reach the access token openid-client gets; a V2_0 function is not run for machine tokens; a failing one
// means no token.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  type LambdaConfigType,
} from '@aws-sdk/client-cognito-identity-provider';
import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { startTestServer, type TestServer } from '../support/server.ts';
import { arnOf, lambdaEvents, triggerSetup } from '../support/lambda-kinds.ts';
import { discoverClient } from '../support/oauth.ts';

const ADMIN = { accessKeyId: 'AKIDTESTADMIN0000001', secretAccessKey: 'test-admin-secret-key-0000000000000000000' };
let s: TestServer;
let setup: Awaited<ReturnType<typeof triggerSetup>>;
let n = 0;

before(async () => {
  setup = await triggerSetup('module', ADMIN, ['pre-token-generation.v2', 'misbehaving.syncThrow']);
  s = await startTestServer({ admin: ADMIN, config: { dev: true, ...setup.config } });
});
after(async () => {
  await s.close();
  await setup.close();
});

async function machineIn(lambda: LambdaConfigType) {
  n++;
  const poolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: `m2m-${n}`, LambdaConfig: lambda, UserPoolTier: 'ESSENTIALS' }))).UserPool!.Id!;
  await s.idp.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: `m2m-trigger-${n}` }));
  await s.idp.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'api', Name: 'api', Scopes: [{ ScopeName: 'read', ScopeDescription: 'r' }] }));
  const c = (
    await s.idp.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'machine',
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ['api/read'],
      }),
    )
  ).UserPoolClient!;
  const config = await discoverClient(`${s.url}/${poolId}`, c.ClientId!, c.ClientSecret!, 'basic');
  return { poolId, clientId: c.ClientId!, config };
}

test('V3_0: the event is TokenGeneration_ClientCredentials with the scopes and aws_client_metadata; its claims and scopes are in the token', async () => {
  const { poolId, clientId, config } = await machineIn({ PreTokenGenerationConfig: { LambdaVersion: 'V3_0', LambdaArn: arnOf('pre-token-generation.v2') } });
  const t = await oidc.clientCredentialsGrant(config, { scope: 'api/read', aws_client_metadata: JSON.stringify({ tenant: 't-1' }) });
  const claims = decodeJwt(t.access_token);
  assert.equal(claims.my_first_attribute, 'first_value');
  assert.equal(claims.my_second_attribute, 'second_value');
  assert.equal(claims['cognito:username'], undefined, 'a claim Cognito keeps fixed is not taken');
  assert.equal(claims.scope, 'api/read openid email phone profile');
  assert.equal(claims.sub, clientId);
  const event = lambdaEvents().filter((e) => e.triggerSource === 'TokenGeneration_ClientCredentials' && e.userPoolId === poolId).at(-1);
  assert.equal(event.version, '3');
  assert.equal(event.callerContext.clientId, clientId);
  assert.deepEqual(event.request.scopes, ['api/read']);
  assert.deepEqual(event.request.clientMetadata, { tenant: 't-1' });
  assert.deepEqual(event.request.userAttributes, {});
});

test('a V2_0 function is not run for machine tokens; a failing V3_0 one means no token (invalid_request)', async () => {
  const v2 = await machineIn({ PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: arnOf('pre-token-generation.v2') } });
  const t = await oidc.clientCredentialsGrant(v2.config);
  assert.equal(decodeJwt(t.access_token).my_first_attribute, undefined);
  assert.equal(lambdaEvents().filter((e) => e.userPoolId === v2.poolId).length, 0);

  const failing = await machineIn({ PreTokenGenerationConfig: { LambdaVersion: 'V3_0', LambdaArn: arnOf('misbehaving.syncThrow') } });
  await assert.rejects(oidc.clientCredentialsGrant(failing.config), (e: unknown) => e instanceof oidc.ResponseBodyError && e.error === 'invalid_request' && e.status === 400);
  await assert.rejects(oidc.clientCredentialsGrant(v2.config, { aws_client_metadata: '["not", "a map"]' }), (e: unknown) => e instanceof oidc.ResponseBodyError && e.error === 'invalid_request');
});
