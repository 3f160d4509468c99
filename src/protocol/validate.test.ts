import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InvalidParameterException, SerializationException } from './errors.ts';
import { checkOutput, compileJavaPattern, stripOutput, validateInput, type ServiceModel } from './validate.ts';

function load(name: string): ServiceModel {
  return JSON.parse(readFileSync(new URL(`./models/${name}.json`, import.meta.url), 'utf8')) as ServiceModel;
}
const idp = load('cognito-idp');
const identity = load('cognito-identity');
const sync = load('cognito-sync');
const ALL: Array<[string, ServiceModel]> = [
  ['cognito-idp', idp],
  ['cognito-identity', identity],
  ['cognito-sync', sync],
];

/** The InvalidParameterException message thrown by validateInput (fails the test on anything else). */
function violation(model: ServiceModel, op: string, input: unknown): string {
  try {
    validateInput(model, op, input);
  } catch (e) {
    assert.ok(e instanceof InvalidParameterException, `expected InvalidParameterException, got ${String(e)}`);
    assert.equal((e as InstanceType<typeof InvalidParameterException>).code, 'InvalidParameterException');
    return (e as Error).message;
  }
  assert.fail(`${op}: expected a validation error`);
}

function serializationError(model: ServiceModel, op: string, input: unknown): string {
  try {
    validateInput(model, op, input);
  } catch (e) {
    assert.ok(e instanceof SerializationException, `expected SerializationException, got ${String(e)}`);
    return (e as Error).message;
  }
  assert.fail(`${op}: expected a SerializationException`);
}

const POOL = 'us-east-1_AbCdEf123';

test('CreateUserPool: PoolName not matching its pattern', () => {
  assert.equal(
    violation(idp, 'CreateUserPool', { PoolName: 'bad/name' }),
    "1 validation error detected: Value 'bad/name' at 'poolName' failed to satisfy constraint: " +
      'Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+',
  );
});

test('CreateUserPool: missing required PoolName', () => {
  assert.equal(
    violation(idp, 'CreateUserPool', {}),
    "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null",
  );
  // null counts as absent
  assert.equal(
    violation(idp, 'CreateUserPool', { PoolName: null }),
    "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null",
  );
});

test('CreateUserPool: MfaConfiguration outside its enum (model order)', () => {
  assert.equal(
    violation(idp, 'CreateUserPool', { PoolName: 'pool', MfaConfiguration: 'MAYBE' }),
    "1 validation error detected: Value 'MAYBE' at 'mfaConfiguration' failed to satisfy constraint: " +
      'Member must satisfy enum value set: [OFF, ON, OPTIONAL]',
  );
});

test('CreateUserPool: nested Policies.PasswordPolicy.MinimumLength out of range', () => {
  assert.equal(
    violation(idp, 'CreateUserPool', { PoolName: 'pool', Policies: { PasswordPolicy: { MinimumLength: 5 } } }),
    "1 validation error detected: Value '5' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: " +
      'Member must have value greater than or equal to 6',
  );
  assert.equal(
    violation(idp, 'CreateUserPool', { PoolName: 'pool', Policies: { PasswordPolicy: { MinimumLength: 100 } } }),
    "1 validation error detected: Value '100' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: " +
      'Member must have value less than or equal to 99',
  );
});

test('ListUserPools: MaxResults above 60', () => {
  assert.equal(
    violation(idp, 'ListUserPools', { MaxResults: 61 }),
    "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60",
  );
  assert.doesNotThrow(() => validateInput(idp, 'ListUserPools', { MaxResults: 60 }));
});

test('AdminCreateUser: a list element violation is reported at list.N.member.name', () => {
  const name = 'x'.repeat(33);
  assert.equal(
    violation(idp, 'AdminCreateUser', {
      UserPoolId: POOL,
      Username: 'alice',
      UserAttributes: [
        { Name: 'email', Value: 'a@example.com' },
        { Name: name, Value: 'v' },
      ],
    }),
    `1 validation error detected: Value '${name}' at 'userAttributes.2.member.name' failed to satisfy constraint: ` +
      'Member must have length less than or equal to 32',
  );
  assert.equal(
    violation(idp, 'AdminCreateUser', { UserPoolId: POOL, Username: 'alice', UserAttributes: [{ Value: 'v' }] }),
    "1 validation error detected: Value null at 'userAttributes.1.member.name' failed to satisfy constraint: Member must not be null",
  );
});

test('sensitive values are not echoed', () => {
  assert.equal(
    violation(idp, 'AdminSetUserPassword', { UserPoolId: POOL, Username: 'alice', Password: 'p'.repeat(257) }),
    "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 256",
  );
});

test('several violations: counted, joined with "; ", in model member order', () => {
  assert.equal(
    violation(idp, 'CreateUserPool', { PoolName: 'bad/name', MfaConfiguration: 'MAYBE' }),
    '2 validation errors detected: ' +
      "Value 'bad/name' at 'poolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+; " +
      "Value 'MAYBE' at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]",
  );
  // The shape of a real Cognito SignUp answer: an empty password and username fail both length and pattern.
  assert.equal(
    violation(idp, 'SignUp', { ClientId: 'abc123', Username: '', Password: '' }),
    '3 validation errors detected: ' +
      "Value at 'username' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
      "Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+; " +
      "Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+",
  );
});

test('string length counts code points, not UTF-16 units', () => {
  // GroupNameType: max 128, pattern [\p{L}\p{M}\p{S}\p{N}\p{P}]+. 128 emoji are 256 UTF-16 units but 128 code points.
  const ok = '😀'.repeat(128);
  assert.doesNotThrow(() => validateInput(idp, 'GetGroup', { GroupName: ok, UserPoolId: POOL }));
  const long = '😀'.repeat(129);
  assert.match(violation(idp, 'GetGroup', { GroupName: long, UserPoolId: POOL }), /at 'groupName' failed to satisfy constraint: Member must have length less than or equal to 128$/);
});

test('echoed values are cut at 256 characters and marked, never splitting a surrogate pair', () => {
  const m = violation(idp, 'InitiateAuth', { ClientId: 'c', AuthFlow: 'a'.repeat(30_000) });
  assert.equal(m, `1 validation error detected: Value '${'a'.repeat(256)}...' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]`);
  const emoji = violation(idp, 'InitiateAuth', { ClientId: 'c', AuthFlow: 'x' + '😀'.repeat(200) });
  const echoed = /Value '(.*)' at/su.exec(emoji)![1]!;
  assert.equal(echoed, 'x' + '😀'.repeat(127) + '...');
  const exact = 'b'.repeat(256);
  assert.match(violation(idp, 'InitiateAuth', { ClientId: 'c', AuthFlow: exact }), new RegExp(`Value '${exact}' at`));
});

test('list of enum strings and map keys/values are summarised at the collection path', () => {
  assert.equal(
    violation(idp, 'AdminCreateUser', { UserPoolId: POOL, Username: 'alice', DesiredDeliveryMediums: ['EMAIL', 'PIGEON'] }),
    "1 validation error detected: Value '[EMAIL, PIGEON]' at 'desiredDeliveryMediums' failed to satisfy constraint: " +
      'Member must satisfy constraint: [Member must satisfy enum value set: [SMS, EMAIL]]',
  );
  assert.equal(
    violation(idp, 'CreateUserPool', { PoolName: 'pool', UserPoolTags: { '': 'x', ok: 'v' } }),
    "1 validation error detected: Value '{=x, ok=v}' at 'userPoolTags' failed to satisfy constraint: " +
      'Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]',
  );
  assert.equal(
    violation(idp, 'CreateUserPool', { PoolName: 'pool', UserPoolTags: { k: 'v'.repeat(257) } }),
    // The echo is cut at 256 characters ("{k=" + 253 of the 257 v's) and marked.
    `1 validation error detected: Value '{k=${'v'.repeat(253)}...' at 'userPoolTags' failed to satisfy constraint: ` +
      'Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]',
  );
  // Identity pool login providers (a real AWS message has this exact shape).
  assert.equal(
    violation(identity, 'CreateIdentityPool', {
      IdentityPoolName: 'pool',
      AllowUnauthenticatedIdentities: false,
      SupportedLoginProviders: { 'accounts.google.com': 'client id ' },
    }),
    "1 validation error detected: Value '{accounts.google.com=client id }' at 'supportedLoginProviders' failed to satisfy constraint: " +
      'Map value must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, ' +
      'Member must satisfy regular expression pattern: [\\w.;_/-]+]',
  );
});

test('type mismatches are SerializationExceptions', () => {
  assert.equal(serializationError(idp, 'CreateUserPool', { PoolName: 5 }), 'NUMBER_VALUE can not be converted to a String');
  assert.equal(serializationError(idp, 'ListUserPools', { MaxResults: '10' }), 'STRING_VALUE can not be converted to an Integer');
  assert.equal(serializationError(idp, 'ListUserPools', { MaxResults: 1.5 }), 'NUMBER_VALUE can not be converted to an Integer');
  assert.equal(serializationError(idp, 'CreateUserPool', { PoolName: ['a'] }), 'Start of list found where not expected');
  assert.equal(serializationError(idp, 'CreateUserPool', { PoolName: { a: 1 } }), 'Start of structure or map found where not expected');
  assert.equal(
    serializationError(idp, 'AdminCreateUser', { UserPoolId: POOL, Username: 'a', UserAttributes: { Name: 'x' } }),
    'Start of structure or map found where not expected',
  );
  assert.equal(
    serializationError(idp, 'AdminSetUserPassword', { UserPoolId: POOL, Username: 'a', Password: 'Passw0rd!', Permanent: 'true' }),
    'STRING_VALUE can not be converted to a Boolean',
  );
  // Type errors win over constraint violations.
  assert.equal(serializationError(idp, 'CreateUserPool', { MfaConfiguration: 'MAYBE', Policies: 'x' }), 'STRING_VALUE can not be converted to a Structure');
});

test('the top-level input must be a JSON object', () => {
  assert.equal(serializationError(idp, 'ListUserPools', []), 'Start of list found where not expected');
  assert.equal(serializationError(idp, 'ListUserPools', 'x'), 'STRING_VALUE can not be converted to a Structure');
  assert.ok(serializationError(idp, 'ListUserPools', null).length > 0);
});

test('valid inputs pass; unknown members are ignored', () => {
  const ok: Array<[ServiceModel, string, unknown]> = [
    [idp, 'CreateUserPool', {
      PoolName: 'my pool',
      Policies: { PasswordPolicy: { MinimumLength: 8, RequireUppercase: true, TemporaryPasswordValidityDays: 7 } },
      MfaConfiguration: 'OPTIONAL',
      AutoVerifiedAttributes: ['email'],
      UsernameAttributes: ['email'],
      Schema: [{ Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true, StringAttributeConstraints: { MinLength: '0', MaxLength: '2048' } }],
      UserPoolTags: { team: 'auth' },
      SmsVerificationMessage: 'Your code is {####}',
      SomethingNew: { whatever: [1, 2, 3] },
    }],
    [idp, 'SignUp', { ClientId: '3ugt2ss9vtls0s2p', Username: 'jöhn.doe@example.com', Password: 'Passw0rd!', UserAttributes: [{ Name: 'email', Value: 'j@example.com' }], ClientMetadata: { a: 'b' } }],
    [idp, 'InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'abc', AuthParameters: { USERNAME: 'a', PASSWORD: 'b' } }],
    [idp, 'ListUsers', { UserPoolId: POOL, Limit: 60, Filter: 'email ^= "a"' }],
    [identity, 'GetId', { IdentityPoolId: 'us-east-1:0f5d3c3e-1111-2222-3333-444455556666', Logins: { 'cognito-idp.us-east-1.amazonaws.com/us-east-1_abc': 'eyJ...' } }],
    [sync, 'ListRecords', { IdentityPoolId: 'us-east-1:0f5d3c3e-1111-2222-3333-444455556666', IdentityId: 'us-east-1:0f5d3c3e-1111-2222-3333-444455556667', DatasetName: 'settings', MaxResults: '10', LastSyncCount: '0' }],
  ];
  for (const [model, op, input] of ok) {
    const before = JSON.stringify(input);
    assert.doesNotThrow(() => validateInput(model, op, input), op);
    assert.equal(JSON.stringify(input), before, 'input is not modified');
  }
});

test('rest-json members bound to the query string are parsed before range checks', () => {
  const ids = { IdentityPoolId: 'us-east-1:0f5d3c3e-1111-2222-3333-444455556666', IdentityId: 'us-east-1:0f5d3c3e-1111-2222-3333-444455556667', DatasetName: 'd' };
  assert.doesNotThrow(() => validateInput(sync, 'ListRecords', { ...ids, MaxResults: 5 }));
  assert.throws(() => validateInput(sync, 'ListRecords', { ...ids, MaxResults: 'ten' }), SerializationException);
});

test('recursive shapes compile and validate without unbounded recursion', () => {
  const model: ServiceModel = {
    metadata: {},
    operations: { Put: { input: 'PutRequest', errors: [], auth: 'none' } },
    shapes: {
      PutRequest: { type: 'structure', required: ['Root'], members: { Root: { shape: 'Node' } } },
      Node: { type: 'structure', required: ['Name'], members: { Name: { shape: 'Name' }, Children: { shape: 'NodeList' }, Index: { shape: 'NodeMap' } } },
      NodeList: { type: 'list', member: { shape: 'Node' }, max: 3 },
      NodeMap: { type: 'map', key: { shape: 'Name' }, value: { shape: 'Node' } },
      Name: { type: 'string', min: 1, max: 5 },
    },
  };
  const deep: any = { Name: 'a' };
  let cur = deep;
  for (let i = 0; i < 50; i++) {
    cur.Children = [{ Name: 'b' }];
    cur = cur.Children[0];
  }
  assert.doesNotThrow(() => validateInput(model, 'Put', { Root: deep }));
  assert.equal(
    violation(model, 'Put', { Root: { Name: 'a', Children: [{ Name: 'b', Children: [{ Name: 'toolong' }] }], Index: { k: { Name: '' } } } }),
    '2 validation errors detected: ' +
      "Value 'toolong' at 'root.children.1.member.children.1.member.name' failed to satisfy constraint: Member must have length less than or equal to 5; " +
      "Value '' at 'root.index.k.member.name' failed to satisfy constraint: Member must have length greater than or equal to 1",
  );
  assert.match(violation(model, 'Put', { Root: { Name: 'a', Children: [{ Name: 'b' }, { Name: 'c' }, { Name: 'd' }, { Name: 'e' }] } }), /^1 validation error detected: Value '\[\{Name=b\}, \{Name=c\}, \{Name=d\}, \{Name=e\}\]' at 'root.children' failed to satisfy constraint: Member must have length less than or equal to 3$/);
});

test('every pattern in the three models compiles (and the common ones behave like Java)', () => {
  const failed: string[] = [];
  let total = 0;
  for (const [name, model] of ALL) {
    for (const [shapeName, shape] of Object.entries<any>(model.shapes)) {
      if (typeof shape.pattern !== 'string') continue;
      total++;
      if (!compileJavaPattern(shape.pattern)) failed.push(`${name}:${shapeName} ${shape.pattern}`);
    }
  }
  assert.ok(total > 40, `saw ${total} patterns`);
  assert.deepEqual(failed, [], `${failed.length} of ${total} patterns failed to compile`);

  const cases: Array<[string, string, boolean]> = [
    ['[\\w-]+_[0-9a-zA-Z]+', 'us-east-1_AbC123', true],
    ['[\\w-]+_[0-9a-zA-Z]+', 'YOUR_USER_POOL_ID!', false],
    ['[\\w-]+_[0-9a-zA-Z]+', 'x us-east-1_abc', false], // whole-string match
    ['[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+', 'jöhn+tag@example.com', true],
    ['[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+', 'john doe', false],
    ['[\\w+]+', 'abc+123', true],
    ['[\\w+]+', 'abc-123', false],
    ['[\\S]+', 'Passw0rd!', true],
    ['[\\S]+', 'pass word', false],
    ['[\\S]+', 'pass\u00a0word', true], // Java \S only excludes ASCII whitespace
    ['[\\w\\s+=,.@-]+', 'My Pool_1', true],
    ['[\\w\\s+=,.@-]+', 'bad/name', false],
    ['(?s).*', 'multi\nline', true],
    ['.*\\{####\\}.*', 'Your code is {####}.', true],
    ['^[0-9A-Za-z\\.\\-_]*(?<!\\.)$', 'bucket.', false],
    ['[\\w-]+:[0-9a-f-]+', 'us-east-1:0f5d3c3e-1111-2222-3333-444455556666', true],
  ];
  for (const [p, s, want] of cases) assert.equal(compileJavaPattern(p)!.test(s), want, `${p} vs ${JSON.stringify(s)}`);
  // A pattern that cannot compile is skipped, never thrown.
  assert.equal(compileJavaPattern('[a-z'), undefined);
});

/** A value that is structurally valid for the shape but deliberately stresses constraints. */
function sample(model: ServiceModel, shapeName: string, depth: number, mode: 'min' | 'over'): unknown {
  const s = model.shapes[shapeName];
  switch (s.type) {
    case 'string':
      if (s.enum) return mode === 'min' ? s.enum[0] : 'NOT_AN_ENUM_VALUE';
      return mode === 'min' ? 'a'.repeat(Math.max(1, s.min ?? 1)) : 'é '.repeat((s.max ?? 10) + 1);
    case 'integer':
    case 'long':
      return mode === 'min' ? (s.min ?? 0) : (s.max ?? 1000) + 1;
    case 'float':
    case 'double':
      return 1.5;
    case 'boolean':
      return true;
    case 'timestamp':
      return 1700000000;
    case 'blob':
      return Buffer.from('x'.repeat(mode === 'min' ? 1 : 10)).toString('base64');
    case 'list':
      return depth > 6 ? [] : [sample(model, s.member.shape, depth + 1, mode)];
    case 'map':
      return depth > 6 ? {} : { [mode === 'min' ? 'key' : '']: sample(model, s.value.shape, depth + 1, mode) };
    case 'structure': {
      if (s.document || depth > 6) return {};
      const out: Record<string, unknown> = {};
      for (const [k, m] of Object.entries<any>(s.members)) {
        if (m.location === 'header' || m.location === 'headers') continue;
        out[k] = sample(model, m.shape, depth + 1, mode);
      }
      return out;
    }
  }
  return undefined;
}

test('every operation of the three models validates {} and generated inputs without crashing', () => {
  let ops = 0;
  for (const [name, model] of ALL) {
    for (const op of Object.keys(model.operations)) {
      ops++;
      for (const input of [{}, sample(model, model.operations[op].input ?? '', 0, 'min'), sample(model, model.operations[op].input ?? '', 0, 'over')]) {
        if (input === undefined) continue;
        try {
          validateInput(model, op, input);
        } catch (e) {
          assert.ok(e instanceof InvalidParameterException, `${name}.${op}: ${String((e as Error)?.stack ?? e)}`);
          assert.match((e as Error).message, /^\d+ validation errors? detected: Value/);
        }
      }
    }
  }
  assert.ok(ops > 150);
});

test('compiled validators are cached and fast enough for the request path', () => {
  const input = {
    UserPoolId: POOL,
    Username: 'alice',
    UserAttributes: Array.from({ length: 20 }, (_, i) => ({ Name: `custom:attr${i}`, Value: 'v'.repeat(100) })),
    ClientMetadata: { a: 'b', c: 'd' },
  };
  validateInput(idp, 'AdminCreateUser', input);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 10_000; i++) validateInput(idp, 'AdminCreateUser', input);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.ok(ms < 2000, `10k validations took ${ms.toFixed(0)} ms`);
});

test('checkOutput flags unknown members, wrong types and missing required members', () => {
  assert.deepEqual(checkOutput(idp, 'DescribeUserPool', { UserPool: { Id: POOL, Name: 'pool', CreationDate: 1700000000, MfaConfiguration: 'OFF' } }), []);
  const problems = checkOutput(idp, 'DescribeUserPool', { UserPool: { Id: POOL, Name: 'pool', Secret: 'x', CreationDate: '2024-01-01' }, Extra: 1 });
  assert.ok(problems.some((p) => p.includes('UserPool.Secret') && p.includes('unknown member')), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('Extra') && p.includes('unknown member')), problems.join('\n'));
  assert.ok(problems.some((p) => p.includes('UserPool.CreationDate') && p.includes('timestamp')), problems.join('\n'));
  const missing = checkOutput(idp, 'InitiateAuth', { AuthenticationResult: { AccessToken: 'a', NewDeviceMetadata: { DeviceKey: 'k' } }, ChallengeParameters: { a: 'b' } });
  assert.deepEqual(missing, []);
  const listUsers = checkOutput(idp, 'AdminGetUser', { UserAttributes: [{ Value: 'x' }] });
  assert.ok(listUsers.some((p) => p.includes('Username') && p.includes('missing required')), listUsers.join('\n'));
  assert.ok(listUsers.some((p) => p.includes('UserAttributes[0].Name') && p.includes('missing required')), listUsers.join('\n'));
});

test('stripOutput keeps only modelled members and drops null/undefined', () => {
  assert.deepEqual(
    stripOutput(idp, 'DescribeUserPool', { UserPool: { Id: POOL, Name: 'pool', secretHash: 'x', Policies: null, LambdaConfig: undefined, SchemaAttributes: [{ Name: 'email', internal: 1 }] }, junk: true }),
    { UserPool: { Id: POOL, Name: 'pool', SchemaAttributes: [{ Name: 'email' }] } },
  );
});
