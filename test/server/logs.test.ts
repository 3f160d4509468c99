// Request logs (pino, stderr): one JSON line per request with the request id the answer carries, the operation, the
// status and the duration — and no secret, whatever the request carried: passwords, codes, client secrets, secret
// hashes, tokens, SigV4 signatures. Checked by grepping everything a real server process logged at debug level.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startCognate, runCognate, tempDir } from '../support/process.ts';
import { fetchOutbox, signedOutboxHeaders } from '../support/outbox.ts';
import { secretHashOf } from '../support/users.ts';
import { prettyLine } from '../../src/runtime/pretty-log.ts';
import { pinoLogger } from '../../src/runtime/logger.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test('each request logs one line with its request id, operation, status and ms; no password, code, secret or token is ever logged', async () => {
  const adminSecret = 'Admin-Secret-Key-For-Log-Test-0123456789';
  const server = await startCognate(['--data-dir', tempDir(), '--workers', '1'], {
    COGNATE_LOG_LEVEL: 'debug',
    COGNATE_ADMIN_ACCESS_KEY_ID: 'AKIALOGTEST000000001',
    COGNATE_ADMIN_SECRET_ACCESS_KEY: adminSecret,
  });
  const admin = { accessKeyId: 'AKIALOGTEST000000001', secretAccessKey: adminSecret };
  const idp = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: server.url, credentials: admin, maxAttempts: 1 });
  const secrets: Record<string, string> = { adminSecret };
  const ids: Record<string, string> = {};
  try {
    const pool = (await idp.send(new CreateUserPoolCommand({ PoolName: 'logs', AutoVerifiedAttributes: ['email'] }))).UserPool!;
    const client = (
      await idp.send(
        new CreateUserPoolClientCommand({
          UserPoolId: pool.Id!,
          ClientName: 'c',
          GenerateSecret: true,
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        }),
      )
    ).UserPoolClient!;
    secrets.clientSecret = client.ClientSecret!;
    const hash = secretHashOf(client.ClientSecret!, 'logan', client.ClientId!);
    secrets.secretHash = hash;
    secrets.password = 'Sup3r-Secret-Passw0rd!';
    secrets.wrongPassword = 'Wr0ng-Guess-Passw0rd!';

    const up = await idp.send(
      new SignUpCommand({
        ClientId: client.ClientId!,
        Username: 'logan',
        Password: secrets.password,
        SecretHash: hash,
        UserAttributes: [{ Name: 'email', Value: 'logan@example.com' }],
      }),
    );
    ids.SignUp = up.$metadata.requestId!;
    const headers = await signedOutboxHeaders(server.url, 'logan@example.com', admin, 'us-east-1');
    secrets.outboxSignature = /Signature=([0-9a-f]+)/.exec(headers.authorization!)![1]!;
    const outbox = await fetchOutbox(server.url, 'logan@example.com', headers);
    assert.equal(outbox.status, 200);
    secrets.code = /\b(\d{6})\b/.exec(outbox.body.messages![0]!.body)![1]!;

    // A wrong code first (logged as a client error at debug), then the right one.
    await assert.rejects(
      idp.send(new ConfirmSignUpCommand({ ClientId: client.ClientId!, Username: 'logan', ConfirmationCode: secrets.code === '000000' ? '111111' : '000000', SecretHash: hash })),
      { name: 'CodeMismatchException' },
    );
    const confirmed = await idp.send(new ConfirmSignUpCommand({ ClientId: client.ClientId!, Username: 'logan', ConfirmationCode: secrets.code, SecretHash: hash }));
    ids.ConfirmSignUp = confirmed.$metadata.requestId!;

    const wrong = await idp
      .send(new InitiateAuthCommand({ ClientId: client.ClientId!, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'logan', PASSWORD: secrets.wrongPassword, SECRET_HASH: hash } }))
      .catch((e: { name: string; $metadata: { requestId: string } }) => e);
    assert.equal((wrong as { name: string }).name, 'NotAuthorizedException');
    ids.wrongSignIn = (wrong as { $metadata: { requestId: string } }).$metadata.requestId;

    const signedIn = await idp.send(
      new InitiateAuthCommand({ ClientId: client.ClientId!, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'logan', PASSWORD: secrets.password, SECRET_HASH: hash } }),
    );
    ids.InitiateAuth = signedIn.$metadata.requestId!;
    const tokens = signedIn.AuthenticationResult!;
    secrets.accessToken = tokens.AccessToken!;
    secrets.idToken = tokens.IdToken!;
    secrets.refreshToken = tokens.RefreshToken!;
    ids.GetUser = (await idp.send(new GetUserCommand({ AccessToken: tokens.AccessToken! }))).$metadata.requestId!;
    await assert.rejects(idp.send(new GetUserCommand({ AccessToken: tokens.AccessToken! + 'x' })), { name: 'NotAuthorizedException' });
  } finally {
    idp.destroy();
    assert.equal(await server.stop('SIGTERM'), 0);
  }

  const log = server.stderr();
  const lines = log.split('\n').filter(Boolean);
  const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>); // every line is one JSON record
  const requests = records.filter((r) => r.msg === 'request');
  for (const r of requests) {
    assert.equal(r.level, 'info');
    assert.match(String(r.requestId), UUID);
    assert.equal(typeof r.operation, 'string');
    assert.equal(typeof r.status, 'number');
    assert.ok(typeof r.ms === 'number' && r.ms >= 0, `ms in ${JSON.stringify(r)}`);
  }
  const lineOf = (id: string) => {
    const found = requests.filter((r) => r.requestId === id);
    assert.equal(found.length, 1, `one request line for ${id}`);
    return found[0]!;
  };
  for (const op of ['SignUp', 'ConfirmSignUp', 'InitiateAuth', 'GetUser'] as const)
    assert.deepEqual(
      { service: lineOf(ids[op]!).service, operation: lineOf(ids[op]!).operation, status: lineOf(ids[op]!).status, error: lineOf(ids[op]!).error },
      { service: 'cognito-idp', operation: op, status: 200, error: undefined },
    );
  const refused = lineOf(ids.wrongSignIn!);
  assert.deepEqual([refused.operation, refused.status, refused.error], ['InitiateAuth', 400, 'NotAuthorizedException']);
  assert.ok(requests.some((r) => r.operation === 'GET /_cognate/outbox' && r.status === 200), 'the outbox read is logged by its route');
  assert.ok(records.some((r) => r.level === 'debug' && r.msg === 'client error'), 'debug lines were captured too');

  for (const [what, value] of Object.entries(secrets)) assert.ok(!log.includes(value), `the ${what} appears in the log`);
  assert.doesNotMatch(log, /AWS4-HMAC-SHA256|Signature=|authorization/i);
  assert.doesNotMatch(log, /logan@example\.com/, 'nor the outbox query');
});

test('--log-format pretty writes one readable line per record; another format is refused', async () => {
  const server = await startCognate(['--data-dir', tempDir(), '--workers', '1', '--log-format', 'pretty'], { COGNATE_LOG_LEVEL: 'info' });
  try {
    const res = await fetch(`${server.url}/health`);
    assert.equal(res.status, 200);
    const id = res.headers.get('x-amzn-requestid')!;
    assert.match(id, UUID);
    await new Promise((r) => setTimeout(r, 100));
    const line = server.stderr().split('\n').find((l) => l.includes(id));
    assert.match(line ?? '', /^\d\d:\d\d:\d\d\.\d{3} INFO  request requestId=\S+ service=http operation="GET \/health" status=200 ms=[\d.]+$/);
  } finally {
    await server.stop();
  }
  const bad = await runCognate(['--log-format', 'xml']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^cognate: --log-format: expected json or pretty, got 'xml'/);
});

test('prettyLine: fields as key=value, quoted when they hold spaces, a stack kept on the one line', () => {
  const line = prettyLine(JSON.stringify({ level: 'error', time: '2026-12-03T08:00:01.234Z', pid: 1, msg: 'unexpected error', path: '/', error: 'Error: x\n    at y' }), false);
  assert.equal(line, '08:00:01.234 ERROR unexpected error path=/ error="Error: x\\n    at y"\n');
  assert.equal(prettyLine('not json', false), 'not json\n');
});

test('a secret passed to the logger by mistake is redacted, at the top level and one object down', () => {
  const lines: string[] = [];
  const logger = pinoLogger('debug', 'json', (l) => void lines.push(l));
  logger.warn('oops', { poolId: 'p1', password: 'Leaked-Passw0rd', request: { AccessToken: 'eyJleaked', Username: 'u' }, headers: { authorization: 'AWS4-HMAC-SHA256 Signature=abc' } });
  logger.info('fine', { requestId: 'r1', status: 200 });
  const [oops, fine] = lines.map((l) => JSON.parse(l));
  assert.deepEqual([oops.password, oops.request, oops.headers, oops.poolId], ['[redacted]', { AccessToken: '[redacted]', Username: 'u' }, { authorization: '[redacted]' }, 'p1']);
  assert.doesNotMatch(lines.join(''), /Leaked|eyJleaked|Signature=/);
  assert.deepEqual([fine.level, fine.msg, fine.requestId, fine.status], ['info', 'fine', 'r1', 200]);
});
