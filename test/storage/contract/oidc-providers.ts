// Storage contract for IAM OpenID Connect providers: round trips by ARN, counted creates, listing, delete.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OidcProviderRecord } from '../../../src/storage/store.ts';
import { T0, type WithStore } from './fixtures.ts';

const provider = (host: string, o: Partial<OidcProviderRecord> = {}): OidcProviderRecord => ({
  arn: `arn:aws:iam::000000000000:oidc-provider/${host}`,
  url: `https://${host}`,
  clientIds: [],
  thumbprints: [],
  createdAt: T0,
  ...o,
});

export function oidcProvidersContract(withStore: WithStore): void {
  describe('oidc providers', () => {
    test('create round-trips by ARN; one per ARN; the count limit holds; list by ARN; delete', () =>
      withStore(async (store) => {
        const b = provider('b.example.com/tenant/ü', { clientIds: ['app-1', 'app "2"'], thumbprints: ['a'.repeat(40)], createdAt: T0 + 7 });
        assert.equal(await store.oidcProviders.create(b, 2), 'ok');
        assert.deepEqual(await store.oidcProviders.get(b.arn), b);
        assert.equal(await store.oidcProviders.create(provider('b.example.com/tenant/ü'), 2), 'exists');
        const a = provider('127.0.0.1:8080', { url: 'http://127.0.0.1:8080' });
        assert.equal(await store.oidcProviders.create(a, 2), 'ok');
        assert.equal(await store.oidcProviders.create(provider('c.example.com'), 2), 'limit');
        assert.deepEqual(await store.oidcProviders.list(), [a, b]);
        assert.equal(await store.oidcProviders.get(provider('c.example.com').arn), null);
        assert.equal(await store.oidcProviders.delete(a.arn), true);
        assert.equal(await store.oidcProviders.delete(a.arn), false);
        assert.deepEqual(await store.oidcProviders.list(), [b]);
        assert.equal(await store.oidcProviders.create(provider('c.example.com'), 2), 'ok');
      }));
  });
}
