// The outside contract (shared/CONTRACT.md) on a real process: flags, ready line, /health, admin key, SIGTERM, restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { fetchWithin, runCognate, startCognate, tempDir } from '../support/process.ts';

function creds(stdout: string) {
  const id = /AWS_ACCESS_KEY_ID=(\S+)/.exec(stdout)?.[1];
  const secret = /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(stdout)?.[1];
  assert.ok(id && secret, `admin key printed on first start:\n${stdout}`);
  return { accessKeyId: id, secretAccessKey: secret };
}
// A bounded wait for each answer: a server that stops answering fails the test, saying so, rather than hanging it.
const requestHandler = { requestTimeout: 30_000, connectionTimeout: 10_000 };
const client = (url: string, c: { accessKeyId: string; secretAccessKey: string }) =>
  new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: url, credentials: c, maxAttempts: 1, requestHandler });

test('first start prints the admin key once, stores it 0600, serves /health; restart keeps pools, clients and keys', async () => {
  const dir = tempDir();
  const p1 = await startCognate(['--data-dir', dir]);
  try {
    assert.match(p1.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetchWithin(`${p1.url}/health`);
    assert.equal(health.status, 200);
    const c = creds(p1.stdout());
    const file = join(dir, 'admin-credentials.json');
    assert.ok(existsSync(file));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'master.key')).mode & 0o777, 0o600);

    const idp = client(p1.url, c);
    const pool = await idp.send(new CreateUserPoolCommand({ PoolName: 'persist' }));
    const poolId = pool.UserPool!.Id!;
    const cl = await idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', GenerateSecret: true }));
    const jwks1 = (await (await fetchWithin(`${p1.url}/${poolId}/.well-known/jwks.json`)).json()) as any;
    idp.destroy();
    assert.equal(await p1.stop('SIGTERM'), 0, 'SIGTERM exits 0');

    const p2 = await startCognate(['--data-dir', dir, '--workers', '1']);
    try {
      assert.doesNotMatch(p2.stdout(), /AWS_SECRET_ACCESS_KEY/, 'the key is printed only on the first start');
      const idp2 = client(p2.url, c);
      const list = await idp2.send(new ListUserPoolsCommand({ MaxResults: 60 }));
      assert.deepEqual(list.UserPools!.map((p) => p.Id), [poolId]);
      const d = await idp2.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: cl.UserPoolClient!.ClientId! }));
      assert.equal(d.UserPoolClient!.ClientSecret, cl.UserPoolClient!.ClientSecret);
      const jwks2 = (await (await fetchWithin(`${p2.url}/${poolId}/.well-known/jwks.json`)).json()) as any;
      assert.deepEqual(jwks2, jwks1);
      idp2.destroy();
    } finally {
      await p2.stop();
    }
  } finally {
    await p1.stop();
  }
});

test('a write acknowledged before SIGKILL is there after restart', async () => {
  const dir = tempDir();
  const env = { COGNATE_ADMIN_ACCESS_KEY_ID: 'AKIAKILLTEST00000001', COGNATE_ADMIN_SECRET_ACCESS_KEY: 'kill-test-secret' };
  const c = { accessKeyId: env.COGNATE_ADMIN_ACCESS_KEY_ID, secretAccessKey: env.COGNATE_ADMIN_SECRET_ACCESS_KEY };
  // One process: the SIGKILL reaches the very process that acknowledged the write (not a primary whose worker
  // would then close the store in good order).
  const p1 = await startCognate(['--data-dir', dir, '--workers', '1'], env);
  const idp = client(p1.url, c);
  const created = await idp.send(new CreateUserPoolCommand({ PoolName: 'survives-kill' }));
  idp.destroy();
  assert.equal(await p1.stop('SIGKILL'), 'SIGKILL');
  const p2 = await startCognate(['--data-dir', dir, '--workers', '1'], env);
  try {
    const idp2 = client(p2.url, c);
    const list = await idp2.send(new ListUserPoolsCommand({ MaxResults: 10 }));
    assert.deepEqual(list.UserPools!.map((p) => p.Id), [created.UserPool!.Id]);
    idp2.destroy();
  } finally {
    await p2.stop();
  }
});

test('env vars configure the server like flags; --dev accepts any key but not an unsigned admin call', async () => {
  const dir = tempDir();
  const p = await startCognate([], { COGNATE_DATA_DIR: dir, COGNATE_DEV: '1', COGNATE_REGION: 'eu-west-1', COGNATE_WORKERS: '1' });
  try {
    const idp = new CognitoIdentityProviderClient({
      region: 'eu-west-1',
      endpoint: p.url,
      credentials: { accessKeyId: 'anything', secretAccessKey: 'whatever' },
      maxAttempts: 1,
      requestHandler,
    });
    const pool = await idp.send(new CreateUserPoolCommand({ PoolName: 'dev' }));
    assert.match(pool.UserPool!.Id!, /^eu-west-1_[0-9A-Za-z]{9}$/);
    idp.destroy();
    const unsigned = await fetchWithin(p.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.ListUserPools' },
      body: '{"MaxResults":10}',
    });
    assert.equal(unsigned.status, 403);
    assert.equal(((await unsigned.json()) as any).__type, 'MissingAuthenticationTokenException');
    assert.match(p.stderr(), /DEV MODE/);
  } finally {
    await p.stop();
  }
});

test('--host/--public-url: the issuer in discovery comes from --public-url', async () => {
  const dir = tempDir();
  const env = { COGNATE_ADMIN_ACCESS_KEY_ID: 'AKIAPUBLICURL0000001', COGNATE_ADMIN_SECRET_ACCESS_KEY: 'public-url-secret' };
  const p = await startCognate(['--data-dir', dir, '--workers', '1', '--host', '127.0.0.1', '--public-url', 'https://id.example.test/'], env);
  try {
    const idp = client(p.url, { accessKeyId: env.COGNATE_ADMIN_ACCESS_KEY_ID, secretAccessKey: env.COGNATE_ADMIN_SECRET_ACCESS_KEY });
    const pool = await idp.send(new CreateUserPoolCommand({ PoolName: 'issuer' }));
    idp.destroy();
    const id = pool.UserPool!.Id!;
    const conf = (await (await fetchWithin(`${p.url}/${id}/.well-known/openid-configuration`)).json()) as any;
    assert.equal(conf.issuer, `https://id.example.test/${id}`);
    assert.equal(conf.jwks_uri, `https://id.example.test/${id}/.well-known/jwks.json`);
  } finally {
    await p.stop();
  }
});

test('identity-key rotate: every worker of a running server publishes the new key beside the old one within seconds', async () => {
  const dir = tempDir();
  const p = await startCognate(['--data-dir', dir, '--workers', '2']);
  const kids = async () => ((await (await fetchWithin(`${p.url}/.well-known/jwks_uri`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
  try {
    assert.deepEqual(await kids(), ['us-east-11']);
    const r = await runCognate(['identity-key', 'rotate', '--data-dir', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /new OpenID signing key us-east-12; previous keys stay in the JWKS until their tokens expire: us-east-11 until \d{4}-/);
    // each worker re-reads the key set within KEY_RECHECK_MS (5 s); several requests reach both workers
    const deadline = Date.now() + 8000;
    let seen: string[][] = [];
    while (Date.now() < deadline) {
      seen = await Promise.all(Array.from({ length: 6 }, () => kids()));
      if (seen.every((k) => k.join() === 'us-east-12,us-east-11')) break;
      await new Promise((ok) => setTimeout(ok, 250));
    }
    assert.ok(seen.every((k) => k.join() === 'us-east-12,us-east-11'), JSON.stringify(seen));
    const bare = await runCognate(['identity-key', '--data-dir', dir]);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /identity-key needs a subcommand: rotate/);
  } finally {
    await p.stop();
  }
});

test('migrate and rotate-keys commands; bad flags exit 2 with a message', async () => {
  const dir = tempDir();
  const m = await runCognate(['migrate', '--data-dir', dir]);
  assert.equal(m.code, 0, m.stderr);
  assert.match(m.stdout, /applied migrations 1/);
  const again = await runCognate(['migrate', '--data-dir', dir]);
  assert.match(again.stdout, /up to date/);

  const env = { COGNATE_ADMIN_ACCESS_KEY_ID: 'AKIAROTATE0000000001', COGNATE_ADMIN_SECRET_ACCESS_KEY: 'rotate-secret' };
  const p = await startCognate(['--data-dir', dir, '--workers', '1'], env);
  let poolId: string;
  let before: { keys: { kid: string }[] };
  try {
    const idp = client(p.url, { accessKeyId: env.COGNATE_ADMIN_ACCESS_KEY_ID, secretAccessKey: env.COGNATE_ADMIN_SECRET_ACCESS_KEY });
    poolId = (await idp.send(new CreateUserPoolCommand({ PoolName: 'rotate' }))).UserPool!.Id!;
    idp.destroy();
    before = (await (await fetchWithin(`${p.url}/${poolId}/.well-known/jwks.json`)).json()) as any;
    const r = await runCognate(['rotate-keys', '--pool-id', poolId, '--data-dir', dir], env);
    assert.equal(r.code, 0, r.stderr);
    const after = (await (await fetchWithin(`${p.url}/${poolId}/.well-known/jwks.json`)).json()) as any;
    assert.equal(after.keys.length, 4, 'old keys stay published beside the new ones');
    for (const k of before.keys) assert.ok(after.keys.some((x: { kid: string }) => x.kid === k.kid));
    // --revoke: every older key (the first ones, still retiring, included) leaves the JWKS at once.
    const revoked = await runCognate(['rotate-keys', '--pool-id', poolId, '--revoke', '--data-dir', dir], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /revoked/);
    const kids = ((await (await fetchWithin(`${p.url}/${poolId}/.well-known/jwks.json`)).json()) as any).keys.map((k: { kid: string }) => k.kid);
    assert.equal(kids.length, 2);
    for (const k of after.keys) assert.ok(!kids.includes(k.kid));
    assert.ok(kids.every((k: string) => revoked.stdout.includes(k)));
  } finally {
    await p.stop();
  }
  const bad = await runCognate(['--port', 'abc']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--port/);
  const unknownPool = await runCognate(['rotate-keys', '--pool-id', 'us-east-1_nope', '--data-dir', dir]);
  assert.equal(unknownPool.code, 1);
  assert.match(unknownPool.stderr, /does not exist/);
});
