// Malformed input through the real SDK: JSON null members are absent (as on AWS), and echoed values stay short,
// in the body and in the x-amzn-ErrorMessage header, so every client can read the answer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  SignUpCommand,
  AdminCreateUserCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, awsErrorOf, type TestServer } from '../support/server.ts';
import { rawRequest } from '../support/raw-http.ts';

let s: TestServer;
let poolId: string;
let clientId: string;

before(async () => {
  s = await startTestServer();
  poolId = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'hostile' }))).UserPool!.Id!;
  clientId = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app' }))).UserPoolClient!.ClientId!;
});
after(() => s.close());

/** An SDK client that sends `body` (raw JSON text) instead of what it serialised; it still signs it. */
function withBody(body: string): CognitoIdentityProviderClient {
  const c = s.idpWith(s.deps.admin);
  c.middlewareStack.add(
    (next) => async (args: any) => {
      args.request.body = body;
      args.request.headers['content-length'] = String(Buffer.byteLength(body));
      return next(args);
    },
    { step: 'build', name: 'raw-body', priority: 'low' },
  );
  return c;
}

async function stillServing() {
  const d = await s.idp.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
  assert.equal(d.UserPool!.Id, poolId);
}

test('"Password": null on SignUp is an absent password: a 400 naming it, not a 500', async () => {
  const c = withBody(JSON.stringify({ ClientId: clientId, Username: 'nullpw', Password: null }));
  const e = await awsErrorOf(() => c.send(new SignUpCommand({ ClientId: clientId, Username: 'nullpw', Password: 'x' })));
  assert.equal(e.status, 400, `${e.name}: ${e.message}`);
  assert.equal(e.name, 'InvalidParameterException');
  await stillServing();
});

test('"TemporaryPassword": null and nested null members on AdminCreateUser are absent: the user is created', async () => {
  const body = JSON.stringify({
    UserPoolId: poolId,
    Username: 'nulltemp',
    TemporaryPassword: null,
    MessageAction: 'SUPPRESS',
    UserAttributes: [{ Name: 'name', Value: 'N' }],
    ClientMetadata: null,
    ValidationData: null,
  });
  const out = await withBody(body).send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'nulltemp' }));
  assert.equal(out.User!.Username, 'nulltemp');
  const u = await s.idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'nulltemp' }));
  assert.equal(u.UserStatus, 'FORCE_CHANGE_PASSWORD');
});

test('a duplicated "Filter" key whose last value is null lists without a filter', async () => {
  const body = `{"UserPoolId":"${poolId}","Filter":"username = \\"nulltemp\\"","Filter":null,"Limit":null}`;
  const out = await withBody(body).send(new ListUsersCommand({ UserPoolId: poolId }));
  assert.ok(out.Users!.some((u) => u.Username === 'nulltemp'));
  await stillServing();
});

test('a 30 KB enum value: the SDK reads a short InvalidParameterException; the header is bounded and header-safe', async () => {
  const huge = 'é\r\nX'.repeat(7500);
  const e = await awsErrorOf(() => s.idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: huge as any, AuthParameters: {} })));
  assert.equal(e.name, 'InvalidParameterException');
  assert.equal(e.status, 400);
  const echoed = /^1 validation error detected: Value '([\s\S]*)' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set/.exec(e.message);
  assert.ok(echoed, e.message.slice(0, 300));
  assert.equal(echoed[1], huge.slice(0, 256) + '...');

  const r = await rawRequest(s.url, {
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({ ClientId: clientId, AuthFlow: huge, AuthParameters: {} }),
  });
  assert.equal(r.status, 400);
  const header = r.headers['x-amzn-errormessage'] as string;
  assert.ok(header.length <= 1024, `header of ${header.length} characters`);
  assert.match(header, /^[\x20-\x7e]+$/);
  assert.ok(r.headerBytes < 2048, `response headers of ${r.headerBytes} bytes`);
  assert.equal(JSON.parse(r.body).__type, 'InvalidParameterException');
  await stillServing();
});

test('a message longer than 1 KB (an echoed 16 KB header) reaches the header cut, whole in the body', async () => {
  const target = 'AWSCognitoIdentityProviderService.' + 'Z'.repeat(12_000);
  const r = await rawRequest(s.url, { headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, body: '{}' });
  assert.equal(r.status, 400);
  const header = r.headers['x-amzn-errormessage'] as string;
  assert.equal(header.length, 1024);
  assert.ok(header.endsWith('...'));
  assert.ok(JSON.parse(r.body).message.includes(target));
});

test('requests Node refuses before routing (headers over 16 KB, broken HTTP) get an AWS JSON error too', async () => {
  const big = await rawRequest(s.url, { headers: { 'x-amz-target': 'AWSCognitoIdentityProviderService.ListUserPools', 'x-pad': 'p'.repeat(17_000) }, body: '{}' });
  assert.equal(big.status, 431);
  assert.equal(big.headers['x-amzn-errortype'], 'BadRequestException:');
  assert.equal(JSON.parse(big.body).__type, 'BadRequestException');
  const { connect } = await import('node:net');
  const answer = await new Promise<string>((resolve, reject) => {
    const sock = connect(Number(new URL(s.url).port), '127.0.0.1', () => sock.end('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'));
    let got = '';
    sock.on('data', (d) => (got += d));
    sock.on('close', () => resolve(got));
    sock.on('error', reject);
  });
  assert.match(answer, /^HTTP\/1\.1 400 /);
  assert.equal(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).__type, 'BadRequestException');
  await stillServing();
});

test('a deeply nested member holding a NUL character is a 400, not a 500 (the NUL check walks without recursion)', async () => {
  const depth = 100_000;
  const body = `{"ClientId":"${clientId}","Username":"deepnul","Password":"Passw0rd!x","X":${'['.repeat(depth)}"\\u0000"${']'.repeat(depth)}}`;
  const c = withBody(body);
  const e = await awsErrorOf(() => c.send(new SignUpCommand({ ClientId: clientId, Username: 'deepnul', Password: 'x' })));
  assert.equal(e.status, 400, `${e.name}: ${e.message}`);
  assert.equal(e.name, 'InvalidParameterException');
  await stillServing();
});
