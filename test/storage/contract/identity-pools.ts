// Storage contract for identity pools: exact round trips, counted create, paging, versioned update, delete.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeCursor, InvalidCursorError } from '../../../src/storage/store.ts';
import { identityPool, T0, type WithStore } from './fixtures.ts';

const ID = 'us-east-1:0def4f54-71bd-42f5-b8d9-7e8811807670';

export function identityPoolsContract(withStore: WithStore): void {
  describe('identity pools', () => {
    test('create then get round-trips the record exactly (unicode, every member, tags)', () =>
      withStore(async (store) => {
        const p = identityPool(ID, {
          name: 'Ünïcödé pool',
          createdAt: T0 + 1,
          updatedAt: T0 + 2,
          version: 3,
          settings: {
            AllowUnauthenticatedIdentities: true,
            AllowClassicFlow: false,
            SupportedLoginProviders: { 'graph.facebook.com': '1234', 'accounts.google.com': 'ïd.apps' },
            DeveloperProviderName: 'login.example.app',
            OpenIdConnectProviderARNs: ['arn:aws:iam::123456789012:oidc-provider/example.com'],
            CognitoIdentityProviders: [{ ProviderName: 'cognito-idp.us-east-1.amazonaws.com/us-east-1_abc', ClientId: 'c1', ServerSideTokenCheck: true }],
            SamlProviderARNs: ['arn:aws:iam::123456789012:saml-provider/corp'],
          },
          tags: { team: 'ïdentity', emoji: '🙂' },
        });
        assert.equal(await store.identityPools.create(p, 10), 'ok');
        assert.deepEqual(await store.identityPools.get(ID), p);
        assert.equal(await store.identityPools.get('us-east-1:00000000-0000-0000-0000-000000000000'), null);
        assert.equal(await store.pools.get(ID), null, 'identity pools are apart from user pools');
      }));

    test("create answers 'limit' at the maximum and stores nothing; concurrent creates never exceed it", () =>
      withStore(async (store) => {
        assert.equal(await store.identityPools.create(identityPool('r:1'), 2), 'ok');
        assert.equal(await store.identityPools.create(identityPool('r:2'), 2), 'ok');
        assert.equal(await store.identityPools.create(identityPool('r:3'), 2), 'limit');
        assert.equal(await store.identityPools.get('r:3'), null);
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.identityPools.create(identityPool(`race:${i}`), 6)));
        assert.equal(results.filter((r) => r === 'ok').length, 4);
        assert.equal((await store.identityPools.list(60)).items.length, 6);
      }));

    test('list pages in (createdAt, id) order with stable cursors; a foreign cursor is refused', () =>
      withStore(async (store) => {
        const spec: [string, number][] = [['r:e', T0 + 3], ['r:a', T0 + 1], ['r:c', T0 + 2], ['r:b', T0 + 2], ['r:d', T0]];
        for (const [id, createdAt] of spec) await store.identityPools.create(identityPool(id, { createdAt }), 100);
        const ids: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const p = await store.identityPools.list(2, cursor);
          ids.push(...p.items.map((x) => x.id));
          cursor = p.next;
          pages++;
        } while (cursor);
        assert.deepEqual(ids, ['r:d', 'r:a', 'r:b', 'r:c', 'r:e']);
        assert.equal(pages, 3);
        assert.deepEqual((await store.identityPools.list(10, encodeCursor(T0 + 2, 'r:b'))).items.map((x) => x.id), ['r:c', 'r:e']);
        await assert.rejects(store.identityPools.list(2, 'not-a-cursor'), InvalidCursorError);
      }));

    test('update is conditional on the version; delete removes it once', () =>
      withStore(async (store) => {
        const p = identityPool(ID);
        await store.identityPools.create(p, 10);
        const next = { ...p, name: 'renamed', version: 2, updatedAt: T0 + 9, settings: { AllowUnauthenticatedIdentities: true }, tags: { a: 'b' } };
        assert.equal(await store.identityPools.update(next), true);
        assert.equal(await store.identityPools.update({ ...next, name: 'stale' }), false, 'version 2 is no longer version 1 ahead');
        assert.deepEqual(await store.identityPools.get(ID), next);
        assert.equal(await store.identityPools.update(identityPool('r:missing', { version: 2 })), false);
        assert.equal(await store.identityPools.delete(ID), true);
        assert.equal(await store.identityPools.delete(ID), false);
        assert.equal(await store.identityPools.get(ID), null);
      }));
  });
}
