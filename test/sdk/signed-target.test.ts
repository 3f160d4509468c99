// X-Amz-Target picks the operation, so it must be covered by the signature: a captured admin request must not
// replay as another operation (AdminGetUser → AdminDisableUser has the same body).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminCreateUserCommand, AdminGetUserCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../support/server.ts';
import { rawRequest, sdkSigned } from '../support/raw-http.ts';

let s: TestServer;
let poolId: string;
const body = () => JSON.stringify({ UserPoolId: poolId, Username: 'victim' });

before(async () => {
  s = await startTestServer();
  poolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'signed-target' }))).UserPool!.Id!;
  await s.idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'victim', MessageAction: 'SUPPRESS' }));
});
after(() => s.close());

async function stillEnabled() {
  const u = await s.idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'victim' }));
  assert.equal(u.Enabled, true, 'the user is still enabled');
}

test('the SDK signs x-amz-target; its captured AdminGetUser replayed as AdminDisableUser is refused', async () => {
  let captured: { headers: Record<string, string>; body: string } | undefined;
  const c = s.idpWith(s.deps.admin);
  c.middlewareStack.add(
    (next) => async (args: any) => {
      captured = { headers: { ...args.request.headers }, body: args.request.body };
      return next(args);
    },
    { step: 'deserialize', name: 'capture-signed-request' },
  );
  await c.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'victim' }));
  c.destroy();
  assert.ok(captured);
  assert.match(captured.headers.authorization!, /SignedHeaders=[^,]*\bx-amz-target\b/);
  const replay = await rawRequest(s.url, {
    headers: { ...captured.headers, 'x-amz-target': 'AWSCognitoIdentityProviderService.AdminDisableUser' },
    body: captured.body,
  });
  assert.equal(replay.status, 403);
  assert.equal(JSON.parse(replay.body).__type, 'InvalidSignatureException');
  await stillEnabled();
});

test('a request whose signature leaves x-amz-target out → InvalidSignatureException, and nothing changes', async () => {
  const headers = await sdkSigned(s.url, s.deps.admin, {
    target: 'AWSCognitoIdentityProviderService.AdminGetUser',
    body: body(),
    unsignable: ['x-amz-target'],
  });
  assert.doesNotMatch(headers.authorization!, /x-amz-target/);
  for (const op of ['AdminGetUser', 'AdminDisableUser']) {
    const r = await rawRequest(s.url, { headers: { ...headers, 'x-amz-target': `AWSCognitoIdentityProviderService.${op}` }, body: body() });
    assert.equal(r.status, 403, `${op}: ${r.body}`);
    assert.deepEqual(JSON.parse(r.body), {
      __type: 'InvalidSignatureException',
      message: "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.",
    });
    assert.equal(r.headers['x-amzn-errortype'], 'InvalidSignatureException:');
  }
  await stillEnabled();
});
