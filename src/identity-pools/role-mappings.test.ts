import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMapping, mappingFor, ruleMatches } from './role-mappings.ts';
import { developerPrincipalTags, principalTagMap, principalTagsFor } from './principal-tags.ts';
import type { IdentityPoolSettings } from '../storage/records.ts';

const R = (n: string) => `arn:aws:iam::123456789012:role/${n}`;
const login = (claims: Record<string, unknown>) => ({ provider: 'cognito-idp.us-east-1.amazonaws.com/us-east-1_abc', sub: 's', claims: { aud: 'client1', ...claims } });

test('a mapping is found by {provider}:{client id}, else by the provider name; none for another client', () => {
  const m = { Type: 'Token', AmbiguousRoleResolution: 'Deny' };
  const byClient: IdentityPoolSettings = { AllowUnauthenticatedIdentities: false, RoleMappings: { 'cognito-idp.us-east-1.amazonaws.com/us-east-1_abc:client1': m } };
  assert.equal(mappingFor(byClient, login({}))?.key, 'cognito-idp.us-east-1.amazonaws.com/us-east-1_abc:client1');
  assert.equal(mappingFor(byClient, login({ aud: 'client2' })), undefined);
  const byName: IdentityPoolSettings = { AllowUnauthenticatedIdentities: false, RoleMappings: { 'cognito-idp.us-east-1.amazonaws.com/us-east-1_abc': m } };
  assert.equal(mappingFor(byName, login({}))?.key, 'cognito-idp.us-east-1.amazonaws.com/us-east-1_abc');
  assert.equal(mappingFor({ AllowUnauthenticatedIdentities: false, RoleMappings: {} }, login({ aud: 'constructor' })), undefined);
});

test('Token: preferred role, the single role, a comma-separated cognito:roles; CustomRoleArn only among them', () => {
  const deny = { Type: 'Token', AmbiguousRoleResolution: 'Deny' };
  assert.deepEqual(applyMapping('k', deny, { 'cognito:roles': [R('a'), R('b')], 'cognito:preferred_role': R('a') }, undefined), { kind: 'role', arn: R('a') });
  assert.deepEqual(applyMapping('k', deny, { 'cognito:roles': [R('b')] }, undefined), { kind: 'role', arn: R('b') });
  assert.deepEqual(applyMapping('k', deny, { 'cognito:roles': `${R('a')}, ${R('b')}` }, R('b')), { kind: 'role', arn: R('b') });
  assert.deepEqual(applyMapping('k', deny, { 'cognito:roles': [R('a'), R('b')] }, undefined), { kind: 'deny', key: 'k' });
  assert.deepEqual(applyMapping('k', deny, { 'cognito:roles': [R('a')] }, R('c')), { kind: 'refused' });
  assert.deepEqual(applyMapping('k', { ...deny, AmbiguousRoleResolution: 'AuthenticatedRole' }, {}, undefined), { kind: 'authenticated' });
});

test('Rules: Equals, Contains, StartsWith, NotEqual over strings, numbers, booleans and arrays; absent claims never match', () => {
  const rule = (MatchType: string, Value: string, Claim = 'c') => ({ Claim, MatchType, Value, RoleARN: R('x') });
  assert.ok(ruleMatches(rule('Equals', 'true'), { c: true }));
  assert.ok(ruleMatches(rule('Equals', '42'), { c: 42 }));
  assert.ok(ruleMatches(rule('Contains', 'dmi'), { c: ['readers', 'admins'] }));
  assert.ok(ruleMatches(rule('StartsWith', 'sa'), { c: 'sales' }));
  assert.ok(!ruleMatches(rule('StartsWith', 'ales'), { c: 'sales' }));
  assert.ok(ruleMatches(rule('NotEqual', 'sales'), { c: 'eng' }));
  assert.ok(!ruleMatches(rule('NotEqual', 'sales'), {}));
  assert.ok(!ruleMatches(rule('NotEqual', 'a'), { c: ['a', 'b'] }));
  assert.ok(!ruleMatches(rule('Equals', '[object Object]'), { c: {} }));
  assert.ok(!ruleMatches(rule('Equals', 'x', 'toString'), {}));
  const rules = { Type: 'Rules', AmbiguousRoleResolution: 'Deny', RulesConfiguration: { Rules: [rule('Equals', 'a'), { ...rule('Equals', 'a'), RoleARN: R('y') }] } };
  assert.deepEqual(applyMapping('k', rules, { c: 'a' }, undefined), { kind: 'role', arn: R('x') });
  assert.deepEqual(applyMapping('k', rules, { c: 'a' }, R('y')), { kind: 'role', arn: R('y') });
  assert.deepEqual(applyMapping('k', rules, { c: 'b' }, undefined), { kind: 'deny', key: 'k' });
});

test('principal tags: defaults, custom maps, claims that set no tag', () => {
  const provider = 'cognito-idp.us-east-1.amazonaws.com/us-east-1_abc';
  const settings: IdentityPoolSettings = { AllowUnauthenticatedIdentities: false, CognitoIdentityProviders: [{ ProviderName: provider, ClientId: 'client1' }] };
  assert.deepEqual(principalTagMap(settings, provider, true, { ignored: 'email' }), { UseDefaults: true, PrincipalTags: { client: 'aud', username: 'sub' } });
  assert.throws(() => principalTagMap(settings, 'other', true, undefined), { name: 'InvalidParameterException' });
  assert.throws(() => principalTagMap(settings, provider, false, { 'aws:x': 'sub' }), { name: 'InvalidParameterException' });
  settings.PrincipalTagMaps = { [provider]: principalTagMap(settings, provider, false, { dept: 'custom:dept', groups: 'cognito:groups', missing: 'nope', odd: 'odd', ok: 'email_verified' }) };
  assert.deepEqual(principalTagsFor(settings, [login({ 'custom:dept': 'sales', 'cognito:groups': ['a'], odd: 'a,b', email_verified: true })]), { dept: 'sales', ok: 'true' });
  settings.PrincipalTagMaps[provider] = { UseDefaults: true, PrincipalTags: {} };
  assert.deepEqual(principalTagsFor(settings, [login({ sub: 'u1' })]), { client: 'client1', username: 'u1' });
});

test("principal tags of an identity-pool token login are the token's own; a developer's PrincipalTags are checked", () => {
  const settings: IdentityPoolSettings = { AllowUnauthenticatedIdentities: false };
  const token = { provider: 'cognito-identity.amazonaws.com', sub: 'id', identityId: 'id',
    claims: { 'https://aws.amazon.com/tags': { principal_tags: { dept: ['sales'], plain: 'x', bad: [1] } } } };
  assert.deepEqual(principalTagsFor(settings, [token]), { dept: 'sales', plain: 'x' });
  assert.deepEqual(principalTagsFor(settings, [{ ...token, claims: { 'https://aws.amazon.com/tags': ['dept'] } }]), {});
  assert.deepEqual(developerPrincipalTags({ dept: 'sales', 'a:b/c=d+e-f@g h': '' }), { dept: 'sales', 'a:b/c=d+e-f@g h': '' });
  assert.deepEqual(developerPrincipalTags(undefined), {});
  for (const bad of [{ 'AWS:x': 'v' }, { 'k!': 'v' }, { k: 'v;' }] as Record<string, string>[]) assert.throws(() => developerPrincipalTags(bad), { name: 'InvalidParameterException' });
});
