import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import { createTestPool, createTestUser } from '../../../test/support/users.ts';
import op from './admin-get-user.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let clock: FixedClock;

before(async () => {
  clock = new FixedClock();
  deps = await makeTestDeps({ clock });
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.AdminGetUser!.errors.includes(code), `${code} is not declared for AdminGetUser`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('answers username, attributes with sub first, dates in epoch seconds, Enabled, UserStatus; no MFA members without MFA', async () => {
  const pool = await createTestPool(deps);
  const created = clock.now();
  const user = await createTestUser(deps, pool, 'alice', 'Passw0rd!', { attributes: { email: 'alice@example.com', name: 'Alice', 'custom:team': 'x' } });
  clock.advance(1500);
  await deps.store.users.update({ ...user, enabled: false, updatedAt: clock.now(), version: 2 });
  const out = await op.handle({ UserPoolId: pool.id, Username: 'alice' }, deps, ctx);
  assert.deepEqual(checkOutput(model, 'AdminGetUser', out), []);
  assert.deepEqual(out, {
    Username: 'alice',
    UserAttributes: [
      { Name: 'sub', Value: user.sub },
      { Name: 'custom:team', Value: 'x' },
      { Name: 'email', Value: 'alice@example.com' },
      { Name: 'name', Value: 'Alice' },
    ],
    UserCreateDate: created / 1000,
    UserLastModifiedDate: (created + 1500) / 1000,
    Enabled: false,
    UserStatus: 'CONFIRMED',
  });
});

test('MFA settings when the user has them', async () => {
  const pool = await createTestPool(deps);
  await createTestUser(deps, pool, 'bob', 'Passw0rd!', {
    mfa: { PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA', UserMFASettingList: ['SOFTWARE_TOKEN_MFA'], MFAOptions: [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }] },
  });
  const out = await op.handle({ UserPoolId: pool.id, Username: 'bob' }, deps, ctx);
  assert.deepEqual(checkOutput(model, 'AdminGetUser', out), []);
  assert.equal(out.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
  assert.deepEqual(out.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  assert.deepEqual(out.MFAOptions, [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }]);
});

test('finds users by username (case per pool), verified alias and sub; unknown users and pools', async () => {
  const pool = await createTestPool(deps, { AliasAttributes: ['email', 'preferred_username'], UsernameConfiguration: { CaseSensitive: false } });
  const carol = await createTestUser(deps, pool, 'carol', 'Passw0rd!', { attributes: { email: 'carol@example.com', email_verified: 'true', preferred_username: 'cc' } });
  await createTestUser(deps, pool, 'dave', 'Passw0rd!', { attributes: { email: 'dave@example.com' } });
  for (const name of ['carol', 'CAROL', 'Carol@Example.com', 'cc', carol.sub, carol.sub.toUpperCase()])
    assert.equal((await op.handle({ UserPoolId: pool.id, Username: name }, deps, ctx)).Username, 'carol', name);
  // An unverified email is no alias.
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'dave@example.com' }, deps, ctx)), ['UserNotFoundException', 'User does not exist.']);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'nobody' }, deps, ctx)), ['UserNotFoundException', 'User does not exist.']);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_nosuchpool', Username: 'x' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_nosuchpool does not exist.',
  ]);
});

test('email-as-username pools: by the email or the UUID username', async () => {
  const pool = await createTestPool(deps, { UsernameAttributes: ['email'] });
  const sub = deps.random.uuid();
  await createTestUser(deps, pool, sub, 'Passw0rd!', { sub, attributes: { email: 'erin@example.com' } });
  assert.equal((await op.handle({ UserPoolId: pool.id, Username: 'Erin@example.com' }, deps, ctx)).Username, sub);
  assert.equal((await op.handle({ UserPoolId: pool.id, Username: sub }, deps, ctx)).Username, sub);
});
