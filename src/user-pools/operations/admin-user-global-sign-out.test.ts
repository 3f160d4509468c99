import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOutput } from '../../protocol/validate.ts';
import type { ClientRecord, PoolRecord } from '../../storage/records.ts';
import { issueTokens } from '../sign-in/issue-tokens.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { ctx, errorOf as errorIn, model, tokenFixture, type TestDeps, type TokenFixture } from '../../../test/support/fixtures.ts';
import op from './admin-user-global-sign-out.ts';

let deps: TestDeps;
let pool: PoolRecord;
let client: ClientRecord;
let insertUser: TokenFixture['insertUser'];

before(async () => {
  ({ deps, pool, client, insertUser } = await tokenFixture({
    pool: { AliasAttributes: ['email'], UsernameConfiguration: { CaseSensitive: false } },
  }));
});

const errorOf = (p: Promise<unknown>) => errorIn(p, 'AdminUserGlobalSignOut');

test('revokes every session of the user named (any case in a case-insensitive pool, or a verified alias)', async () => {
  const carol = await insertUser(pool, 'Carol', { attributes: { email: 'carol@example.com', email_verified: 'true' } });
  const dave = await insertUser(pool, 'dave');
  const a = await issueTokens(deps, { pool, client, user: carol });
  const d = await issueTokens(deps, { pool, client, user: dave });
  const out = await op.handle({ UserPoolId: pool.id, Username: 'CAROL' }, deps, ctx);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'AdminUserGlobalSignOut', out), []);
  await assert.rejects(authenticateAccessToken(deps, a.AccessToken!), { message: 'Access Token has been revoked' });
  await authenticateAccessToken(deps, d.AccessToken!);

  const b = await issueTokens(deps, { pool, client, user: carol });
  await op.handle({ UserPoolId: pool.id, Username: 'carol@example.com' }, deps, ctx);
  await assert.rejects(authenticateAccessToken(deps, b.AccessToken!), { message: 'Access Token has been revoked' });
});

test('an unknown user or pool', async () => {
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'nobody' }, deps, ctx)), [
    'UserNotFoundException',
    'User does not exist.',
  ]);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_zzzzzzzzz', Username: 'nobody' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_zzzzzzzzz does not exist.',
  ]);
});
