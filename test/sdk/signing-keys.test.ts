// Signing-key rotation seen from outside: the server's JWKS and GetUser, while `rotate-keys` (its code path, on a
// second set of deps sharing the server's SQLite file, as the CLI process would) rotates or revokes a pool's keys.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeProtectedHeader } from 'jose';
import { rotateKeys } from '../../src/cli/rotate-keys.ts';
import { FixedClock } from '../../src/runtime/clock.ts';
import { openSqliteStore } from '../../src/storage/sqlite/index.ts';
import type { PoolRecord } from '../../src/storage/records.ts';
import { KEY_RECHECK_MS } from '../../src/tokens/verify.ts';
import { makeTestDeps } from '../support/deps.ts';
import { tempDir } from '../support/process.ts';
import { awsErrorOf, startTestServer, type TestServer } from '../support/server.ts';
import { ALL_FLOWS, createTestUser } from '../support/users.ts';

const PW = 'Passw0rd!';
// Near the real time: SigV4 allows 15 minutes of skew.
const clock = new FixedClock(Math.floor(Date.now() / 1000) * 1000);
let s: TestServer;
/** The rotate-keys process: the same database file and master key, its own caches. */
let cli: Awaited<ReturnType<typeof makeTestDeps>>;

before(async () => {
  const file = join(tempDir(), 'cognate.db');
  const store = openSqliteStore(file);
  await store.migrate();
  s = await startTestServer({ clock, store });
  cli = await makeTestDeps({ clock, store: openSqliteStore(file), secrets: s.deps.secrets });
});
after(async () => {
  await s.close();
  await cli.store.close();
});

let pools = 0;
async function newPool(): Promise<{ pool: PoolRecord; clientId: string }> {
  const id = (await s.idp.send(new CreateUserPoolCommand({ PoolName: `keys${++pools}` }))).UserPool!.Id!;
  const pool = (await s.deps.store.pools.get(id))!;
  const c = await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: id, ClientName: 'app', ExplicitAuthFlows: ALL_FLOWS }));
  await createTestUser(s.deps, pool, 'alice', PW);
  return { pool, clientId: c.UserPoolClient!.ClientId! };
}

async function signIn(clientId: string): Promise<AuthenticationResultType> {
  return (await s.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', PASSWORD: PW } })))
    .AuthenticationResult!;
}

const kidOf = (jwt: string) => decodeProtectedHeader(jwt).kid!;
async function publishedKids(poolId: string): Promise<string[]> {
  const r = await fetch(`${s.url}/${poolId}/.well-known/jwks.json`);
  assert.equal(r.status, 200);
  return ((await r.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid).sort();
}
const getUser = (accessToken: string) => s.idp.send(new GetUserCommand({ AccessToken: accessToken }));

test('rotate-keys --revoke: the JWKS drops the old keys at once, and the server refuses tokens they signed (within KEY_RECHECK_MS)', async () => {
  const { pool, clientId } = await newPool();
  const t = await signIn(clientId);
  assert.equal((await getUser(t.AccessToken!)).Username, 'alice'); // the server has the key cached
  assert.ok((await publishedKids(pool.id)).includes(kidOf(t.AccessToken!)));

  const added = await rotateKeys(cli, pool.id, { revoke: true });
  assert.deepEqual(await publishedKids(pool.id), [...added].sort());
  clock.advance(KEY_RECHECK_MS);
  assert.deepEqual(await awsErrorOf(() => getUser(t.AccessToken!)), { name: 'NotAuthorizedException', message: 'Invalid Access Token', status: 400 });

  // New tokens come from the new keys; the session itself lives on (its refresh token gets newly signed tokens).
  const fresh = await signIn(clientId);
  assert.ok(added.includes(kidOf(fresh.AccessToken!)) && added.includes(kidOf(fresh.IdToken!)));
  assert.equal((await getUser(fresh.AccessToken!)).Username, 'alice');
  const refreshed = (await s.idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: t.RefreshToken }))).AuthenticationResult!;
  assert.ok(added.includes(kidOf(refreshed.AccessToken!)));
  assert.equal((await getUser(refreshed.AccessToken!)).Username, 'alice');
});

test('rotate-keys without --revoke: old tokens keep verifying and the old keys stay published until their retiresAt (24 h), then not', async () => {
  const { pool, clientId } = await newPool();
  const start = clock.now();
  try {
    const t = await signIn(clientId);
    const oldKid = kidOf(t.AccessToken!);
    assert.equal((await getUser(t.AccessToken!)).Username, 'alice');
    clock.advance(1_000);
    const added = await rotateKeys(cli, pool.id);
    const kids = await publishedKids(pool.id);
    assert.equal(kids.length, 4);
    assert.ok(kids.includes(oldKid) && added.every((k) => kids.includes(k)));
    clock.advance(KEY_RECHECK_MS);
    assert.equal((await getUser(t.AccessToken!)).Username, 'alice');
    clock.set(start + 3_600_000 - 1); // the token's last millisecond
    assert.equal((await getUser(t.AccessToken!)).Username, 'alice');

    // Until the old keys retire (rotation + 24 h) the token is merely expired; from then on its key is refused.
    const retiresAt = start + 1_000 + 86_400_000;
    clock.set(retiresAt - 1);
    assert.ok((await publishedKids(pool.id)).includes(oldKid));
    assert.equal((await awsErrorOf(() => getUser(t.AccessToken!))).message, 'Access Token has expired');
    clock.set(retiresAt);
    assert.deepEqual(await awsErrorOf(() => getUser(t.AccessToken!)), { name: 'NotAuthorizedException', message: 'Invalid Access Token', status: 400 });
    assert.deepEqual(await publishedKids(pool.id), [...added].sort());
  } finally {
    clock.set(start);
  }
});
