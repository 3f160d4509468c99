// Round trips to PostgreSQL per request on the hot read paths (issue 9): an access-token call (GetUser) is one
// statement, a refresh at most four (client and pool, token and session, user and groups, signing keys). Counted on
// pg.Client.prototype.query, which every pooled query goes through, one round trip each.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import {
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { openPostgresStore } from '../../src/storage/postgres/index.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { ALL_FLOWS, createTestClient, createTestPool, createTestUser } from '../support/users.ts';

const url = process.env.COGNATE_TEST_DATABASE_URL;
const skip = url ? false : 'COGNATE_TEST_DATABASE_URL is not set: PostgreSQL suite skipped';
const schema = `cognate_trips_${process.pid}_${randomBytes(4).toString('hex')}`;

/** The statements `fn` sends to PostgreSQL, from this process. */
async function statementsOf(fn: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
    sent.push(typeof config === 'string' ? config : String((config as { text?: string }).text));
    return (query as (...a: unknown[]) => unknown).call(this, config, ...rest);
  } as typeof query;
  try {
    await fn();
  } finally {
    pg.Client.prototype.query = query;
  }
  return sent;
}

let server: TestServer | undefined;
let clientId = '';
let refreshToken = '';
let accessToken = '';

before(async () => {
  if (!url) return;
  const store = await openPostgresStore(url, { schema, poolSize: 4 });
  await store.migrate();
  server = await startTestServer({ store });
  const pool = await createTestPool(server.deps);
  clientId = (await createTestClient(server.deps, pool.id, { ExplicitAuthFlows: ALL_FLOWS })).id;
  await createTestUser(server.deps, pool, 'alice', 'Passw0rd!x', { attributes: { email: 'alice@example.com' } });
  const r = await server.idp.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD: 'Passw0rd!x' } }),
  );
  accessToken = r.AuthenticationResult!.AccessToken!;
  refreshToken = r.AuthenticationResult!.RefreshToken!;
});

after(async () => {
  if (!url) return;
  await server?.close();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await c.end();
});

test('GetUser is one round trip to PostgreSQL (session, pool, client and user in one statement)', { skip }, async () => {
  // The first call reads the pool's verification keys (cached by kid for KEY_RECHECK_MS); the next ones do not.
  await server!.idp.send(new GetUserCommand({ AccessToken: accessToken }));
  const sent = await statementsOf(async () => {
    const u = await server!.idp.send(new GetUserCommand({ AccessToken: accessToken }));
    assert.equal(u.Username, 'alice');
  });
  assert.equal(sent.length, 1, sent.join('\n'));
});

test('REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken read the pool once and the token with its session', { skip }, async () => {
  for (const call of [
    () => server!.idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken } })),
    () => server!.idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: refreshToken })),
  ]) {
    const sent = await statementsOf(async () => assert.ok((await call()).AuthenticationResult?.AccessToken));
    const pools = sent.filter((s) => /\bFROM pools\b|JOIN pools\b/.test(s));
    assert.equal(pools.length, 1, sent.join('\n'));
    assert.ok(sent.length <= 4, `${sent.length} round trips:\n${sent.join('\n')}`);
  }
});

test('refused tokens still refused over the one-statement reads: revoked session, on GetUser and refresh', { skip }, async () => {
  await server!.idp.send(new RevokeTokenCommand({ ClientId: clientId, Token: refreshToken }));
  await assert.rejects(server!.idp.send(new GetUserCommand({ AccessToken: accessToken })), { name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
  await assert.rejects(
    server!.idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken } })),
    { name: 'NotAuthorizedException', message: 'Refresh Token has been revoked' },
  );
});
