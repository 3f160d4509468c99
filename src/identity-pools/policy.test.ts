import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, parsePolicy, wildcard, MalformedPolicyError, type PolicyDocument } from './policy.ts';

const SUB = 'cognito-identity.amazonaws.com:sub';
// The per-identity folder policy from AWS's identity-pool documentation.
const ownFolder: PolicyDocument = parsePolicy(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::uploads'], Condition: { StringLike: { 's3:prefix': ['${cognito-identity.amazonaws.com:sub}/*'] } } },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: ['arn:aws:s3:::uploads/${cognito-identity.amazonaws.com:sub}/*'] },
    ],
  }),
);
const me = 'us-east-1:11111111-2222-3333-4444-555555555555';
const other = 'us-east-1:99999999-2222-3333-4444-555555555555';

test('policy variables confine an identity to its own folder', () => {
  const keys = { [SUB]: me };
  assert.equal(evaluate([ownFolder], { action: 's3:PutObject', resource: `arn:aws:s3:::uploads/${me}/a.txt`, keys }), 'Allow');
  assert.equal(evaluate([ownFolder], { action: 's3:PutObject', resource: `arn:aws:s3:::uploads/${other}/a.txt`, keys }), 'ImplicitDeny');
  // action names are case-insensitive, resources are not
  assert.equal(evaluate([ownFolder], { action: 'S3:putobject', resource: `arn:aws:s3:::uploads/${me}/a`, keys }), 'Allow');
  assert.equal(evaluate([ownFolder], { action: 's3:PutObject', resource: `arn:aws:s3:::Uploads/${me}/a`, keys }), 'ImplicitDeny');
  // without the key the variable cannot be resolved and the statement never matches
  assert.equal(evaluate([ownFolder], { action: 's3:PutObject', resource: 'arn:aws:s3:::uploads//a' }), 'ImplicitDeny');
  assert.equal(evaluate([ownFolder], { action: 's3:ListBucket', resource: 'arn:aws:s3:::uploads', keys: { ...keys, 's3:prefix': `${me}/x` } }), 'Allow');
  assert.equal(evaluate([ownFolder], { action: 's3:ListBucket', resource: 'arn:aws:s3:::uploads', keys: { ...keys, 's3:prefix': `${other}/x` } }), 'ImplicitDeny');
});

test('variables are literal text under the 2008 policy version; defaults and escapes under 2012', () => {
  const old = parsePolicy(JSON.stringify({ Version: '2008-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/${aws:username}' } }));
  assert.equal(evaluate([old], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/${aws:username}', keys: { 'aws:username': 'x' } }), 'Allow');
  assert.equal(evaluate([old], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/x', keys: { 'aws:username': 'x' } }), 'ImplicitDeny');
  const dflt = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: "arn:aws:s3:::b/${aws:PrincipalTag/team, 'none'}/${*}" } }));
  assert.equal(evaluate([dflt], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/none/*' }), 'Allow');
  assert.equal(evaluate([dflt], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/red/*', keys: { 'aws:principaltag/team': 'red' } }), 'Allow');
  assert.equal(evaluate([dflt], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/red/other' , keys: { 'aws:PrincipalTag/team': 'red' } }), 'ImplicitDeny');
});

test('an explicit Deny wins over any Allow, in any policy of the role', () => {
  const allowAll = parsePolicy('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}');
  const denyDelete = parsePolicy('{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:Delete*","Resource":"*"}}');
  assert.equal(evaluate([allowAll, denyDelete], { action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/k' }), 'ExplicitDeny');
  assert.equal(evaluate([denyDelete, allowAll], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' }), 'Allow');
  assert.equal(evaluate([], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' }), 'ImplicitDeny');
});

test('NotAction and NotResource', () => {
  const p = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [
    { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
    { Effect: 'Deny', Action: '*', NotResource: ['arn:aws:s3:::public/*', 'arn:aws:s3:::public'] },
  ] }));
  assert.equal(evaluate([p], { action: 's3:GetObject', resource: 'arn:aws:s3:::public/x' }), 'Allow');
  assert.equal(evaluate([p], { action: 'iam:CreateRole', resource: 'arn:aws:s3:::public/x' }), 'ImplicitDeny');
  assert.equal(evaluate([p], { action: 's3:GetObject', resource: 'arn:aws:s3:::private/x' }), 'ExplicitDeny');
});

test('the trust-policy conditions Cognito documents: aud equals and amr ForAnyValue:StringLike', () => {
  const trust = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{
    Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Resource: '*',
    Condition: {
      StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:pool-a' },
      'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
    },
  }] }));
  const ctx = (aud: string, amr: string[]) => ({ action: 'sts:AssumeRoleWithWebIdentity', resource: 'arn:aws:iam::000000000000:role/r', keys: { 'cognito-identity.amazonaws.com:aud': aud, 'cognito-identity.amazonaws.com:amr': amr } });
  assert.equal(evaluate([trust], ctx('us-east-1:pool-a', ['authenticated', 'cognito-idp.us-east-1.amazonaws.com/p'])), 'Allow');
  assert.equal(evaluate([trust], ctx('us-east-1:pool-a', ['unauthenticated'])), 'ImplicitDeny');
  assert.equal(evaluate([trust], ctx('us-east-1:pool-b', ['authenticated'])), 'ImplicitDeny');
});

test('condition operators: negation and missing keys, IfExists, ForAllValues, Null, numbers, dates, IPs, ARNs', () => {
  const one = (op: string, key: string, want: unknown, keys: Record<string, string | string[]>) =>
    evaluate([{ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'a:b', Resource: '*', Condition: { [op]: { [key]: want } } } }], { action: 'a:b', resource: 'r', keys });
  assert.equal(one('StringNotEquals', 'k', ['x', 'y'], { k: 'z' }), 'Allow');
  assert.equal(one('StringNotEquals', 'k', ['x', 'y'], { k: 'y' }), 'ImplicitDeny');
  assert.equal(one('StringNotEquals', 'k', 'x', {}), 'Allow'); // a negated operator holds when the key is absent
  assert.equal(one('StringEquals', 'k', 'x', {}), 'ImplicitDeny');
  assert.equal(one('StringEqualsIfExists', 'k', 'x', {}), 'Allow');
  assert.equal(one('StringEqualsIfExists', 'k', 'x', { k: 'y' }), 'ImplicitDeny');
  assert.equal(one('StringEqualsIgnoreCase', 'K', 'ABC', { k: 'abc' }), 'Allow'); // keys case-insensitive
  assert.equal(one('ForAllValues:StringEquals', 'k', ['a', 'b'], { k: ['a', 'b'] }), 'Allow');
  assert.equal(one('ForAllValues:StringEquals', 'k', ['a', 'b'], { k: ['a', 'c'] }), 'ImplicitDeny');
  assert.equal(one('ForAllValues:StringEquals', 'k', ['a'], {}), 'Allow');
  assert.equal(one('ForAnyValue:StringEquals', 'k', ['a'], {}), 'ImplicitDeny');
  assert.equal(one('Null', 'k', 'true', {}), 'Allow');
  assert.equal(one('Null', 'k', 'true', { k: 'v' }), 'ImplicitDeny');
  assert.equal(one('Null', 'k', 'false', { k: 'v' }), 'Allow');
  assert.equal(one('NumericLessThan', 'n', '10', { n: '9' }), 'Allow');
  assert.equal(one('NumericLessThan', 'n', '10', { n: '10' }), 'ImplicitDeny');
  assert.equal(one('NumericLessThan', 'n', '10', { n: 'ten' }), 'ImplicitDeny');
  assert.equal(one('DateLessThan', 'aws:CurrentTime', '2030-01-01T00:00:00Z', { 'aws:CurrentTime': '2026-12-03T00:00:00Z' }), 'Allow');
  assert.equal(one('DateGreaterThan', 'aws:CurrentTime', '2030-01-01T00:00:00Z', { 'aws:CurrentTime': '2026-12-03T00:00:00Z' }), 'ImplicitDeny');
  assert.equal(one('Bool', 'aws:SecureTransport', 'true', { 'aws:SecureTransport': 'TRUE' }), 'Allow');
  assert.equal(one('IpAddress', 'aws:SourceIp', ['10.0.0.0/8'], { 'aws:SourceIp': '10.2.3.4' }), 'Allow');
  assert.equal(one('IpAddress', 'aws:SourceIp', ['10.0.0.0/8'], { 'aws:SourceIp': '11.2.3.4' }), 'ImplicitDeny');
  assert.equal(one('NotIpAddress', 'aws:SourceIp', ['10.0.0.0/8'], { 'aws:SourceIp': '11.2.3.4' }), 'Allow');
  assert.equal(one('ArnLike', 'aws:SourceArn', 'arn:aws:s3:::bucket/*', { 'aws:SourceArn': 'arn:aws:s3:::bucket/a:b' }), 'Allow');
  assert.equal(one('ArnLike', 'aws:SourceArn', 'arn:aws:s3:::bucket/*', { 'aws:SourceArn': 'arn:aws:s3:::other/a' }), 'ImplicitDeny');
  assert.equal(one('StringEquals', 'k', '${aws:userid}', { k: 'u1', 'aws:userid': 'u1' }), 'Allow');
});

test('wildcards: * any run, ? one character, no regex meaning for other characters', () => {
  assert.ok(wildcard('a*c', 'abbbc'));
  assert.ok(wildcard('a?c', 'abc'));
  assert.ok(!wildcard('a?c', 'ac'));
  assert.ok(wildcard('*', ''));
  assert.ok(!wildcard('a.c', 'abc'));
  assert.ok(wildcard('a*b*c', 'axxbyyc'));
  assert.ok(!wildcard('a*b*c', 'axxbyy'));
  // no catastrophic backtracking on a hostile pattern
  assert.ok(!wildcard('*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000)));
});

test('malformed documents are refused with IAM-style reasons', () => {
  const bad = (t: string, msg: RegExp) => assert.throws(() => parsePolicy(t), (e) => e instanceof MalformedPolicyError && msg.test(e.message));
  bad('not json', /Syntax errors/);
  bad('[]', /Syntax errors/);
  bad('{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}', /valid version/);
  bad('{"Version":"2012-10-17","Statement":[]}', /Syntax errors/);
  bad('{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}', /Invalid effect/);
  bad('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}', /must contain actions/);
  bad('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringSortOf":{"k":"v"}}}]}', /Invalid Condition type/);
  bad('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[1],"Resource":"*"}]}', /Syntax errors/);
});
