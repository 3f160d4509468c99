// Storage contract for IAM SAML providers: round trips by ARN, counted creates, listing, metadata updates, delete.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SamlProviderRecord } from '../../../src/storage/store.ts';
import { T0, type WithStore } from './fixtures.ts';

const provider = (name: string, o: Partial<SamlProviderRecord> = {}): SamlProviderRecord => ({
  arn: `arn:aws:iam::000000000000:saml-provider/${name}`,
  metadata: `<EntityDescriptor entityID="https://${name}.example.com/ü"/>`,
  validUntil: null,
  createdAt: T0,
  ...o,
});

export function samlProvidersContract(withStore: WithStore): void {
  describe('saml providers', () => {
    test('create round-trips by ARN; one per ARN; the count limit holds; list by ARN; update; delete', () =>
      withStore(async (store) => {
        const b = provider('b-corp', { validUntil: T0 + 86_400_000, createdAt: T0 + 7 });
        assert.equal(await store.samlProviders.create(b, 2), 'ok');
        assert.deepEqual(await store.samlProviders.get(b.arn), b);
        assert.equal(await store.samlProviders.create(provider('b-corp'), 2), 'exists');
        const a = provider('A.corp_1');
        assert.equal(await store.samlProviders.create(a, 2), 'ok');
        assert.equal(await store.samlProviders.create(provider('c'), 2), 'limit');
        assert.deepEqual(await store.samlProviders.list(), [a, b]);
        assert.equal(await store.samlProviders.get(provider('c').arn), null);
        assert.equal(await store.samlProviders.update(a.arn, '<EntityDescriptor entityID="x"/>', T0 + 1), true);
        assert.deepEqual(await store.samlProviders.get(a.arn), { ...a, metadata: '<EntityDescriptor entityID="x"/>', validUntil: T0 + 1 });
        assert.equal(await store.samlProviders.update(b.arn, b.metadata, null), true);
        assert.equal((await store.samlProviders.get(b.arn))!.validUntil, null);
        assert.equal(await store.samlProviders.update(provider('c').arn, 'x', null), false);
        assert.equal(await store.samlProviders.delete(a.arn), true);
        assert.equal(await store.samlProviders.delete(a.arn), false);
        assert.deepEqual((await store.samlProviders.list()).map((p) => p.arn), [b.arn]);
        assert.equal(await store.samlProviders.create(provider('c'), 2), 'ok');
      }));
  });
}
