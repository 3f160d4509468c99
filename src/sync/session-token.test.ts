// SyncSessionToken: accepted for what it was issued for until it expires; refused for anything else, with Cognito's words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { FixedClock } from '../runtime/clock.ts';
import { secretBox } from '../runtime/secrets.ts';
import { checkSyncSessionToken, issueSyncSessionToken, SYNC_SESSION_SECONDS } from './session-token.ts';

const target = { poolId: 'us-east-1:11111111-1111-4111-8111-111111111111', identityId: 'us-east-1:aaaaaaaa-0000-4000-8000-000000000001', dataset: 'ds' };
const refused = { name: 'InvalidParameterException', message: 'SyncSessionToken not valid for these inputs' };

test('a token is good for its pool, identity and dataset until it expires', () => {
  const clock = new FixedClock();
  const deps = { secrets: secretBox(randomBytes(32)), clock };
  const token = issueSyncSessionToken(deps, target);
  checkSyncSessionToken(deps, token, target);
  for (const other of [{ ...target, dataset: 'other' }, { ...target, identityId: 'us-east-1:aaaaaaaa-0000-4000-8000-000000000002' }, { ...target, poolId: 'us-east-1:22222222-2222-4222-8222-222222222222' }])
    assert.throws(() => checkSyncSessionToken(deps, token, other), refused);
  clock.advance(SYNC_SESSION_SECONDS * 1000 - 1);
  checkSyncSessionToken(deps, token, target);
  clock.advance(1);
  assert.throws(() => checkSyncSessionToken(deps, token, target), refused);
});

test('a token sealed under another master key, altered, or not a token at all is refused', () => {
  const clock = new FixedClock();
  const deps = { secrets: secretBox(randomBytes(32)), clock };
  const foreign = issueSyncSessionToken({ secrets: secretBox(randomBytes(32)), clock }, target);
  assert.throws(() => checkSyncSessionToken(deps, foreign, target), refused);
  const token = issueSyncSessionToken(deps, target);
  const altered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
  assert.throws(() => checkSyncSessionToken(deps, altered, target), refused);
  assert.throws(() => checkSyncSessionToken(deps, '', target), refused);
  // another sealed secret of the same key is no token
  assert.throws(() => checkSyncSessionToken(deps, deps.secrets.encrypt(JSON.stringify({ pool: target.poolId, id: target.identityId, ds: 'ds', exp: Infinity })), target), refused);
});
