import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import { MAX_POOLS } from '../domain/pools.ts';
import { STANDARD_SCHEMA } from '../domain/pool-schema.ts';
import op from './create-user-pool.ts';
import type { CreateUserPoolRequest } from '../shapes.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const clock = new FixedClock();
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
before(async () => {
  deps = await makeTestDeps({ clock, config: { region: 'eu-west-1', accountId: '123456789012' } });
});

const create = (over: Partial<CreateUserPoolRequest> = {}) => op.handle({ PoolName: 'p', ...over }, deps, ctx);

/** The AWS error a call threw, [name, message]; the name must be one the model declares for the operation. */
async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.CreateUserPool!.errors.includes(code), `${code} is not declared for CreateUserPool`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

test('a pool created with only PoolName describes with Cognito defaults', async () => {
  const out = await create({ PoolName: 'only name' });
  const p = out.UserPool!;
  assert.match(p.Id!, /^eu-west-1_[0-9A-Za-z]{9}$/);
  const t = clock.now() / 1000;
  assert.deepEqual(p, {
    Id: p.Id,
    Name: 'only name',
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
    Arn: `arn:aws:cognito-idp:eu-west-1:123456789012:userpool/${p.Id}`,
    UserPoolTier: 'ESSENTIALS',
  });
  assert.deepEqual(checkOutput(model, 'CreateUserPool', out), []);
  // Signing keys for the ID and access tokens exist from the start.
  const keys = await deps.store.keys.listForPool(p.Id!);
  assert.deepEqual(keys.map((k) => k.use).sort(), ['access', 'id']);
});

test('the standard schema is the 20 attributes Cognito lists, as it shows them', () => {
  assert.deepEqual(
    STANDARD_SCHEMA.map((a) => a.Name),
    ['sub', 'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'email', 'email_verified', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number', 'phone_number_verified', 'address', 'updated_at'],
  );
  assert.deepEqual(STANDARD_SCHEMA[0], {
    Name: 'sub',
    AttributeDataType: 'String',
    DeveloperOnlyAttribute: false,
    Mutable: false,
    Required: true,
    StringAttributeConstraints: { MinLength: '1', MaxLength: '2048' },
  });
  assert.deepEqual(STANDARD_SCHEMA.find((a) => a.Name === 'updated_at'), {
    Name: 'updated_at',
    AttributeDataType: 'Number',
    DeveloperOnlyAttribute: false,
    Mutable: true,
    Required: false,
    NumberAttributeConstraints: { MinValue: '0' },
  });
  assert.deepEqual(STANDARD_SCHEMA.find((a) => a.Name === 'email_verified'), {
    Name: 'email_verified',
    AttributeDataType: 'Boolean',
    DeveloperOnlyAttribute: false,
    Mutable: true,
    Required: false,
  });
  assert.deepEqual(STANDARD_SCHEMA.find((a) => a.Name === 'birthdate')!.StringAttributeConstraints, { MinLength: '10', MaxLength: '10' });
});

test('Schema entries override standard attributes and add custom:<name> attributes', async () => {
  const p = (
    await create({
      Schema: [
        { Name: 'email', Required: true, Mutable: true },
        { Name: 'given_name', AttributeDataType: 'String', StringAttributeConstraints: { MinLength: '2' } },
        { Name: 'tenant', AttributeDataType: 'String', Mutable: false, StringAttributeConstraints: { MinLength: '1', MaxLength: '64' } },
        { Name: 'age', AttributeDataType: 'Number', NumberAttributeConstraints: { MinValue: '0', MaxValue: '150' } },
        { Name: 'secret', AttributeDataType: 'Boolean', DeveloperOnlyAttribute: true },
      ],
    })
  ).UserPool!;
  const by = new Map(p.SchemaAttributes!.map((a) => [a.Name, a]));
  assert.equal(p.SchemaAttributes!.length, 23);
  assert.deepEqual(by.get('email'), { ...STANDARD_SCHEMA.find((a) => a.Name === 'email'), Required: true });
  assert.deepEqual(by.get('given_name')!.StringAttributeConstraints, { MinLength: '2', MaxLength: '2048' });
  assert.deepEqual(p.SchemaAttributes!.slice(20), [
    { Name: 'custom:tenant', AttributeDataType: 'String', DeveloperOnlyAttribute: false, Mutable: false, Required: false, StringAttributeConstraints: { MinLength: '1', MaxLength: '64' } },
    { Name: 'custom:age', AttributeDataType: 'Number', DeveloperOnlyAttribute: false, Mutable: true, Required: false, NumberAttributeConstraints: { MinValue: '0', MaxValue: '150' } },
    { Name: 'dev:custom:secret', AttributeDataType: 'Boolean', DeveloperOnlyAttribute: true, Mutable: true, Required: false },
  ]);
});

test('schema rules: required custom attributes, changed standard types, duplicates, bad constraints', async () => {
  assert.deepEqual(await errorOf(create({ Schema: [{ Name: 'x', AttributeDataType: 'String', Required: true }] })), [
    'InvalidParameterException',
    'Required custom attributes are not supported currently.',
  ]);
  assert.deepEqual(await errorOf(create({ Schema: [{ Name: 'email', AttributeDataType: 'Number' }] })), [
    'InvalidParameterException',
    'You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email',
  ]);
  assert.deepEqual(await errorOf(create({ Schema: [{ Name: 'x', AttributeDataType: 'String' }, { Name: 'x', AttributeDataType: 'Number' }] })), [
    'InvalidParameterException',
    'custom:x: Existing attribute already has name custom:x.',
  ]);
  assert.equal((await errorOf(create({ Schema: [{ Name: 'x' }] })))[0], 'InvalidParameterException');
  assert.deepEqual(
    await errorOf(create({ Schema: [{ Name: 'x', AttributeDataType: 'String', StringAttributeConstraints: { MinLength: '9', MaxLength: '3' } }] })),
    ['InvalidParameterException', 'user.custom:x: Max length cannot be less than min length.'],
  );
  assert.equal(
    (await errorOf(create({ Schema: [{ Name: 'x', AttributeDataType: 'String', StringAttributeConstraints: { MaxLength: '4096' } }] })))[0],
    'InvalidParameterException',
  );
});

test('UsernameAttributes and AliasAttributes together are refused', async () => {
  assert.deepEqual(await errorOf(create({ UsernameAttributes: ['email'], AliasAttributes: ['preferred_username'] })), [
    'InvalidParameterException',
    'Only one of the aliasAttributes or usernameAttributes can be set in a User pool.',
  ]);
  const p = (await create({ UsernameAttributes: ['email'], UsernameConfiguration: { CaseSensitive: false } })).UserPool!;
  assert.deepEqual(p.UsernameAttributes, ['email']);
  assert.deepEqual(p.UsernameConfiguration, { CaseSensitive: false });
  assert.equal(p.AliasAttributes, undefined);
});

test('given settings are kept, partial ones completed with defaults, legacy messages mirrored in the template', async () => {
  const p = (
    await create({
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireNumbers: true } },
      DeletionProtection: 'ACTIVE',
      LambdaConfig: { PreSignUp: 'arn:aws:lambda:eu-west-1:123456789012:function:pre' },
      AutoVerifiedAttributes: ['email'],
      EmailVerificationMessage: 'Code {####}',
      EmailVerificationSubject: 'Your code',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      EmailConfiguration: { ReplyToEmailAddress: 'a@example.com' },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: true },
      UserPoolTier: 'PLUS',
      UserPoolTags: { team: 'auth' },
    })
  ).UserPool!;
  assert.deepEqual(p.Policies!.PasswordPolicy, {
    MinimumLength: 12,
    RequireUppercase: false,
    RequireLowercase: false,
    RequireNumbers: true,
    RequireSymbols: false,
    TemporaryPasswordValidityDays: 7,
  });
  assert.equal(p.DeletionProtection, 'ACTIVE');
  assert.deepEqual(p.LambdaConfig, { PreSignUp: 'arn:aws:lambda:eu-west-1:123456789012:function:pre' });
  assert.deepEqual(p.VerificationMessageTemplate, { EmailMessage: 'Code {####}', EmailSubject: 'Your code', DefaultEmailOption: 'CONFIRM_WITH_CODE' });
  assert.equal(p.EmailVerificationMessage, 'Code {####}');
  assert.deepEqual(p.AdminCreateUserConfig, { AllowAdminCreateUserOnly: true, UnusedAccountValidityDays: 7 });
  assert.deepEqual(p.EmailConfiguration, { ReplyToEmailAddress: 'a@example.com', EmailSendingAccount: 'COGNITO_DEFAULT' });
  assert.deepEqual(p.AccountRecoverySetting, { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] });
  assert.deepEqual(p.DeviceConfiguration, { ChallengeRequiredOnNewDevice: true });
  assert.equal(p.UserPoolTier, 'PLUS');
  assert.deepEqual(p.UserPoolTags, { team: 'auth' });
});

test('MFA ON at creation needs an SMS configuration, which then is the MFA factor', async () => {
  assert.deepEqual(await errorOf(create({ MfaConfiguration: 'ON' })), [
    'InvalidParameterException',
    'SMS configuration and Auto verification for phone_number are required when MFA is required/optional',
  ]);
  const p = (await create({ MfaConfiguration: 'OPTIONAL', SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::123456789012:role/sms' } })).UserPool!;
  assert.equal(p.MfaConfiguration, 'OPTIONAL');
  assert.deepEqual(p.SmsConfiguration, { SnsCallerArn: 'arn:aws:iam::123456789012:role/sms' });
});

test('more than 50 tags are refused', async () => {
  const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
  assert.equal((await errorOf(create({ UserPoolTags: tags })))[0], 'InvalidParameterException');
});

test(`the ${MAX_POOLS + 1}th pool is refused with LimitExceededException`, async () => {
  const d = await makeTestDeps({ clock });
  const n = await d.store.pools.count();
  for (let i = n; i < MAX_POOLS; i++)
    await d.store.pools.create({ id: `eu-west-1_fill${i}`, name: 'f', arn: `arn:f${i}`, createdAt: i, updatedAt: i, version: 1, settings: {}, tags: {} }, [], MAX_POOLS);
  const err = await errorOf(op.handle({ PoolName: 'one too many' }, d, ctx));
  assert.deepEqual(err, ['LimitExceededException', `The limit of ${MAX_POOLS} user pools per account has been reached.`]);
  assert.equal(await d.store.pools.count(), MAX_POOLS);
});
