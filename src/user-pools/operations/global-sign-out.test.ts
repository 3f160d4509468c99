import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOutput } from '../../protocol/validate.ts';
import type { ClientRecord, PoolRecord } from '../../storage/records.ts';
import { issueTokens } from '../sign-in/issue-tokens.ts';
import { refreshSession } from '../sign-in/refresh.ts';
import { ctx, errorOf, model, tokenFixture, type TestDeps, type TokenFixture } from '../../../test/support/fixtures.ts';
import getUser from './get-user.ts';
import op from './global-sign-out.ts';

let deps: TestDeps;
let pool: PoolRecord;
let client: ClientRecord;
let insertUser: TokenFixture['insertUser'];

before(async () => {
  ({ deps, pool, client, insertUser } = await tokenFixture());
});

test('ends every session of the user and no one else\'s', async () => {
  const alice = await insertUser(pool, 'alice');
  const bob = await insertUser(pool, 'bob');
  const phone = await issueTokens(deps, { pool, client, user: alice });
  const laptop = await issueTokens(deps, { pool, client, user: alice });
  const bobs = await issueTokens(deps, { pool, client, user: bob });

  const out = await op.handle({ AccessToken: phone.AccessToken! }, deps, ctx);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'GlobalSignOut', out), []);

  for (const t of [phone, laptop]) {
    assert.deepEqual(await errorOf(getUser.handle({ AccessToken: t.AccessToken! }, deps, ctx), 'GetUser'), [
      'NotAuthorizedException',
      'Access Token has been revoked',
    ]);
    await assert.rejects(refreshSession(deps, client, t.RefreshToken!), { message: 'Refresh Token has been revoked' });
  }
  assert.equal((await getUser.handle({ AccessToken: bobs.AccessToken! }, deps, ctx)).Username, 'bob');
  // A second sign-out with a revoked token is refused.
  assert.deepEqual(await errorOf(op.handle({ AccessToken: phone.AccessToken! }, deps, ctx), 'GlobalSignOut'), [
    'NotAuthorizedException',
    'Access Token has been revoked',
  ]);
  // Signing in again gives a working session.
  const again = await issueTokens(deps, { pool, client, user: alice });
  assert.equal((await getUser.handle({ AccessToken: again.AccessToken! }, deps, ctx)).Username, 'alice');
});

test('a bad token is NotAuthorizedException', async () => {
  assert.deepEqual(await errorOf(op.handle({ AccessToken: 'x.y.z' }, deps, ctx), 'GlobalSignOut'), [
    'NotAuthorizedException',
    'Invalid Access Token',
  ]);
});
