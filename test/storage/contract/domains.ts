// Storage contract for domains: hosted-UI domains, unique across pools.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pool, domain, T0, type WithStore } from './fixtures.ts';

export function domainsContract(withStore: WithStore): void {
  describe('domains', () => {
    test('create then get round-trips; prefix and custom domains', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        const prefix = domain('my-prefix', 'p1', { createdAt: T0 + 1, updatedAt: T0 + 1 });
        const custom = domain('auth.exämple.com', 'p1', {
          custom: true,
          createdAt: T0 + 2,
          updatedAt: T0 + 3,
          settings: { CustomDomainConfig: { CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' } },
        });
        assert.equal(await store.domains.create(prefix), 'ok');
        assert.equal(await store.domains.create(custom), 'ok');
        assert.deepEqual(await store.domains.get('my-prefix'), prefix);
        assert.deepEqual(await store.domains.get('auth.exämple.com'), custom);
        assert.equal(await store.domains.get('missing'), null);
      }));

    test('a domain name is unique across pools: exists, and the holder is unchanged', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        const d = domain('taken', 'p1', { settings: { v: 1 } });
        assert.equal(await store.domains.create(d), 'ok');
        assert.equal(await store.domains.create(domain('taken', 'p2', { settings: { v: 2 } })), 'exists');
        assert.equal(await store.domains.create(domain('taken', 'p1', { settings: { v: 3 } })), 'exists');
        assert.deepEqual(await store.domains.get('taken'), d);
        assert.deepEqual(await store.domains.listForPool('p2'), []);
      }));

    test('listForPool returns the pool’s domains in creation order', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        const b = domain('b-second', 'p1', { createdAt: T0 + 2 });
        const a = domain('a-first', 'p1', { createdAt: T0 + 1 });
        const c = domain('c-tie', 'p1', { createdAt: T0 + 2, custom: true });
        for (const d of [b, a, c, domain('elsewhere', 'p2')]) assert.equal(await store.domains.create(d), 'ok');
        assert.deepEqual(await store.domains.listForPool('p1'), [a, b, c]);
        assert.deepEqual(await store.domains.listForPool('none'), []);
      }));

    test('update writes settings and updatedAt for the owning pool only; delete', () =>
      withStore(async (store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        const d = domain('auth.example.com', 'p1', { custom: true, settings: { CustomDomainConfig: { CertificateArn: 'old' } } });
        await store.domains.create(d);
        const next = { ...d, updatedAt: T0 + 50, settings: { CustomDomainConfig: { CertificateArn: 'new' } } };
        assert.equal(await store.domains.update(next), true);
        assert.deepEqual(await store.domains.get(d.domain), next);
        assert.equal(await store.domains.update({ ...next, poolId: 'p2', settings: { hijack: true } }), false);
        assert.deepEqual(await store.domains.get(d.domain), next);
        assert.equal(await store.domains.update(domain('missing', 'p1')), false);

        assert.equal(await store.domains.delete(d.domain), true);
        assert.equal(await store.domains.get(d.domain), null);
        assert.equal(await store.domains.delete(d.domain), false);
        assert.equal(await store.domains.create(domain(d.domain, 'p2')), 'ok', 'a deleted name can be taken again');
      }));
  });
}
