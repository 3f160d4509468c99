// User pool management through the real AWS SDK: every pool operation's success and errors, exact wire bodies.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { X509Certificate } from 'node:crypto';
import {
  AddCustomAttributesCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolCommand,
  GetSigningCertificateCommand,
  GetUserPoolMfaConfigCommand,
  ListTagsForResourceCommand,
  ListUserPoolsCommand,
  SetUserPoolMfaConfigCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, awsErrorOf, type TestServer } from '../support/server.ts';
import { MAX_POOLS } from '../../src/user-pools/domain/pools.ts';
import { STANDARD_SCHEMA } from '../../src/user-pools/domain/pool-schema.ts';
import { FixedClock } from '../../src/runtime/clock.ts';

let s: TestServer;
// Near the real time, as SigV4 allows 15 minutes of skew; pinned to a .250 second to see the fraction on the wire.
const clock = new FixedClock(Math.floor(Date.now() / 1000) * 1000 + 250);

before(async () => {
  s = await startTestServer({ clock });
});
after(() => s.close());

/** An SDK client that keeps the raw JSON of every response body it receives. */
function recordingClient(): { client: CognitoIdentityProviderClient; bodies: unknown[] } {
  const client = s.idpWith(s.deps.admin);
  const bodies: unknown[] = [];
  client.middlewareStack.add(
    (next) => async (args: any) => {
      const out: any = await next(args);
      const chunks: Buffer[] = [];
      for await (const c of out.response.body as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
      const raw = Buffer.concat(chunks);
      bodies.push(JSON.parse(raw.toString('utf8')));
      out.response.body = Readable.from([raw]);
      return out;
    },
    { step: 'deserialize', name: 'record-body', priority: 'low' },
  );
  return { client, bodies };
}

const newPool = async (PoolName = 'sdk', more: Record<string, unknown> = {}) =>
  (await s.idp.send(new CreateUserPoolCommand({ PoolName, ...more }))).UserPool!;

test('CreateUserPool with only PoolName answers, on the wire, the pool Cognito describes', async () => {
  const { client, bodies } = recordingClient();
  try {
    const out = await client.send(new CreateUserPoolCommand({ PoolName: 'wire' }));
    const id = out.UserPool!.Id!;
    assert.match(id, /^us-east-1_[0-9A-Za-z]{9}$/);
    const t = clock.now() / 1000;
    assert.deepEqual(bodies[0], {
      UserPool: {
        Id: id,
        Name: 'wire',
        Policies: {
          PasswordPolicy: {
            MinimumLength: 8,
            RequireUppercase: true,
            RequireLowercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
            TemporaryPasswordValidityDays: 7,
          },
          SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD'] },
        },
        DeletionProtection: 'INACTIVE',
        LambdaConfig: {},
        LastModifiedDate: t,
        CreationDate: t,
        SchemaAttributes: STANDARD_SCHEMA,
        VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE' },
        MfaConfiguration: 'OFF',
        EstimatedNumberOfUsers: 0,
        EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' },
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 7 },
        Arn: `arn:aws:cognito-idp:us-east-1:${s.deps.config.accountId}:userpool/${id}`,
        UserPoolTier: 'ESSENTIALS',
      },
    });
    // Epoch seconds with the millisecond fraction, which the SDK reads as Dates.
    assert.equal(t % 1, 0.25);
    assert.equal(out.UserPool!.CreationDate!.getTime(), clock.now());
    const d = await client.send(new DescribeUserPoolCommand({ UserPoolId: id }));
    assert.deepEqual(bodies[1], bodies[0]);
    assert.equal(d.UserPool!.SchemaAttributes!.length, 20);
  } finally {
    client.destroy();
  }
});

test("the pool's JWKS has two RS256 keys with distinct kids", async () => {
  const id = (await newPool('jwks')).Id!;
  const res = await fetch(`${s.url}/${id}/.well-known/jwks.json`);
  assert.equal(res.status, 200);
  const { keys } = (await res.json()) as { keys: { alg: string; kty: string; use: string; kid: string; n: string; e: string }[] };
  assert.equal(keys.length, 2);
  for (const k of keys) {
    assert.equal(k.alg, 'RS256');
    assert.equal(k.kty, 'RSA');
    assert.equal(k.use, 'sig');
    assert.equal(k.e, 'AQAB');
  }
  assert.notEqual(keys[0]!.kid, keys[1]!.kid);
  // The SAML signing key, once made, stays out of the JWKS.
  await s.idp.send(new GetSigningCertificateCommand({ UserPoolId: id }));
  const again = (await (await fetch(`${s.url}/${id}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
  assert.equal(again.keys.length, 2);
});

test('the discovery document names the issuer and its keys, and no OAuth endpoint or response type that is not built', async () => {
  const id = (await newPool('discovery')).Id!;
  const res = await fetch(`${s.url}/${id}/.well-known/openid-configuration`);
  assert.equal(res.status, 200);
  const conf = (await res.json()) as Record<string, unknown>;
  // What an OpenID verifier needs to check Cognate's ID tokens; authorization_endpoint, token_endpoint,
  // response_types_supported and the like come with the hosted OAuth server.
  assert.deepEqual(conf, {
    issuer: `${s.url}/${id}`,
    jwks_uri: `${s.url}/${id}/.well-known/jwks.json`,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  });
  assert.equal((await fetch(conf.jwks_uri as string)).status, 200);
});

test('CreateUserPool errors: PoolName pattern at the edge, schema and attribute rules, MFA', async () => {
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new CreateUserPoolCommand({ PoolName: 'bad/name' }))), {
    name: 'InvalidParameterException',
    message:
      "1 validation error detected: Value 'bad/name' at 'poolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+",
    status: 400,
  });
  assert.deepEqual(
    await awsErrorOf(() => s.idp.send(new CreateUserPoolCommand({ PoolName: 'r', Schema: [{ Name: 'x', AttributeDataType: 'String', Required: true }] }))),
    { name: 'InvalidParameterException', message: 'Required custom attributes are not supported currently.', status: 400 },
  );
  assert.deepEqual(
    await awsErrorOf(() => s.idp.send(new CreateUserPoolCommand({ PoolName: 'r', UsernameAttributes: ['email'], AliasAttributes: ['email'] }))),
    { name: 'InvalidParameterException', message: 'Only one of the aliasAttributes or usernameAttributes can be set in a User pool.', status: 400 },
  );
  assert.equal((await awsErrorOf(() => s.idp.send(new CreateUserPoolCommand({ PoolName: 'r', MfaConfiguration: 'ON' })))).name, 'InvalidParameterException');
});

test('DescribeUserPool of an unknown pool is ResourceNotFoundException', async () => {
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new DescribeUserPoolCommand({ UserPoolId: 'us-east-1_missing1' }))), {
    name: 'ResourceNotFoundException',
    message: 'User pool us-east-1_missing1 does not exist.',
    status: 400,
  });
  const bad = await awsErrorOf(() => s.idp.send(new DescribeUserPoolCommand({ UserPoolId: 'no-underscore' })));
  assert.equal(bad.name, 'InvalidParameterException');
  assert.match(bad.message, /at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern/);
});

test('UpdateUserPool replaces the updatable settings and resets the rest', async () => {
  const p = await newPool('upd', { DeletionProtection: 'ACTIVE', AutoVerifiedAttributes: ['email'], UserPoolTags: { a: '1' } });
  clock.advance(5000);
  await s.idp.send(new UpdateUserPoolCommand({ UserPoolId: p.Id!, Policies: { PasswordPolicy: { MinimumLength: 10 } } }));
  const u = (await s.idp.send(new DescribeUserPoolCommand({ UserPoolId: p.Id! }))).UserPool!;
  assert.equal(u.Policies!.PasswordPolicy!.MinimumLength, 10);
  assert.equal(u.Policies!.PasswordPolicy!.RequireSymbols, false);
  assert.equal(u.DeletionProtection, 'INACTIVE');
  assert.equal(u.AutoVerifiedAttributes, undefined);
  assert.deepEqual(u.UserPoolTags, { a: '1' });
  assert.equal(u.LastModifiedDate!.getTime() - p.LastModifiedDate!.getTime(), 5000);
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new UpdateUserPoolCommand({ UserPoolId: 'us-east-1_missing1' }))), {
    name: 'ResourceNotFoundException',
    message: 'User pool us-east-1_missing1 does not exist.',
    status: 400,
  });
});

test('DeleteUserPool: deletion protection first, then gone', async () => {
  const p = await newPool('del', { DeletionProtection: 'ACTIVE' });
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new DeleteUserPoolCommand({ UserPoolId: p.Id! }))), {
    name: 'InvalidParameterException',
    message: 'The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.',
    status: 400,
  });
  await s.idp.send(new UpdateUserPoolCommand({ UserPoolId: p.Id!, DeletionProtection: 'INACTIVE' }));
  await s.idp.send(new DeleteUserPoolCommand({ UserPoolId: p.Id! }));
  assert.equal((await awsErrorOf(() => s.idp.send(new DescribeUserPoolCommand({ UserPoolId: p.Id! })))).name, 'ResourceNotFoundException');
  assert.equal((await fetch(`${s.url}/${p.Id}/.well-known/jwks.json`)).status, 404);
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new DeleteUserPoolCommand({ UserPoolId: p.Id! }))), {
    name: 'ResourceNotFoundException',
    message: `User pool ${p.Id} does not exist.`,
    status: 400,
  });
});

test('ListUserPools pages through every pool; MaxResults and NextToken are checked', async () => {
  for (let i = 0; i < 2; i++) await newPool(`page${i}`);
  const all = new Set((await s.deps.store.pools.list(1000)).items.map((p) => p.id));
  const seen: string[] = [];
  let NextToken: string | undefined;
  let pages = 0;
  do {
    const r = await s.idp.send(new ListUserPoolsCommand({ MaxResults: 2, NextToken }));
    assert.ok(r.UserPools!.length <= 2);
    for (const p of r.UserPools!) {
      assert.deepEqual(Object.keys(p).sort(), ['CreationDate', 'Id', 'LambdaConfig', 'LastModifiedDate', 'Name']);
      seen.push(p.Id!);
    }
    NextToken = r.NextToken;
    pages++;
  } while (NextToken);
  assert.ok(pages >= 3);
  assert.equal(seen.length, all.size);
  assert.deepEqual(new Set(seen), all);

  assert.deepEqual(await awsErrorOf(() => s.idp.send(new ListUserPoolsCommand({ MaxResults: 61 }))), {
    name: 'InvalidParameterException',
    message: "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60",
    status: 400,
  });
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new ListUserPoolsCommand({ MaxResults: 0 }))), {
    name: 'InvalidParameterException',
    message: "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    status: 400,
  });
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new ListUserPoolsCommand({ MaxResults: 5, NextToken: 'bogus' }))), {
    name: 'InvalidParameterException',
    message: 'Invalid pagination token.',
    status: 400,
  });
});

test('AddCustomAttributes adds custom:<name>; an existing name is refused', async () => {
  const id = (await newPool('custom')).Id!;
  await s.idp.send(new AddCustomAttributesCommand({ UserPoolId: id, CustomAttributes: [{ Name: 'tier', AttributeDataType: 'Number', Mutable: true }] }));
  const schema = (await s.idp.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool!.SchemaAttributes!;
  assert.deepEqual(schema.at(-1), { Name: 'custom:tier', AttributeDataType: 'Number', DeveloperOnlyAttribute: false, Mutable: true, Required: false });
  assert.deepEqual(
    await awsErrorOf(() => s.idp.send(new AddCustomAttributesCommand({ UserPoolId: id, CustomAttributes: [{ Name: 'tier', AttributeDataType: 'String' }] }))),
    { name: 'InvalidParameterException', message: 'custom:tier: Existing attribute already has name custom:tier.', status: 400 },
  );
  assert.equal(
    (await awsErrorOf(() => s.idp.send(new AddCustomAttributesCommand({ UserPoolId: 'us-east-1_missing1', CustomAttributes: [{ Name: 'x', AttributeDataType: 'String' }] })))).name,
    'ResourceNotFoundException',
  );
});

test('Get/SetUserPoolMfaConfig round-trip, keep DescribeUserPool in step, and refuse impossible modes', async () => {
  const id = (await newPool('mfa')).Id!;
  assert.equal((await s.idp.send(new GetUserPoolMfaConfigCommand({ UserPoolId: id }))).MfaConfiguration, 'OFF');
  const set = await s.idp.send(
    new SetUserPoolMfaConfigCommand({ UserPoolId: id, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }),
  );
  assert.equal(set.MfaConfiguration, 'OPTIONAL');
  assert.deepEqual(set.SoftwareTokenMfaConfiguration, { Enabled: true });
  const got = await s.idp.send(new GetUserPoolMfaConfigCommand({ UserPoolId: id }));
  assert.deepEqual(got.SoftwareTokenMfaConfiguration, { Enabled: true });
  assert.equal((await s.idp.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool!.MfaConfiguration, 'OPTIONAL');
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: id, MfaConfiguration: 'ON' }))), {
    name: 'InvalidParameterException',
    message: "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration.",
    status: 400,
  });
  const enumErr = await awsErrorOf(() => s.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: id, MfaConfiguration: 'MAYBE' as 'ON' })));
  assert.equal(enumErr.name, 'InvalidParameterException');
  assert.match(enumErr.message, /Value 'MAYBE' at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set/);
  assert.equal((await awsErrorOf(() => s.idp.send(new GetUserPoolMfaConfigCommand({ UserPoolId: 'us-east-1_missing1' })))).name, 'ResourceNotFoundException');
});

test('TagResource, UntagResource and ListTagsForResource on the pool ARN', async () => {
  const p = await newPool('tags', { UserPoolTags: { a: '1' } });
  await s.idp.send(new TagResourceCommand({ ResourceArn: p.Arn!, Tags: { b: '2', c: '3' } }));
  await s.idp.send(new UntagResourceCommand({ ResourceArn: p.Arn!, TagKeys: ['a'] }));
  assert.deepEqual((await s.idp.send(new ListTagsForResourceCommand({ ResourceArn: p.Arn! }))).Tags, { b: '2', c: '3' });
  assert.deepEqual((await s.idp.send(new DescribeUserPoolCommand({ UserPoolId: p.Id! }))).UserPool!.UserPoolTags, { b: '2', c: '3' });
  const tooMany = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v']));
  assert.equal((await awsErrorOf(() => s.idp.send(new TagResourceCommand({ ResourceArn: p.Arn!, Tags: tooMany })))).name, 'InvalidParameterException');
  const missing = p.Arn!.replace(p.Id!, 'us-east-1_missing1');
  for (const send of [
    () => s.idp.send(new TagResourceCommand({ ResourceArn: missing, Tags: { x: 'y' } })),
    () => s.idp.send(new UntagResourceCommand({ ResourceArn: missing, TagKeys: ['x'] })),
    () => s.idp.send(new ListTagsForResourceCommand({ ResourceArn: missing })),
  ])
    assert.deepEqual(await awsErrorOf(send), { name: 'ResourceNotFoundException', message: `Resource ${missing} does not exist.`, status: 400 });
});

test('GetSigningCertificate answers the same base64 DER X.509 certificate every time', async () => {
  const id = (await newPool('saml')).Id!;
  const a = await s.idp.send(new GetSigningCertificateCommand({ UserPoolId: id }));
  const b = await s.idp.send(new GetSigningCertificateCommand({ UserPoolId: id }));
  assert.equal(a.Certificate, b.Certificate);
  assert.doesNotMatch(a.Certificate!, /BEGIN|\n/);
  const cert = new X509Certificate(Buffer.from(a.Certificate!, 'base64'));
  assert.equal(cert.subject, `CN=${id}`);
  assert.equal(cert.publicKey.asymmetricKeyDetails!.modulusLength, 2048);
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new GetSigningCertificateCommand({ UserPoolId: 'us-east-1_missing1' }))), {
    name: 'ResourceNotFoundException',
    message: 'User pool us-east-1_missing1 does not exist.',
    status: 400,
  });
});

test(`CreateUserPool past ${MAX_POOLS} pools is LimitExceededException`, async () => {
  const n = await s.deps.store.pools.count();
  const t = clock.now();
  for (let i = n; i < MAX_POOLS; i++)
    await s.deps.store.pools.create({ id: `us-east-1_fill${i}`, name: 'fill', arn: `arn:fill:${i}`, createdAt: t, updatedAt: t, version: 1, settings: {}, tags: {} }, [], MAX_POOLS);
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new CreateUserPoolCommand({ PoolName: 'over' }))), {
    name: 'LimitExceededException',
    message: `The limit of ${MAX_POOLS} user pools per account has been reached.`,
    status: 400,
  });
});
