// Storage contract for IAM roles and inline policies: case-insensitive names, counted creates, paging, delete conflicts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RoleRecord } from '../../../src/storage/store.ts';
import { T0, type WithStore } from './fixtures.ts';

const role = (name: string, o: Partial<RoleRecord> = {}): RoleRecord => ({
  name,
  roleId: 'AROA' + name.toUpperCase().padEnd(17, 'X').slice(0, 17),
  arn: `arn:aws:iam::000000000000:role/${name}`,
  path: '/',
  assumeRolePolicy: '{"Version":"2012-10-17","Statement":[]}',
  maxSessionDuration: 3600,
  createdAt: T0,
  ...o,
});

export function rolesContract(withStore: WithStore): void {
  describe('roles', () => {
    test('create round-trips; names unique case-insensitively; the count limit holds', () =>
      withStore(async (store) => {
        const r = role('Auth_Rölé', { description: 'für "alle"', path: '/cognito/', maxSessionDuration: 7200, createdAt: T0 + 5 });
        assert.equal(await store.roles.create(r, 3), 'ok');
        assert.deepEqual(await store.roles.get('AUTH_RöLé'), r);
        assert.equal(await store.roles.create(role('auth_rölé'), 3), 'exists');
        assert.equal(await store.roles.create(role('b'), 3), 'ok');
        assert.equal(await store.roles.create(role('c'), 3), 'ok');
        assert.equal(await store.roles.create(role('d'), 3), 'limit');
        assert.equal(await store.roles.get('d'), null);
        assert.equal(await store.roles.setAssumeRolePolicy('B', '{"new":1}'), true);
        assert.equal((await store.roles.get('b'))!.assumeRolePolicy, '{"new":1}');
        assert.equal(await store.roles.setAssumeRolePolicy('nobody', '{}'), false);
      }));

    test('list pages by name within a path prefix', () =>
      withStore(async (store) => {
        for (const n of ['e', 'a', 'c', 'b', 'd']) await store.roles.create(role(n, n === 'c' || n === 'e' ? { path: '/x/' } : {}), 100);
        const p1 = await store.roles.list('/', 2);
        assert.deepEqual(p1.items.map((r) => r.name), ['a', 'b']);
        const p2 = await store.roles.list('/', 2, p1.next);
        assert.deepEqual(p2.items.map((r) => r.name), ['c', 'd']);
        const p3 = await store.roles.list('/', 2, p2.next);
        assert.deepEqual(p3.items.map((r) => r.name), ['e']);
        assert.equal(p3.next, undefined);
        assert.deepEqual((await store.roles.list('/x/', 10)).items.map((r) => r.name), ['c', 'e']);
        await assert.rejects(store.roles.list('/', 2, 'garbage'));
      }));

    test('inline policies: upsert, read, page, delete; a role with policies is not deleted', () =>
      withStore(async (store) => {
        await store.roles.create(role('r'), 100);
        assert.equal(await store.roles.putPolicy({ roleName: 'R', policyName: 'P1', document: '{"v":1}' }), true);
        assert.equal(await store.roles.putPolicy({ roleName: 'r', policyName: 'p1', document: '{"v":2}' }), true);
        assert.equal(await store.roles.putPolicy({ roleName: 'r', policyName: 'p0', document: '{"v":0}' }), true);
        assert.equal(await store.roles.putPolicy({ roleName: 'missing', policyName: 'p', document: '{}' }), false);
        assert.deepEqual(await store.roles.getPolicy('r', 'P1'), { roleName: 'r', policyName: 'p1', document: '{"v":2}' });
        const names = await store.roles.listPolicies('r', 1);
        assert.deepEqual(names.items, ['p0']);
        assert.deepEqual((await store.roles.listPolicies('r', 1, names.next)).items, ['p1']);
        assert.deepEqual((await store.roles.allPolicies('r')).map((p) => p.document), ['{"v":0}', '{"v":2}']);
        const both = await store.roles.getWithPolicies('R');
        assert.deepEqual(both?.role, await store.roles.get('r'));
        assert.deepEqual(both?.policies, [
          { roleName: 'R', policyName: 'p0', document: '{"v":0}' },
          { roleName: 'R', policyName: 'p1', document: '{"v":2}' },
        ]);
        assert.equal(await store.roles.getWithPolicies('missing'), null);
        assert.equal(await store.roles.delete('r'), 'conflict');
        assert.equal(await store.roles.deletePolicy('r', 'p0'), true);
        assert.equal(await store.roles.deletePolicy('r', 'p0'), false);
        assert.equal(await store.roles.deletePolicy('r', 'P1'), true);
        assert.deepEqual((await store.roles.getWithPolicies('r'))?.policies, []);
        assert.equal((await store.roles.getWithPolicies('r'))?.role.name, 'r');
        assert.equal(await store.roles.delete('R'), 'ok');
        assert.equal(await store.roles.delete('r'), 'missing');
        assert.equal(await store.roles.get('r'), null);
      }));
  });
}
