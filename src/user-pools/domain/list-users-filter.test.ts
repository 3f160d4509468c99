import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import {
  ATTRIBUTES_DO_NOT_EXIST,
  attributesToGet,
  FILTER_PARSE_ERROR,
  listedUser,
  listUsersLimit,
  parseFilter,
  toUserFilter,
  userFilterOf,
} from './list-users-filter.ts';
import { buildSchema } from './pool-schema.ts';

const poolWith = (settings: Record<string, unknown>): PoolRecord => ({
  id: 'us-east-1_filter001',
  name: 'p',
  arn: 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_filter001',
  createdAt: 0,
  updatedAt: 0,
  version: 1,
  settings,
  tags: {},
});
const pool = poolWith({
  SchemaAttributes: buildSchema([{ Name: 'tier', AttributeDataType: 'String', Mutable: true }]),
});
const ciPool = poolWith({ UsernameConfiguration: { CaseSensitive: false } });

function errorOf(f: () => unknown): [string, string] {
  try {
    f();
  } catch (e) {
    return [(e as { code?: string }).code ?? String(e), (e as Error).message];
  }
  assert.fail('expected an error');
}

test('the grammar: name, = or ^=, a quoted value; spaces optional; escapes inside the quotes', () => {
  assert.deepEqual(parseFilter('email = "a@example.com"'), { name: 'email', op: '=', value: 'a@example.com' });
  assert.deepEqual(parseFilter('email^="a"'), { name: 'email', op: '^=', value: 'a' });
  assert.deepEqual(parseFilter('  family_name   ^=   "Red dy"  '), { name: 'family_name', op: '^=', value: 'Red dy' });
  assert.deepEqual(parseFilter('name = "say \\"hi\\""'), { name: 'name', op: '=', value: 'say "hi"' });
  assert.deepEqual(parseFilter('name = "back\\\\slash"'), { name: 'name', op: '=', value: 'back\\slash' });
  assert.deepEqual(parseFilter('cognito:user_status = "CONFIRMED"'), { name: 'cognito:user_status', op: '=', value: 'CONFIRMED' });
  assert.deepEqual(parseFilter('"email" ^= "x"'), { name: 'email', op: '^=', value: 'x' });
  assert.deepEqual(parseFilter('email = ""'), { name: 'email', op: '=', value: '' });
  // An empty filter lists everyone.
  assert.equal(parseFilter(''), null);
  assert.equal(parseFilter('   '), null);
});

test('anything else is "Error while parsing filter."', () => {
  for (const bad of [
    'username = foo', // unquoted value (moto's test of the real service's behaviour)
    'username=',
    'email',
    'email "x"',
    'email == "x"',
    'email != "x"',
    'email = "x',
    'email = "x\\"',
    'email = "x" and name = "y"',
    'email = "x" trailing',
    '= "x"',
    'em ail = "x"',
    'email ~= "x"',
  ]) {
    assert.deepEqual(errorOf(() => parseFilter(bad)), ['InvalidParameterException', FILTER_PARSE_ERROR], bad);
  }
});

test('each searchable name maps to its store condition', () => {
  const f = (s: string, p = pool) => toUserFilter(p, parseFilter(s)!);
  // username: case-sensitive, except in a case-insensitive pool where the lookup key is lower-cased.
  assert.deepEqual(f('username = "Alice"'), { field: 'username', op: '=', value: 'Alice' });
  assert.deepEqual(f('username ^= "Al"', ciPool), { field: 'username', op: '^=', value: 'al' });
  assert.deepEqual(f('sub = "ABCDEF01-0000-4000-8000-000000000000"'), {
    field: 'sub',
    op: '=',
    value: 'abcdef01-0000-4000-8000-000000000000',
  });
  // cognito:user_status is case-insensitive; status (Enabled/Disabled) is not.
  assert.deepEqual(f('cognito:user_status = "confirmed"'), { field: 'status', op: '=', value: 'CONFIRMED' });
  assert.deepEqual(f('status = "Enabled"'), { field: 'enabled', op: '=', value: 'Enabled' });
  for (const name of ['email', 'phone_number', 'name', 'given_name', 'family_name', 'preferred_username']) {
    assert.deepEqual(f(`${name} ^= "X"`), { field: 'attribute', name, op: '^=', value: 'X', caseInsensitive: true });
  }
  // Cognate's extension: the pool's custom attributes.
  assert.deepEqual(f('custom:tier = "gold"'), { field: 'attribute', name: 'custom:tier', op: '=', value: 'gold', caseInsensitive: true });
});

test('attributes Cognito does not search are InvalidParameterException', () => {
  for (const name of ['custom:nope', 'email_verified', 'middle_name', 'Email', 'locale', 'dev:custom:tier']) {
    const [code, message] = errorOf(() => userFilterOf(pool, `${name} = "x"`));
    assert.equal(code, 'InvalidParameterException');
    assert.equal(message, `Invalid search attribute: ${name}`);
  }
  assert.equal(userFilterOf(pool, undefined), undefined);
  assert.equal(userFilterOf(pool, ''), undefined);
});

test('AttributesToGet: names of the pool schema; unknown ones refused; an empty list shows none', () => {
  assert.equal(attributesToGet(pool, undefined), null);
  assert.deepEqual([...attributesToGet(pool, ['email', 'custom:tier', 'sub'])!], ['email', 'custom:tier', 'sub']);
  assert.deepEqual(errorOf(() => attributesToGet(pool, ['email', 'custom:nope'])), ['InvalidParameterException', ATTRIBUTES_DO_NOT_EXIST]);
  const user: UserRecord = {
    poolId: pool.id,
    username: 'u',
    usernameKey: 'u',
    sub: 's-1',
    status: 'CONFIRMED',
    enabled: false,
    attributes: { email: 'u@example.com', email_verified: 'true', 'custom:tier': 'gold' },
    credentialsSealed: null,
    mfa: { MFAOptions: [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }] },
    passwordSetAt: null,
    createdAt: 1_700_000_000_123,
    updatedAt: 1_700_000_100_000,
    version: 1,
  };
  assert.deepEqual(listedUser(user), {
    Username: 'u',
    Attributes: [
      { Name: 'sub', Value: 's-1' },
      { Name: 'custom:tier', Value: 'gold' },
      { Name: 'email', Value: 'u@example.com' },
      { Name: 'email_verified', Value: 'true' },
    ],
    UserCreateDate: 1_700_000_000.123,
    UserLastModifiedDate: 1_700_000_100,
    Enabled: false,
    UserStatus: 'CONFIRMED',
    MFAOptions: [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }],
  });
  assert.deepEqual(listedUser(user, attributesToGet(pool, ['email'])).Attributes, [{ Name: 'email', Value: 'u@example.com' }]);
  assert.deepEqual(listedUser(user, attributesToGet(pool, [])).Attributes, []);
});

test('Limit: 60 when absent or 0, never more', () => {
  assert.equal(listUsersLimit(undefined), 60);
  assert.equal(listUsersLimit(0), 60);
  assert.equal(listUsersLimit(7), 7);
  assert.equal(listUsersLimit(60), 60);
  assert.equal(listUsersLimit(500), 60);
});
