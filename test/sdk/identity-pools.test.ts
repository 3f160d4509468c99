// Identity pools through the real AWS SDK (@aws-sdk/client-cognito-identity), signed as the admin: CreateIdentityPool
// with every member, DescribeIdentityPool, UpdateIdentityPool, ListIdentityPools (by hand and with the SDK's
// paginator), TagResource / UntagResource / ListTagsForResource, DeleteIdentityPool, and their errors. On SQLite, and
// on PostgreSQL (in a schema of its own) when COGNATE_TEST_DATABASE_URL is set.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  DeleteIdentityPoolCommand,
  DescribeIdentityPoolCommand,
  ListIdentityPoolsCommand,
  ListTagsForResourceCommand,
  paginateListIdentityPools,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateIdentityPoolCommand,
  type CreateIdentityPoolCommandInput,
} from '@aws-sdk/client-cognito-identity';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { FixedClock } from '../../src/runtime/clock.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';

let s: TestServer;
let identity: CognitoIdentityClient;
// Near the real time (SigV4 allows 15 minutes of skew), moved by hand so that creation order is certain.
const clock = new FixedClock(Date.now());
const NO_POOL = 'us-east-1:00000000-0000-4000-8000-000000000000';


before(async () => {
  s = await startServerOnStoreUnderTest(clock, 'cognate_idp');
  identity = new CognitoIdentityClient({ region: s.deps.config.region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
});
after(async () => {
  identity.destroy();
  await s.close();
});

testOnPostgres(() => s);

const arnOf = (id: string) => `arn:aws:cognito-identity:${s.deps.config.region}:${s.deps.config.accountId}:identitypool/${id}`;

const full: CreateIdentityPoolCommandInput = {
  IdentityPoolName: 'full pool',
  AllowUnauthenticatedIdentities: true,
  AllowClassicFlow: true,
  SupportedLoginProviders: { 'graph.facebook.com': '7346241598935552', 'accounts.google.com': '123.apps.googleusercontent.com' },
  DeveloperProviderName: 'login.example.app',
  OpenIdConnectProviderARNs: ['arn:aws:iam::123456789012:oidc-provider/server.example.com'],
  CognitoIdentityProviders: [
    { ProviderName: 'cognito-idp.us-east-1.amazonaws.com/us-east-1_abcdefghi', ClientId: '1example23456789', ServerSideTokenCheck: true },
    { ProviderName: 'cognito-idp.us-east-1.amazonaws.com/us-east-1_jklmnopqr', ClientId: 'other_client' },
  ],
  SamlProviderARNs: ['arn:aws:iam::123456789012:saml-provider/corp'],
  IdentityPoolTags: { team: 'identity', stage: 'test' },
};

test('CreateIdentityPool with every member; DescribeIdentityPool answers the same', async () => {
  const created = await identity.send(new CreateIdentityPoolCommand(full));
  const id = created.IdentityPoolId!;
  assert.match(id, new RegExp(`^${s.deps.config.region}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`));
  const expected = {
    IdentityPoolId: id,
    ...full,
    CognitoIdentityProviders: [full.CognitoIdentityProviders![0], { ...full.CognitoIdentityProviders![1], ServerSideTokenCheck: false }],
  };
  const { $metadata: _m1, ...createdBody } = created;
  assert.deepEqual(createdBody, expected);
  const { $metadata: _m2, ...described } = await identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: id }));
  assert.deepEqual(described, expected);

  const bare = await identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'bare', AllowUnauthenticatedIdentities: false }));
  const { $metadata: _m3, ...bareBody } = bare;
  assert.deepEqual(bareBody, {
    IdentityPoolId: bare.IdentityPoolId,
    IdentityPoolName: 'bare',
    AllowUnauthenticatedIdentities: false,
    AllowClassicFlow: false,
    IdentityPoolTags: {},
  });
  assert.notEqual(bare.IdentityPoolId, id);
});

test('UpdateIdentityPool replaces the members; DeveloperProviderName is kept when absent and cannot change', async () => {
  const id = (await identity.send(new CreateIdentityPoolCommand(full))).IdentityPoolId!;
  const updated = await identity.send(
    new UpdateIdentityPoolCommand({
      IdentityPoolId: id,
      IdentityPoolName: 'renamed',
      AllowUnauthenticatedIdentities: false,
      SupportedLoginProviders: { 'www.amazon.com': 'amzn1.application.x' },
    }),
  );
  const { $metadata: _m, ...body } = updated;
  const expected = {
    IdentityPoolId: id,
    IdentityPoolName: 'renamed',
    AllowUnauthenticatedIdentities: false,
    AllowClassicFlow: false,
    SupportedLoginProviders: { 'www.amazon.com': 'amzn1.application.x' },
    DeveloperProviderName: 'login.example.app',
    IdentityPoolTags: full.IdentityPoolTags,
  };
  assert.deepEqual(body, expected);
  const { $metadata: _m2, ...described } = await identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: id }));
  assert.deepEqual(described, expected);

  const same = await identity.send(
    new UpdateIdentityPoolCommand({ IdentityPoolId: id, IdentityPoolName: 'renamed', AllowUnauthenticatedIdentities: true, DeveloperProviderName: 'login.example.app' }),
  );
  assert.equal(same.DeveloperProviderName, 'login.example.app');
  const e = await awsErrorOf(() =>
    identity.send(
      new UpdateIdentityPoolCommand({ IdentityPoolId: id, IdentityPoolName: 'other', AllowUnauthenticatedIdentities: false, DeveloperProviderName: 'login.other' }),
    ),
  );
  assert.equal(e.name, 'InvalidParameterException');
  assert.match(e.message, /DeveloperProviderName/);
  const after = await identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: id }));
  assert.equal(after.IdentityPoolName, 'renamed', 'the refused update wrote nothing');
  assert.equal(after.AllowUnauthenticatedIdentities, true);

  // A pool created without one may be given one later.
  const bare = (await identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'later', AllowUnauthenticatedIdentities: false }))).IdentityPoolId!;
  const given = await identity.send(
    new UpdateIdentityPoolCommand({ IdentityPoolId: bare, IdentityPoolName: 'later', AllowUnauthenticatedIdentities: false, DeveloperProviderName: 'login.later' }),
  );
  assert.equal(given.DeveloperProviderName, 'login.later');
});

test('ListIdentityPools pages in creation order, by hand and with the paginator', async () => {
  const listed = async (MaxResults: number) => {
    const ids: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await identity.send(new ListIdentityPoolsCommand({ MaxResults, NextToken }));
      assert.ok(page.IdentityPools!.length <= MaxResults);
      ids.push(...page.IdentityPools!.map((p) => `${p.IdentityPoolId}|${p.IdentityPoolName}`));
      NextToken = page.NextToken;
    } while (NextToken);
    return ids;
  };
  const mine: string[] = [];
  for (let i = 0; i < 5; i++) {
    clock.advance(1);
    const p = await identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: `page_${i}`, AllowUnauthenticatedIdentities: false }));
    mine.push(`${p.IdentityPoolId}|page_${i}`);
  }
  const all = await listed(60);
  assert.deepEqual(all.slice(-5), mine);
  assert.deepEqual(await listed(2), all);
  const viaPaginator: string[] = [];
  for await (const page of paginateListIdentityPools({ client: identity, pageSize: 3 }, { MaxResults: 3 }))
    viaPaginator.push(...page.IdentityPools!.map((p) => `${p.IdentityPoolId}|${p.IdentityPoolName}`));
  assert.deepEqual(viaPaginator, all);

  const tooMany = await awsErrorOf(() => identity.send(new ListIdentityPoolsCommand({ MaxResults: 61 })));
  assert.equal(tooMany.name, 'InvalidParameterException');
  assert.match(tooMany.message, /at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60/);
  const badToken = await awsErrorOf(() => identity.send(new ListIdentityPoolsCommand({ MaxResults: 2, NextToken: 'bogus' })));
  assert.equal(badToken.name, 'InvalidParameterException');
});

test('TagResource, UntagResource, ListTagsForResource by the pool ARN', async () => {
  const id = (await identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'tags', AllowUnauthenticatedIdentities: false, IdentityPoolTags: { a: '1' } })))
    .IdentityPoolId!;
  const ResourceArn = arnOf(id);
  await identity.send(new TagResourceCommand({ ResourceArn, Tags: { b: '2', a: 'one' } }));
  assert.deepEqual((await identity.send(new ListTagsForResourceCommand({ ResourceArn }))).Tags, { a: 'one', b: '2' });
  await identity.send(new UntagResourceCommand({ ResourceArn, TagKeys: ['a', 'missing'] }));
  assert.deepEqual((await identity.send(new ListTagsForResourceCommand({ ResourceArn }))).Tags, { b: '2' });
  assert.deepEqual((await identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: id }))).IdentityPoolTags, { b: '2' });

  const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
  const e = await awsErrorOf(() => identity.send(new TagResourceCommand({ ResourceArn, Tags: fifty })));
  assert.equal(e.name, 'InvalidParameterException');
  assert.deepEqual((await identity.send(new ListTagsForResourceCommand({ ResourceArn }))).Tags, { b: '2' }, 'nothing half-written');

  for (const arn of [arnOf(NO_POOL), `arn:aws:cognito-idp:${s.deps.config.region}:${s.deps.config.accountId}:userpool/us-east-1_abc`, arnOf(id).replace(/:\d+:/, ':999999999999:')]) {
    const missing = await awsErrorOf(() => identity.send(new ListTagsForResourceCommand({ ResourceArn: arn })));
    assert.equal(missing.name, 'ResourceNotFoundException', arn);
  }
});

test('DeleteIdentityPool; an unknown pool is ResourceNotFoundException with Cognito’s message', async () => {
  const id = (await identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'doomed', AllowUnauthenticatedIdentities: false }))).IdentityPoolId!;
  await identity.send(new DeleteIdentityPoolCommand({ IdentityPoolId: id }));
  for (const call of [
    () => identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: id })),
    () => identity.send(new DeleteIdentityPoolCommand({ IdentityPoolId: id })),
    () => identity.send(new UpdateIdentityPoolCommand({ IdentityPoolId: id, IdentityPoolName: 'x', AllowUnauthenticatedIdentities: false })),
  ]) {
    const e = await awsErrorOf(call);
    assert.equal(e.name, 'ResourceNotFoundException');
    assert.equal(e.message, `IdentityPool '${id}' not found.`);
    assert.equal(e.status, 400);
  }
  const listed = await identity.send(new ListIdentityPoolsCommand({ MaxResults: 60 }));
  assert.ok(!listed.IdentityPools!.some((p) => p.IdentityPoolId === id));
});

test('bad input is refused with the validation error, and nothing is stored', async () => {
  const before = (await identity.send(new ListIdentityPoolsCommand({ MaxResults: 60 }))).IdentityPools!.length;
  const badName = await awsErrorOf(() => identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'no/slashes', AllowUnauthenticatedIdentities: false })));
  assert.equal(badName.name, 'InvalidParameterException');
  assert.match(badName.message, /^1 validation error detected: Value 'no\/slashes' at 'identityPoolName' failed to satisfy constraint: Member must satisfy regular expression pattern/);
  const long = await awsErrorOf(() => identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'x'.repeat(129), AllowUnauthenticatedIdentities: false })));
  assert.match(long.message, /at 'identityPoolName' failed to satisfy constraint: Member must have length less than or equal to 128/);
  const badId = await awsErrorOf(() => identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: 'not-an-id' })));
  assert.equal(badId.name, 'InvalidParameterException');
  const badDev = await awsErrorOf(() =>
    identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'dev', AllowUnauthenticatedIdentities: false, DeveloperProviderName: 'bad name!' })),
  );
  assert.match(badDev.message, /at 'developerProviderName' failed to satisfy constraint/);
  assert.equal((await identity.send(new ListIdentityPoolsCommand({ MaxResults: 60 }))).IdentityPools!.length, before);
});

test('identity pool administration needs a signature', async () => {
  const unsigned = new CognitoIdentityClient({ region: s.deps.config.region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  unsigned.middlewareStack.add(
    (next) => async (args: any) => {
      delete args.request.headers['authorization'];
      return next(args);
    },
    { step: 'finalizeRequest', name: 'strip-auth', priority: 'low' },
  );
  const e = await awsErrorOf(() => unsigned.send(new ListIdentityPoolsCommand({ MaxResults: 10 })));
  assert.equal(e.name, 'MissingAuthenticationTokenException');
  const e2 = await awsErrorOf(() => unsigned.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'unsigned', AllowUnauthenticatedIdentities: true })));
  assert.equal(e2.name, 'MissingAuthenticationTokenException');
  unsigned.destroy();
  const wrong = new CognitoIdentityClient({
    region: s.deps.config.region,
    endpoint: s.url,
    credentials: { accessKeyId: s.deps.admin.accessKeyId, secretAccessKey: 'wrong' },
    maxAttempts: 1,
  });
  assert.equal((await awsErrorOf(() => wrong.send(new ListIdentityPoolsCommand({ MaxResults: 10 })))).name, 'InvalidSignatureException');
  wrong.destroy();
  const names = (await identity.send(new ListIdentityPoolsCommand({ MaxResults: 60 }))).IdentityPools!.map((p) => p.IdentityPoolName);
  assert.ok(!names.includes('unsigned'));
});
