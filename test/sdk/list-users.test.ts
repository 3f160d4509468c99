// ListUsers through the real AWS SDK: every filter attribute and operator, AttributesToGet, Limit and pagination
// (stable while users are added between pages, and with the SDK's own paginator), the errors — and that each
// filter is answered from an index (SQLite's query plan), never by a scan of the pool.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateUserPoolCommand, ListUsersCommand, paginateListUsers, type ListUsersCommandInput } from '@aws-sdk/client-cognito-identity-provider';
import { awsErrorOf, startTestServer, type TestServer } from '../support/server.ts';
import { createTestUser, type TestUserOptions } from '../support/users.ts';
import { FixedClock } from '../../src/runtime/clock.ts';
import type { PoolRecord, UserRecord } from '../../src/storage/records.ts';
import type { SqliteStore } from '../../src/storage/sqlite/index.ts';
import { userFilterOf } from '../../src/user-pools/domain/list-users-filter.ts';

let s: TestServer;
// Near the real time: SigV4 allows 15 minutes of skew.
const clock = new FixedClock(Date.now());
let pool: PoolRecord;
let ciPool: PoolRecord;
const users: Record<string, UserRecord> = {};

async function newPool(over: Record<string, unknown> = {}): Promise<PoolRecord> {
  const id = (await s.idp.send(new CreateUserPoolCommand({ PoolName: 'list-users', ...over }))).UserPool!.Id!;
  return (await s.deps.store.pools.get(id))!;
}

async function add(p: PoolRecord, username: string, o: TestUserOptions = {}): Promise<UserRecord> {
  clock.advance(1000);
  const u = await createTestUser(s.deps, p, username, null, o);
  users[username] = u;
  return u;
}

before(async () => {
  s = await startTestServer({ clock });
  pool = await newPool({ Schema: [{ Name: 'tier', AttributeDataType: 'String', Mutable: true }] });
  ciPool = await newPool({ PoolName: 'ci', UsernameConfiguration: { CaseSensitive: false } });
  await add(pool, 'alice', {
    sub: 'a1000000-0000-4000-8000-000000000001',
    attributes: {
      email: 'Alice@Example.com',
      email_verified: 'true',
      name: 'Alice Liddell',
      given_name: 'Alice',
      family_name: 'Liddell',
      preferred_username: 'ali',
      'custom:tier': 'gold',
    },
  });
  await add(pool, 'bob', {
    sub: 'b2000000-0000-4000-8000-000000000002',
    status: 'UNCONFIRMED',
    attributes: { email: 'bob@example.org', phone_number: '+15550001111', preferred_username: 'bobby', 'custom:tier': 'silver' },
  });
  await add(pool, 'Carol', {
    sub: 'c3000000-0000-4000-8000-000000000003',
    enabled: false,
    status: 'FORCE_CHANGE_PASSWORD',
    attributes: { email: 'carol@example.com', phone_number: '+15550002222', name: 'Carol', given_name: 'Carol', family_name: 'Lewis' },
  });
  await add(ciPool, 'Dave', { attributes: { email: 'dave@example.com' } });
});
after(() => s.close());

const listUsers = (input: Partial<ListUsersCommandInput> = {}) => s.idp.send(new ListUsersCommand({ UserPoolId: pool.id, ...input }));
const found = async (Filter: string, p = pool) => (await listUsers({ UserPoolId: p.id, Filter })).Users!.map((u) => u.Username);

test('every user, in creation order, with the UserType members the SDK reads', async () => {
  const out = await listUsers();
  assert.deepEqual(
    out.Users!.map((u) => u.Username),
    ['alice', 'bob', 'Carol'],
  );
  assert.equal(out.PaginationToken, undefined);
  const carol = users.Carol!;
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
    UserCreateDate: new Date(carol.createdAt),
    UserLastModifiedDate: new Date(carol.updatedAt),
    Enabled: false,
    UserStatus: 'FORCE_CHANGE_PASSWORD',
  });
});

test('username: = and ^=, case-sensitive (any case in a case-insensitive pool)', async () => {
  assert.deepEqual(await found('username = "alice"'), ['alice']);
  assert.deepEqual(await found('username = "ALICE"'), []);
  assert.deepEqual(await found('username ^= "Ca"'), ['Carol']);
  assert.deepEqual(await found('username^="ca"'), []);
  assert.deepEqual(await found('username = "dave"', ciPool), ['Dave']);
  assert.deepEqual(await found('username ^= "DA"', ciPool), ['Dave']);
});

test('email, phone_number, name, given_name, family_name, preferred_username: = and ^=, any case', async () => {
  const cases: [string, string[]][] = [
    ['email = "alice@example.com"', ['alice']],
    ['email ^= "ALICE@EX"', ['alice']],
    ['email ^= "bob@"', ['bob']],
    ['email = "carol@example"', []],
    ['phone_number = "+15550002222"', ['Carol']],
    ['phone_number ^= "+1555"', ['bob', 'Carol']],
    ['name = "ALICE LIDDELL"', ['alice']],
    ['name ^= "c"', ['Carol']],
    ['given_name = "alice"', ['alice']],
    ['given_name ^= "Car"', ['Carol']],
    ['family_name = "lewis"', ['Carol']],
    ['family_name ^= "L"', ['alice', 'Carol']],
    ['preferred_username = "BOBBY"', ['bob']],
    ['preferred_username ^= "al"', ['alice']],
  ];
  for (const [filter, expected] of cases) assert.deepEqual(await found(filter), expected, filter);
});

test('sub, cognito:user_status (case-insensitive) and status ("Enabled"/"Disabled", case-sensitive)', async () => {
  assert.deepEqual(await found(`sub = "${users.bob!.sub}"`), ['bob']);
  assert.deepEqual(await found('sub ^= "c3"'), ['Carol']);
  assert.deepEqual(await found('cognito:user_status = "CONFIRMED"'), ['alice']);
  assert.deepEqual(await found('cognito:user_status = "Unconfirmed"'), ['bob']);
  assert.deepEqual(await found('cognito:user_status ^= "force_"'), ['Carol']);
  assert.deepEqual(await found('status = "Enabled"'), ['alice', 'bob']);
  assert.deepEqual(await found('status = "Disabled"'), ['Carol']);
  assert.deepEqual(await found('status = "disabled"'), []);
  assert.deepEqual(await found('status ^= "Dis"'), ['Carol']);
});

test('custom attributes are searchable too (beyond Cognito); quoted names, escaped quotes and an empty filter parse', async () => {
  assert.deepEqual(await found('custom:tier = "GOLD"'), ['alice']);
  assert.deepEqual(await found('custom:tier ^= "s"'), ['bob']);
  assert.deepEqual(await found('"email" = "bob@example.org"'), ['bob']);
  assert.deepEqual(await found('name = "say \\"hi\\""'), []);
  assert.deepEqual(await found(''), ['alice', 'bob', 'Carol']);
});

test('AttributesToGet: only those attributes; [] shows none; an unknown name is refused', async () => {
  const out = await listUsers({ AttributesToGet: ['email', 'custom:tier'] });
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
      [{ Name: 'email', Value: 'carol@example.com' }],
    ],
  );
  assert.deepEqual((await listUsers({ AttributesToGet: [], Filter: 'username = "bob"' })).Users![0]!.Attributes, []);
  assert.deepEqual(await awsErrorOf(() => listUsers({ AttributesToGet: ['email', 'custom:nope'] })), {
    name: 'InvalidParameterException',
    message: 'One or more requested attributes do not exist.',
    status: 400,
  });
});

test('Limit and PaginationToken: pages stay stable while users are added between them', async () => {
  const p = await newPool({ PoolName: 'paging' });
  for (let i = 0; i < 7; i++) await add(p, `user${i}`, { attributes: { email: `user${i}@paging.example` } });
  const seen: string[] = [];
  let PaginationToken: string | undefined;
  let pages = 0;
  do {
    const out = await listUsers({ UserPoolId: p.id, Filter: 'email ^= "user"', Limit: 3, PaginationToken });
    assert.ok(out.Users!.length <= 3);
    seen.push(...out.Users!.map((u) => u.Username!));
    PaginationToken = out.PaginationToken;
    // Added mid-listing: each comes after every cursor handed out, so it shows up once, at the end.
    if (pages < 2) await add(p, `late${pages}`, { attributes: { email: `user-late${pages}@paging.example` } });
    // Matches no filter: never listed.
    await add(p, `other${pages}`, { attributes: { email: `other${pages}@paging.example` } });
    pages++;
  } while (PaginationToken);
  assert.deepEqual(seen, ['user0', 'user1', 'user2', 'user3', 'user4', 'user5', 'user6', 'late0', 'late1']);
  assert.equal(pages, 3);

  // The SDK's paginator, unfiltered, with its own page size.
  const all: string[] = [];
  for await (const page of paginateListUsers({ client: s.idp, pageSize: 4 }, { UserPoolId: p.id })) all.push(...page.Users!.map((u) => u.Username!));
  assert.equal(all.length, 7 + 2 + pages);
  assert.deepEqual(all.slice(0, 3), ['user0', 'user1', 'user2']);
});

test('errors: the filter Cognito cannot parse, an attribute it does not search, a foreign token, an unknown pool', async () => {
  for (const Filter of ['email = unquoted', 'email', 'username=', 'email = "a" and name = "b"', 'email != "x"']) {
    assert.deepEqual(await awsErrorOf(() => listUsers({ Filter })), {
      name: 'InvalidParameterException',
      message: 'Error while parsing filter.',
      status: 400,
    }, Filter);
  }
  for (const name of ['email_verified', 'middle_name', 'custom:nope']) {
    assert.deepEqual(await awsErrorOf(() => listUsers({ Filter: `${name} = "x"` })), {
      name: 'InvalidParameterException',
      message: `Invalid search attribute: ${name}`,
      status: 400,
    });
  }
  assert.equal((await awsErrorOf(() => listUsers({ PaginationToken: 'not-a-token' }))).name, 'InvalidParameterException');
  // Model constraints at the edge: Limit ≤ 60, Filter ≤ 256 characters.
  assert.equal((await awsErrorOf(() => listUsers({ Limit: 61 }))).name, 'InvalidParameterException');
  assert.equal((await awsErrorOf(() => listUsers({ Filter: `email = "${'x'.repeat(260)}"` }))).name, 'InvalidParameterException');
  assert.deepEqual(await awsErrorOf(() => listUsers({ UserPoolId: 'us-east-1_zzzzzzzzz' })), {
    name: 'ResourceNotFoundException',
    message: 'User pool us-east-1_zzzzzzzzz does not exist.',
    status: 400,
  });
});

test('every filter form reads an index: no scan of users or attribute rows in the query plan', async () => {
  const store = s.deps.store as SqliteStore;
  const filters = [
    '',
    'username = "alice"',
    'username ^= "al"',
    'email = "alice@example.com"',
    'email ^= "user9999"',
    'phone_number ^= "+1555"',
    'name = "x"',
    'given_name ^= "x"',
    'family_name = "x"',
    'preferred_username ^= "x"',
    'sub = "a1000000-0000-4000-8000-000000000001"',
    'sub ^= "a1"',
    'cognito:user_status = "CONFIRMED"',
    'cognito:user_status ^= "FORCE"',
    'status = "Enabled"',
    'status = "Disabled"',
    'custom:tier ^= "g"',
  ];
  for (const f of filters) {
    const filter = userFilterOf(pool, f);
    for (const cursor of [undefined, (await listUsers({ Filter: f || undefined, Limit: 1 })).PaginationToken]) {
      const plan = await store.explainListUsers(pool.id, { filter, limit: 60, cursor });
      const touching = plan.split('\n').filter((l) => /\b(users|user_attributes)\b/.test(l));
      assert.ok(touching.length > 0, `${f}: ${plan}`);
      for (const line of touching) assert.match(line, /^SEARCH \w+ USING (COVERING )?INDEX /, `${f || '(no filter)'}: ${line}`);
    }
  }
});
