import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import { createTestPool, createTestUser, type TestUserOptions } from '../../../test/support/users.ts';
import { FILTER_PARSE_ERROR } from '../domain/list-users-filter.ts';
import type { ListUsersRequest } from '../shapes.ts';
import op from './list-users.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const clock = new FixedClock();
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;
let ciPool: PoolRecord;
const users: UserRecord[] = [];

async function add(p: PoolRecord, username: string, o: TestUserOptions = {}): Promise<UserRecord> {
  clock.advance(1000);
  return createTestUser(deps, p, username, null, o);
}

before(async () => {
  deps = await makeTestDeps({ clock });
  pool = await createTestPool(deps, { PoolName: 'list', Schema: [{ Name: 'tier', AttributeDataType: 'String', Mutable: true }] });
  ciPool = await createTestPool(deps, { PoolName: 'ci', UsernameConfiguration: { CaseSensitive: false } });
  users.push(
    await add(pool, 'alice', {
      sub: '0a000000-0000-4000-8000-000000000001',
      attributes: { email: 'Alice@Example.com', email_verified: 'true', name: 'Alice Liddell', given_name: 'Alice', family_name: 'Liddell', 'custom:tier': 'gold' },
    }),
    await add(pool, 'bob', {
      sub: '0b000000-0000-4000-8000-000000000002',
      status: 'UNCONFIRMED',
      attributes: { email: 'bob@example.org', phone_number: '+15550001111', preferred_username: 'bobby', 'custom:tier': 'silver' },
    }),
    await add(pool, 'Carol', {
      sub: '0c000000-0000-4000-8000-000000000003',
      enabled: false,
      status: 'FORCE_CHANGE_PASSWORD',
      attributes: { email: 'carol@example.com', phone_number: '+15550002222', name: 'Carol', given_name: 'Carol', family_name: 'Lewis' },
    }),
  );
  await add(ciPool, 'Dave', { attributes: { email: 'dave@example.com' } });
});

const list = (over: Partial<ListUsersRequest> = {}) => op.handle({ UserPoolId: pool.id, ...over }, deps, ctx);
const names = async (Filter: string, p = pool) => (await list({ UserPoolId: p.id, Filter })).Users!.map((u) => u.Username);

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.ListUsers!.errors.includes(code), `${code} is not declared for ListUsers`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('every user in creation order, as UserType', async () => {
  const out = await list();
  assert.deepEqual(checkOutput(model, 'ListUsers', out), []);
  assert.deepEqual(
    out.Users!.map((u) => u.Username),
    ['alice', 'bob', 'Carol'],
  );
  assert.equal(out.PaginationToken, undefined);
  const carol = users[2]!;
  assert.deepEqual(out.Users![2], {
    Username: 'Carol',
    Attributes: [
      { Name: 'sub', Value: carol.sub },
      { Name: 'email', Value: 'carol@example.com' },
      { Name: 'family_name', Value: 'Lewis' },
      { Name: 'given_name', Value: 'Carol' },
      { Name: 'name', Value: 'Carol' },
      { Name: 'phone_number', Value: '+15550002222' },
    ],
    UserCreateDate: carol.createdAt / 1000,
    UserLastModifiedDate: carol.updatedAt / 1000,
    Enabled: false,
    UserStatus: 'FORCE_CHANGE_PASSWORD',
  });
});

test('username: exact and prefix, case-sensitive; lower-cased in a case-insensitive pool', async () => {
  assert.deepEqual(await names('username = "alice"'), ['alice']);
  assert.deepEqual(await names('username = "Alice"'), []);
  assert.deepEqual(await names('username ^= "C"'), ['Carol']);
  assert.deepEqual(await names('username ^= "c"'), []);
  assert.deepEqual(await names('username = "DAVE"', ciPool), ['Dave']);
  assert.deepEqual(await names('username ^= "da"', ciPool), ['Dave']);
});

test('email, phone_number, name, given_name, family_name, preferred_username: exact and prefix, any case', async () => {
  assert.deepEqual(await names('email = "alice@example.com"'), ['alice']);
  assert.deepEqual(await names('email ^= "ALICE@"'), ['alice']);
  assert.deepEqual(await names('email ^= "carol@example.c"'), ['Carol']);
  assert.deepEqual(await names('email ^= ""'), ['alice', 'bob', 'Carol']);
  assert.deepEqual(await names('phone_number = "+15550001111"'), ['bob']);
  assert.deepEqual(await names('phone_number ^= "+1555000"'), ['bob', 'Carol']);
  assert.deepEqual(await names('name = "alice liddell"'), ['alice']);
  assert.deepEqual(await names('name ^= "Car"'), ['Carol']);
  assert.deepEqual(await names('given_name = "Carol"'), ['Carol']);
  assert.deepEqual(await names('given_name ^= "a"'), ['alice']);
  assert.deepEqual(await names('family_name = "LEWIS"'), ['Carol']);
  assert.deepEqual(await names('family_name ^= "L"'), ['alice', 'Carol']);
  assert.deepEqual(await names('preferred_username = "bobby"'), ['bob']);
  assert.deepEqual(await names('preferred_username ^= "bo"'), ['bob']);
  assert.deepEqual(await names('email = "nobody@example.com"'), []);
});

test('sub, cognito:user_status (any case) and status (Enabled/Disabled)', async () => {
  assert.deepEqual(await names(`sub = "${users[1]!.sub}"`), ['bob']);
  assert.deepEqual(await names(`sub = "${users[1]!.sub.toUpperCase()}"`), ['bob']);
  assert.deepEqual(await names('sub ^= "0c"'), ['Carol']);
  assert.deepEqual(await names('cognito:user_status = "CONFIRMED"'), ['alice']);
  assert.deepEqual(await names('cognito:user_status = "unconfirmed"'), ['bob']);
  assert.deepEqual(await names('cognito:user_status ^= "FORCE"'), ['Carol']);
  assert.deepEqual(await names('status = "Enabled"'), ['alice', 'bob']);
  assert.deepEqual(await names('status = "Disabled"'), ['Carol']);
});

test('custom attributes too (an extension beyond Cognito)', async () => {
  assert.deepEqual(await names('custom:tier = "gold"'), ['alice']);
  assert.deepEqual(await names('custom:tier ^= "S"'), ['bob']);
});

test('pages through a filter, stable while users are added between pages', async () => {
  const p = await createTestPool(deps, { PoolName: 'paging' });
  for (let i = 0; i < 5; i++) await add(p, `u${i}`, { attributes: { email: `u${i}@paging.example` } });
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const out = await list({ UserPoolId: p.id, Filter: 'email ^= "u"', Limit: 2, PaginationToken: token });
    assert.deepEqual(checkOutput(model, 'ListUsers', out), []);
    seen.push(...out.Users!.map((u) => u.Username!));
    token = out.PaginationToken;
    // Users created while paging: after every cursor, so each shows up exactly once, at the end.
    if (pages === 0) await add(p, 'late1', { attributes: { email: 'u-late1@paging.example' } });
    if (pages === 1) await add(p, 'late2', { attributes: { email: 'u-late2@paging.example' } });
    pages++;
  } while (token);
  assert.deepEqual(seen, ['u0', 'u1', 'u2', 'u3', 'u4', 'late1', 'late2']);
  assert.equal(pages, 4);
});

test('AttributesToGet: only those attributes; Limit caps the page', async () => {
  const out = await list({ AttributesToGet: ['email', 'custom:tier'], Limit: 2 });
  assert.deepEqual(
    out.Users!.map((u) => u.Attributes),
    [
      [
        { Name: 'custom:tier', Value: 'gold' },
        { Name: 'email', Value: 'Alice@Example.com' },
      ],
      [
        { Name: 'custom:tier', Value: 'silver' },
        { Name: 'email', Value: 'bob@example.org' },
      ],
    ],
  );
  assert.ok(out.PaginationToken);
  assert.deepEqual((await list({ AttributesToGet: [] })).Users!.map((u) => u.Attributes), [[], [], []]);
  assert.deepEqual(await errorOf(list({ AttributesToGet: ['email', 'custom:missing'] })), [
    'InvalidParameterException',
    'One or more requested attributes do not exist.',
  ]);
});

test('errors: unparsable filter, unsearchable attribute, foreign token, unknown pool', async () => {
  assert.deepEqual(await errorOf(list({ Filter: 'email = unquoted' })), ['InvalidParameterException', FILTER_PARSE_ERROR]);
  assert.deepEqual(await errorOf(list({ Filter: 'middle_name = "x"' })), ['InvalidParameterException', 'Invalid search attribute: middle_name']);
  assert.equal((await errorOf(list({ PaginationToken: 'garbage' })))[0], 'InvalidParameterException');
  assert.deepEqual(await errorOf(list({ UserPoolId: 'us-east-1_zzzzzzzzz' })), [
    'ResourceNotFoundException',
    'User pool us-east-1_zzzzzzzzz does not exist.',
  ]);
});
