import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupRecord } from '../../storage/records.ts';
import { groupClaimsOf, groupType } from './groups.ts';

const g = (name: string, precedence: number | null, roleArn: string | null = null): GroupRecord => ({
  poolId: 'us-east-1_groups001',
  name,
  description: null,
  roleArn,
  precedence,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_500_500,
});
const role = (n: string) => `arn:aws:iam::123456789012:role/${n}`;

test('no groups, no claims', () => {
  assert.deepEqual(groupClaimsOf([]), {});
});

test('groups without roles: only cognito:groups, lowest precedence first, groups without precedence last', () => {
  assert.deepEqual(groupClaimsOf([g('zeta', null), g('beta', 5), g('alpha', null), g('gamma', 0)]), {
    'cognito:groups': ['gamma', 'beta', 'alpha', 'zeta'],
  });
});

test('roles: every distinct role, and the preferred one from the highest-precedence group that has a role', () => {
  assert.deepEqual(groupClaimsOf([g('readers', 10, role('read')), g('admins', 1, role('admin')), g('plain', 0), g('also-read', 20, role('read'))]), {
    'cognito:groups': ['plain', 'admins', 'readers', 'also-read'],
    'cognito:roles': [role('admin'), role('read')],
    'cognito:preferred_role': role('admin'),
  });
});

test('a tie at the top with different roles sets no preferred role; the same role is still preferred', () => {
  assert.deepEqual(groupClaimsOf([g('a', 1, role('x')), g('b', 1, role('y')), g('c', 2, role('z'))]), {
    'cognito:groups': ['a', 'b', 'c'],
    'cognito:roles': [role('x'), role('y'), role('z')],
  });
  assert.deepEqual(groupClaimsOf([g('a', 1, role('x')), g('b', 1, role('x'))])['cognito:preferred_role'], role('x'));
  // Groups without precedence tie with each other, and lose to any group with one.
  assert.equal(groupClaimsOf([g('a', null, role('x')), g('b', null, role('y'))])['cognito:preferred_role'], undefined);
  assert.equal(groupClaimsOf([g('a', null, role('x')), g('b', 99, role('y'))])['cognito:preferred_role'], role('y'));
});

test('GroupType leaves out what the group does not have; dates in epoch seconds', () => {
  assert.deepEqual(groupType(g('a', null)), {
    GroupName: 'a',
    UserPoolId: 'us-east-1_groups001',
    LastModifiedDate: 1_700_000_500.5,
    CreationDate: 1_700_000_000,
  });
  assert.deepEqual(groupType({ ...g('b', 0, role('r')), description: '' }), {
    GroupName: 'b',
    UserPoolId: 'us-east-1_groups001',
    Description: '',
    RoleArn: role('r'),
    Precedence: 0,
    LastModifiedDate: 1_700_000_500.5,
    CreationDate: 1_700_000_000,
  });
});
