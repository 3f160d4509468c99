// --dev on a real server process: its relaxations (admin calls signed by any key, the outbox unsigned, CORS grants for
// both) reach callers on this machine only. A web page of another origin, or one that re-pointed its own name at the
// server (DNS rebinding), is answered as without --dev; public operations stay CORS-open to every origin, as on AWS.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { after, before, describe, test } from 'node:test';
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startCognate, tempDir, type CognateProcess } from '../support/process.ts';

const FOREIGN = 'http://evil.example';
const ANY_KEY = { accessKeyId: 'AKIDANYKEY0000000001', secretAccessKey: 'any-secret-at-all' };

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** One HTTP request with exactly these headers (Host included), as a browser or a rebinding page would send it. */
function raw(url: string, opts: { method: string; path: string; headers: Record<string, string>; body?: string }): Promise<Raw> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method: opts.method, path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : null });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** An SDK client signing with any key, whose requests carry `headers` (set after signing, as a browser adds them). */
function clientWith(url: string, headers: Record<string, string>, seen?: { headers?: Record<string, string> }): CognitoIdentityProviderClient {
  const c = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: url, credentials: ANY_KEY, maxAttempts: 1 });
  c.middlewareStack.add(
    (next) => async (args) => {
      Object.assign((args.request as { headers: Record<string, string> }).headers, headers);
      const out = await next(args);
      if (seen) seen.headers = (out.response as { headers: Record<string, string> }).headers;
      return out;
    },
    { step: 'finalizeRequest', priority: 'low', name: 'browserHeaders' },
  );
  return c;
}

async function errorOf(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  throw new Error('expected an AWS error');
}

describe('--dev: relaxations for this machine only', () => {
  let p: CognateProcess;
  let host = '';
  let poolId = '';
  let clientId = '';

  before(async () => {
    p = await startCognate(['--dev', '--data-dir', tempDir(), '--workers', '1']);
    host = new URL(p.url).host;
    const local = clientWith(p.url, {});
    poolId = (await local.send(new CreateUserPoolCommand({ PoolName: 'dev', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
    clientId = (await local.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }))).UserPoolClient!.ClientId!;
    await local.send(
      new SignUpCommand({ ClientId: clientId, Username: 'ann', Password: 'Passw0rd!', UserAttributes: [{ Name: 'email', Value: 'ann@example.com' }] }),
    );
    local.destroy();
  });
  after(async () => {
    await p.stop();
  });

  const outbox = (headers: Record<string, string>) =>
    raw(p.url, { method: 'GET', path: '/_cognate/outbox?to=ann%40example.com', headers: { host, ...headers } });

  test('the outbox answers unsigned callers on this machine: no Origin, or a loopback origin (with a CORS grant)', async () => {
    const plain = await outbox({});
    assert.equal(plain.status, 200);
    assert.match(plain.body.messages[0].body, /^Your verification code is \d{6}\. $/);
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:8080', 'http://[::1]:3000', 'http://app.localhost']) {
      const r = await outbox({ origin });
      assert.equal(r.status, 200, origin);
      assert.equal(r.body.messages.length, 1);
      assert.equal(r.headers['access-control-allow-origin'], origin);
    }
    const byName = await outbox({ host: `localhost:${new URL(p.url).port}` });
    assert.equal(byName.status, 200, 'Host localhost:PORT');
  });

  test('a page of a foreign origin cannot read the outbox: MissingAuthenticationTokenException, no CORS grant', async () => {
    for (const origin of [FOREIGN, 'null', 'http://localhost.evil.example']) {
      const r = await outbox({ origin });
      assert.equal(r.status, 403, origin);
      assert.deepEqual(r.body, { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
      assert.equal(r.headers['access-control-allow-origin'], undefined, `no CORS grant for ${origin}`);
    }
  });

  test('a DNS-rebinding Host (a foreign name pointed at this server) cannot read the outbox', async () => {
    const port = new URL(p.url).port;
    for (const h of [`evil.example:${port}`, 'evil.example', `localhost.evil.example:${port}`]) {
      const r = await outbox({ host: h });
      assert.equal(r.status, 403, h);
      assert.equal(r.body.__type, 'MissingAuthenticationTokenException');
      // Same-origin for the page, but still no CORS grant to a would-be cross-origin reader.
      const withOrigin = await outbox({ host: h, origin: `http://${h}` });
      assert.equal(withOrigin.status, 403, `${h} with its own origin`);
    }
  });

  test('AdminGetUser signed by any key works from this machine, not from a foreign origin or a rebinding Host', async () => {
    const local = clientWith(p.url, {});
    const fromLoopback = clientWith(p.url, { origin: 'http://localhost:5173' });
    const seenForeign: { headers?: Record<string, string> } = {};
    const foreign = clientWith(p.url, { origin: FOREIGN }, seenForeign);
    const rebinding = clientWith(p.url, { host: `evil.example:${new URL(p.url).port}` });
    try {
      const input = { UserPoolId: poolId, Username: 'ann' };
      assert.equal((await local.send(new AdminGetUserCommand(input))).Username, 'ann');
      assert.equal((await fromLoopback.send(new AdminGetUserCommand(input))).Username, 'ann');
      const refused = { name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
      assert.deepEqual(await errorOf(foreign.send(new AdminGetUserCommand(input))), refused);
      assert.deepEqual(await errorOf(rebinding.send(new AdminGetUserCommand(input))), refused);
    } finally {
      for (const c of [local, fromLoopback, foreign, rebinding]) c.destroy();
    }
  });

  test('an admin call from a foreign origin gets no CORS grant; an unsigned one is refused as without --dev', async () => {
    const call = (headers: Record<string, string>) =>
      raw(p.url, {
        method: 'POST',
        path: '/',
        headers: { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.AdminGetUser', ...headers },
        body: JSON.stringify({ UserPoolId: poolId, Username: 'ann' }),
      });
    const foreign = await call({ origin: FOREIGN });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.__type, 'MissingAuthenticationTokenException');
    assert.equal(foreign.headers['access-control-allow-origin'], undefined);
    const local = await call({ origin: 'http://localhost:5173' });
    assert.equal(local.body.__type, 'MissingAuthenticationTokenException', 'unsigned admin calls are refused even locally (CONTRACT.md)');
    assert.equal(local.headers['access-control-allow-origin'], 'http://localhost:5173');
  });

  test('public operations stay CORS-open to any origin: SignUp from a foreign page, and the preflight', async () => {
    const seen: { headers?: Record<string, string> } = {};
    const foreign = clientWith(p.url, { origin: FOREIGN }, seen);
    try {
      const out = await foreign.send(
        new SignUpCommand({ ClientId: clientId, Username: 'bob', Password: 'Passw0rd!', UserAttributes: [{ Name: 'email', Value: 'bob@example.com' }] }),
      );
      assert.equal(out.UserConfirmed, false);
      assert.equal(seen.headers!['access-control-allow-origin'], FOREIGN);
      assert.match(seen.headers!['access-control-expose-headers'] ?? '', /x-amzn-RequestId/);
    } finally {
      foreign.destroy();
    }
    const preflight = await raw(p.url, {
      method: 'OPTIONS',
      path: '/',
      headers: {
        host,
        origin: FOREIGN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-amz-target,x-amz-user-agent',
      },
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers['access-control-allow-origin'], FOREIGN);
    assert.match(String(preflight.headers['access-control-allow-methods']), /POST/);
    assert.match(String(preflight.headers['access-control-allow-headers']), /x-amz-target/);
  });
});

/** This machine's first non-loopback IPv4 address, if it has one. */
function lanAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && i.family === 'IPv4')?.address;
}

const lan = lanAddress();
test(
  '--dev on every interface: the outbox stays signed for a caller on another address, whatever Host it claims; the start warns',
  { skip: lan ? false : 'this machine has no non-loopback IPv4 address to call from' },
  async () => {
    const p = await startCognate(['--dev', '--host', '0.0.0.0', '--data-dir', tempDir(), '--workers', '1']);
    try {
      assert.match(p.stderr(), /WARNING: --dev with --host 0\.0\.0\.0: anyone who can reach this port/);
      const port = new URL(p.url).port;
      // The same request from loopback and from the LAN address, both claiming the LAN address as Host.
      const fromLan = await raw(`http://${lan}:${port}`, { method: 'GET', path: '/_cognate/outbox', headers: { host: `${lan}:${port}` } });
      assert.equal(fromLan.status, 403, JSON.stringify(fromLan.body));
      assert.equal(fromLan.body.__type, 'MissingAuthenticationTokenException');
      const fromLoopback = await raw(`http://127.0.0.1:${port}`, { method: 'GET', path: '/_cognate/outbox', headers: { host: `127.0.0.1:${port}` } });
      assert.equal(fromLoopback.status, 200);
    } finally {
      await p.stop();
    }
  },
);
