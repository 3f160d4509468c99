import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOutput } from '../../protocol/validate.ts';
import type { ClientRecord, PoolRecord } from '../../storage/records.ts';
import { issueTokens } from '../sign-in/issue-tokens.ts';
import { ctx, errorOf as errorIn, model, tokenFixture, type TestDeps, type TokenFixture } from '../../../test/support/fixtures.ts';
import op from './get-user.ts';

let deps: TestDeps;
let pool: PoolRecord;
let client: ClientRecord;
let insertUser: TokenFixture['insertUser'];

before(async () => {
  ({ deps, pool, client, insertUser } = await tokenFixture());
});

const errorOf = (p: Promise<unknown>) => errorIn(p, 'GetUser');

test('answers the username and attributes, sub first, and no MFA members for a user without MFA', async () => {
  const user = await insertUser(pool, 'alice', {
    attributes: { email: 'alice@example.com', email_verified: 'true', 'custom:tier': '5' },
  });
  const { AccessToken } = await issueTokens(deps, { pool, client, user });
  const out = await op.handle({ AccessToken: AccessToken! }, deps, ctx);
  assert.deepEqual(out, {
    Username: 'alice',
    UserAttributes: [
      { Name: 'sub', Value: user.sub },
      { Name: 'custom:tier', Value: '5' },
      { Name: 'email', Value: 'alice@example.com' },
      { Name: 'email_verified', Value: 'true' },
    ],
  });
  assert.deepEqual(checkOutput(model, 'GetUser', out), []);
});

test('developer-only attributes (dev:custom:*) are not shown to the user', async () => {
  const user = await insertUser(pool, 'dev-attr', { attributes: { email: 'd@example.com', 'dev:custom:risk': '9' } });
  const { AccessToken } = await issueTokens(deps, { pool, client, user });
  const out = await op.handle({ AccessToken: AccessToken! }, deps, ctx);
  assert.deepEqual(out.UserAttributes!.map((a) => a.Name), ['sub', 'email']);
});

test("the app client's ReadAttributes limit the attributes it reads", async () => {
  const user = await insertUser(pool, 'reader', { attributes: { email: 'r@example.com', name: 'Reader', 'custom:tier': 'gold' } });
  const limited = { ...client, id: 'limitedclient0000000000001', settings: { ...client.settings, ReadAttributes: ['email'] } };
  await deps.store.clients.create(limited, 1000);
  const { AccessToken } = await issueTokens(deps, { pool, client: limited, user });
  const out = await op.handle({ AccessToken: AccessToken! }, deps, ctx);
  assert.deepEqual(out.UserAttributes!.map((a) => a.Name), ['sub', 'email']);
});

test('MFA settings appear when the user has them', async () => {
  const user = await insertUser(pool, 'mfa-user', {
    mfa: { PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA', UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] },
  });
  const { AccessToken } = await issueTokens(deps, { pool, client, user });
  const out = await op.handle({ AccessToken: AccessToken! }, deps, ctx);
  assert.equal(out.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
  assert.deepEqual(out.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  assert.equal('MFAOptions' in out, false);
  assert.deepEqual(checkOutput(model, 'GetUser', out), []);
});

test('bad and revoked tokens are NotAuthorizedException', async () => {
  assert.deepEqual(await errorOf(op.handle({ AccessToken: 'nonsense' }, deps, ctx)), ['NotAuthorizedException', 'Invalid Access Token']);
  const user = await insertUser(pool, 'bob');
  const r = await issueTokens(deps, { pool, client, user });
  await deps.store.sessions.revokeAllForUser(pool.id, 'bob', deps.clock.now());
  assert.deepEqual(await errorOf(op.handle({ AccessToken: r.AccessToken! }, deps, ctx)), [
    'NotAuthorizedException',
    'Access Token has been revoked',
  ]);
});
