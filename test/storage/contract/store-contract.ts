// The storage contract: one suite of Store behaviour, run on every backend (SQLite file, PostgreSQL). A backend is done when it passes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClientRecord, DomainRecord, KeyUse, PoolRecord, SigningKeyRecord } from '../../../src/storage/records.ts';
import { encodeCursor, InvalidCursorError, type Store } from '../../../src/storage/store.ts';

/** What a backend hands the suite for one test: a store over an empty database, not yet migrated. */
export interface ContractTarget {
  store: Store;
  /** Removes the database (temp dir, schema). The suite closes every store it was given before calling it. */
  cleanup: () => Promise<void>;
  /** Opens another Store over the same database: a restart, or a second server process. */
  reopen?: () => Promise<Store>;
}

// Epoch-ms times near today's, large enough that a 32-bit or string round trip would show.
const T0 = 1_722_000_000_000;

export function pool(id: string, over: Partial<PoolRecord> = {}): PoolRecord {
  return {
    id,
    name: `pool ${id}`,
    arn: `arn:aws:cognito-idp:us-east-1:123456789012:userpool/${id}`,
    createdAt: T0,
    updatedAt: T0,
    version: 1,
    settings: { Policies: { PasswordPolicy: { MinimumLength: 8, RequireSymbols: true } } },
    tags: {},
    ...over,
  };
}

export function client(id: string, poolId: string, over: Partial<ClientRecord> = {}): ClientRecord {
  return {
    id,
    poolId,
    name: `client ${id}`,
    secrets: [],
    createdAt: T0,
    updatedAt: T0,
    version: 1,
    settings: { ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
    ...over,
  };
}

export function domain(name: string, poolId: string, over: Partial<DomainRecord> = {}): DomainRecord {
  return { domain: name, poolId, custom: false, createdAt: T0, updatedAt: T0, settings: {}, ...over };
}

export function key(kid: string, poolId: string, use: KeyUse, createdAt: number, over: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  return {
    kid,
    poolId,
    use,
    alg: 'RS256',
    publicJwk: { kty: 'RSA', n: `n-of-${kid}`, e: 'AQAB' },
    privateSealed: `sealed:${kid}`,
    certificate: null,
    createdAt,
    retiresAt: null,
    ...over,
  };
}

/** Settings that exercise every JSON shape a configuration document holds. */
const richSettings = {
  Policies: { PasswordPolicy: { MinimumLength: 12, RequireUppercase: true, TemporaryPasswordValidityDays: 7 } },
  Schema: [
    { Name: 'email', AttributeDataType: 'String', Required: true, StringAttributeConstraints: { MinLength: '0', MaxLength: '2048' } },
    { Name: 'custom:ünïcode', AttributeDataType: 'Number', Mutable: false },
  ],
  EmailVerificationMessage: 'Votre code: {####} — 確認コード 🔐 "quoted" \\ back\\slash\nnew line\ttab',
  AutoVerifiedAttributes: [],
  LambdaConfig: {},
  Deep: { a: { b: { c: { d: [1, 2.5, -3, 0, null, false, 'x', { e: [] }] } } } },
  Ratio: 0.1,
  Big: 9_007_199_254_740_991,
  Nothing: null,
};

export function storeContract(name: string, open: () => Promise<ContractTarget>): void {
  /** Runs `fn` on a fresh, migrated store; closes every store it opened and removes the database, pass or fail. */
  const withStore = async (fn: (store: Store, reopen: (() => Promise<Store>) | undefined) => Promise<void>, migrate = true) => {
    const target = await open();
    const opened: Store[] = [];
    const closed = new Set<Store>();
    // Stores are handed out with an idempotent close(), so a test may close one and the suite may close it again.
    const guard = (s: Store): Store => {
      const g: Store = {
        ...s,
        kind: s.kind,
        migrate: () => s.migrate(),
        async close() {
          if (closed.has(g)) return;
          closed.add(g);
          await s.close();
        },
      };
      opened.push(g);
      return g;
    };
    try {
      const store = guard(target.store);
      if (migrate) await store.migrate();
      const reopen = target.reopen && (async () => guard(await target.reopen!()));
      await fn(store, reopen);
    } finally {
      for (const s of opened) await s.close();
      await target.cleanup();
    }
  };

  describe(`${name} store contract`, () => {
    describe('migrate', () => {
      test('applies every migration once, in ascending order; a second call applies nothing', () =>
        withStore(async (store) => {
          const first = await store.migrate();
          assert.ok(first.length > 0, 'the first migrate() applies something');
          assert.deepEqual(first, [...first].sort((a, b) => a - b));
          assert.equal(first[0], 1);
          assert.deepEqual(await store.migrate(), []);
          assert.deepEqual(await store.migrate(), []);
          assert.equal(await store.pools.count(), 0);
        }, false));
    });

    describe('meta', () => {
      test('get is null for a missing key; setIfAbsent keeps the first value', () =>
        withStore(async (store) => {
          assert.equal(await store.meta.get('master-key-check'), null);
          assert.equal(await store.meta.setIfAbsent('master-key-check', 'first ✓'), 'first ✓');
          assert.equal(await store.meta.setIfAbsent('master-key-check', 'second'), 'first ✓');
          assert.equal(await store.meta.get('master-key-check'), 'first ✓');
          assert.equal(await store.meta.setIfAbsent('other', ''), '');
          assert.equal(await store.meta.get('other'), '');
        }));

      test('concurrent setIfAbsent calls all return the one stored value', () =>
        withStore(async (store) => {
          const values = await Promise.all(Array.from({ length: 8 }, (_, i) => store.meta.setIfAbsent('race', `v${i}`)));
          const stored = await store.meta.get('race');
          assert.ok(stored !== null && /^v[0-7]$/.test(stored));
          assert.deepEqual(values, values.map(() => stored));
        }));
    });

    describe('pools', () => {
      test('create then get round-trips the record exactly (unicode, nested settings, tags)', () =>
        withStore(async (store) => {
          const p = pool('us-east-1_Ünï', {
            name: 'Ünïcödé pool 池 🚀',
            createdAt: T0 + 1,
            updatedAt: T0 + 2,
            version: 3,
            settings: richSettings,
            tags: { team: 'ïdentity', 'cost-center': '42', emoji: '🙂' },
          });
          assert.equal(await store.pools.create(p, [], 10), 'ok');
          assert.deepEqual(await store.pools.get(p.id), p);
          assert.equal(await store.pools.get('us-east-1_missing'), null);
          assert.equal(await store.pools.count(), 1);
        }));

      test('create returns limit at the maximum and stores nothing (not even the keys)', () =>
        withStore(async (store) => {
          assert.equal(await store.pools.create(pool('p1'), [key('k1', 'p1', 'id', T0)], 2), 'ok');
          assert.equal(await store.pools.create(pool('p2'), [], 2), 'ok');
          assert.equal(await store.pools.create(pool('p3'), [key('k3', 'p3', 'id', T0)], 2), 'limit');
          assert.equal(await store.pools.count(), 2);
          assert.equal(await store.pools.get('p3'), null);
          assert.deepEqual(await store.keys.listForPool('p3'), []);
          assert.equal(await store.pools.create(pool('p3'), [], 3), 'ok');
          assert.equal(await store.pools.create(pool('p4'), [], 0), 'limit');
        }));

      test('concurrent creates never exceed the limit', () =>
        withStore(async (store) => {
          const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.pools.create(pool(`race-${i}`), [], 5)));
          assert.equal(results.filter((r) => r === 'ok').length, 5);
          assert.equal(results.filter((r) => r === 'limit').length, 5);
          assert.equal(await store.pools.count(), 5);
        }));

      test('list pages 7 pools by 3 in (createdAt, id) order with stable cursors', () =>
        withStore(async (store) => {
          // Inserted out of order; ties on createdAt are broken by id, byte-wise (upper case before lower case).
          const spec: [string, number][] = [
            ['p-g', T0 + 5],
            ['p-a', T0 + 1],
            ['p-c', T0 + 3],
            ['p-b', T0 + 3],
            ['p-B', T0 + 3],
            ['p-e', T0 + 4],
            ['p-d', T0 + 2],
          ];
          for (const [id, t] of spec) assert.equal(await store.pools.create(pool(id, { createdAt: t }), [], 100), 'ok');
          const expected = ['p-a', 'p-d', 'p-B', 'p-b', 'p-c', 'p-e', 'p-g'];

          const p1 = await store.pools.list(3);
          assert.deepEqual(p1.items.map((p) => p.id), expected.slice(0, 3));
          assert.ok(p1.next);
          const p2 = await store.pools.list(3, p1.next);
          assert.deepEqual(p2.items.map((p) => p.id), expected.slice(3, 6));
          assert.ok(p2.next);
          const p3 = await store.pools.list(3, p2.next);
          assert.deepEqual(p3.items.map((p) => p.id), expected.slice(6));
          assert.equal(p3.next, undefined);

          // Items are whole records, and a cursor read twice gives the same page.
          assert.deepEqual(p1.items[0], pool('p-a', { createdAt: T0 + 1 }));
          assert.deepEqual(await store.pools.list(3, p1.next), p2);

          // A cursor stays valid across writes: a pool deleted before it, or created after the end, does not shift the page.
          assert.equal(await store.pools.delete('p-a'), true);
          assert.equal(await store.pools.create(pool('p-z', { createdAt: T0 + 9 }), [], 100), 'ok');
          assert.deepEqual((await store.pools.list(3, p1.next)).items.map((p) => p.id), expected.slice(3, 6));
          const tail = await store.pools.list(3, p2.next);
          assert.deepEqual(tail.items.map((p) => p.id), ['p-g', 'p-z']);
          assert.equal(tail.next, undefined);

          // A page that is exactly full has no next; a large limit returns everything.
          const all = await store.pools.list(7);
          assert.equal(all.items.length, 7);
          assert.equal(all.next, undefined);
          assert.equal((await store.pools.list(100)).items.length, 7);
          // A cursor is the keyset position, so one made for a position with no row still pages from there.
          assert.deepEqual((await store.pools.list(2, encodeCursor(T0 + 3, 'p-a'))).items.map((p) => p.id), ['p-b', 'p-c']);
        }));

      test('list of no pools is an empty last page', () =>
        withStore(async (store) => {
          assert.deepEqual(await store.pools.list(3), { items: [] });
        }));

      test('list rejects a cursor it did not make with InvalidCursorError', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          for (const bad of ['not-a-cursor', '', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('["1","x"]').toString('base64url')])
            await assert.rejects(store.pools.list(3, bad), InvalidCursorError, `cursor ${JSON.stringify(bad)}`);
        }));

      test('update is conditional on the version', () =>
        withStore(async (store) => {
          const p = pool('p1', { tags: { a: '1' } });
          await store.pools.create(p, [], 10);
          const v2 = { ...p, name: 'renamed ✎', updatedAt: T0 + 10, version: 2, settings: richSettings, tags: { b: '2' } };
          assert.equal(await store.pools.update(v2), true);
          assert.deepEqual(await store.pools.get('p1'), v2);

          // A writer that read version 1 and bumped it to 2 loses: the stored version is already 2.
          assert.equal(await store.pools.update({ ...p, name: 'stale', version: 2 }), false);
          // So does one that skips a version.
          assert.equal(await store.pools.update({ ...v2, name: 'skipped', version: 4 }), false);
          assert.deepEqual(await store.pools.get('p1'), v2);

          assert.equal(await store.pools.update({ ...v2, version: 3, updatedAt: T0 + 20 }), true);
          assert.equal((await store.pools.get('p1'))!.version, 3);
          assert.equal(await store.pools.update(pool('missing', { version: 2 })), false);
          assert.equal(await store.pools.get('missing'), null);
        }));

      test('delete removes the pool with its clients, domains and keys, and nothing of other pools', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [key('k1-id', 'p1', 'id', T0), key('k1-access', 'p1', 'access', T0)], 10);
          await store.pools.create(pool('p2'), [key('k2-id', 'p2', 'id', T0)], 10);
          await store.clients.create(client('c1', 'p1'), 10);
          await store.clients.create(client('c2', 'p1'), 10);
          await store.clients.create(client('c3', 'p2'), 10);
          await store.domains.create(domain('one', 'p1'));
          await store.domains.create(domain('auth.example.com', 'p1', { custom: true }));
          await store.domains.create(domain('two', 'p2'));
          await store.keys.add([key('k1-saml', 'p1', 'saml', T0 + 1)]);

          assert.equal(await store.pools.delete('p1'), true);
          assert.equal(await store.pools.get('p1'), null);
          assert.equal(await store.clients.get('c1'), null);
          assert.equal(await store.clients.get('c2'), null);
          assert.deepEqual(await store.clients.list('p1', 10), { items: [] });
          assert.equal(await store.domains.get('one'), null);
          assert.equal(await store.domains.get('auth.example.com'), null);
          assert.deepEqual(await store.domains.listForPool('p1'), []);
          assert.deepEqual(await store.keys.listForPool('p1'), []);
          assert.equal(await store.pools.count(), 1);

          assert.deepEqual(await store.clients.get('c3'), client('c3', 'p2'));
          assert.deepEqual(await store.domains.get('two'), domain('two', 'p2'));
          assert.deepEqual(await store.keys.listForPool('p2'), [key('k2-id', 'p2', 'id', T0)]);

          assert.equal(await store.pools.delete('p1'), false);
          assert.equal(await store.pools.delete('never'), false);
          // The names the deleted pool held are free again.
          assert.equal(await store.domains.create(domain('one', 'p2')), 'ok');
          assert.equal(await store.pools.create(pool('p1'), [key('k1-id', 'p1', 'id', T0)], 10), 'ok');
        }));
    });

    describe('clients', () => {
      test('create then get by client id alone round-trips the record exactly', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          const c = client('3n4b5urk1ft4fl3mg5e62d9ado', 'p1', {
            name: 'Mobile app — ünïcode 📱',
            secrets: [
              { id: 's1', sealed: 'v1.sealed.AAAA', createdAt: T0 },
              { id: 's2', sealed: 'v1.sealed.BBBB', createdAt: T0 + 5 },
            ],
            createdAt: T0 + 7,
            updatedAt: T0 + 8,
            version: 2,
            settings: richSettings,
          });
          assert.equal(await store.clients.create(c, 10), 'ok');
          assert.deepEqual(await store.clients.get(c.id), c);
          assert.equal(await store.clients.get('missing'), null);
        }));

      test('create returns limit at the pool maximum; other pools are counted apart', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          assert.equal(await store.clients.create(client('a1', 'p1'), 2), 'ok');
          assert.equal(await store.clients.create(client('a2', 'p1'), 2), 'ok');
          assert.equal(await store.clients.create(client('a3', 'p1'), 2), 'limit');
          assert.equal(await store.clients.get('a3'), null);
          assert.equal(await store.clients.create(client('b1', 'p2'), 2), 'ok');
          assert.equal(await store.clients.create(client('b2', 'p2'), 2), 'ok');
          assert.equal(await store.clients.create(client('b3', 'p2'), 2), 'limit');
          assert.equal(await store.clients.delete('p1', 'a1'), true);
          assert.equal(await store.clients.create(client('a3', 'p1'), 2), 'ok');
        }));

      test('concurrent creates never exceed the limit', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.clients.create(client(`c${i}`, 'p1'), 5)));
          assert.equal(results.filter((r) => r === 'ok').length, 5);
          assert.equal(results.filter((r) => r === 'limit').length, 5);
          assert.equal((await store.clients.list('p1', 100)).items.length, 5);
        }));

      test('list pages one pool’s clients by 3 in (createdAt, id) order', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          for (let i = 6; i >= 0; i--) await store.clients.create(client(`c${i}`, 'p1', { createdAt: T0 + Math.floor(i / 2) }), 100);
          await store.clients.create(client('other', 'p2', { createdAt: T0 }), 100);
          const ids: string[] = [];
          const sizes: number[] = [];
          let cursor: string | undefined;
          do {
            const page = await store.clients.list('p1', 3, cursor);
            ids.push(...page.items.map((c) => c.id));
            sizes.push(page.items.length);
            if (page.next) assert.deepEqual(await store.clients.list('p1', 3, page.next), await store.clients.list('p1', 3, page.next));
            cursor = page.next;
          } while (cursor);
          assert.deepEqual(sizes, [3, 3, 1]);
          assert.deepEqual(ids, ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
          assert.deepEqual((await store.clients.list('p2', 3)).items, [client('other', 'p2', { createdAt: T0 })]);
          assert.deepEqual(await store.clients.list('nope', 3), { items: [] });
          await assert.rejects(store.clients.list('p1', 3, 'garbage!'), InvalidCursorError);
        }));

      test('update is conditional on the version', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          const c = client('c1', 'p1');
          await store.clients.create(c, 10);
          const v2 = {
            ...c,
            name: 'renamed',
            version: 2,
            updatedAt: T0 + 1,
            secrets: [{ id: 's1', sealed: 'x', createdAt: T0 + 1 }],
            settings: { CallbackURLs: ['https://example.com/cb'] },
          };
          assert.equal(await store.clients.update(v2), true);
          assert.deepEqual(await store.clients.get('c1'), v2);
          assert.equal(await store.clients.update({ ...c, name: 'stale', version: 2 }), false);
          assert.deepEqual(await store.clients.get('c1'), v2);
          // The pool id must match too: a client is never moved to, or written through, another pool.
          await store.pools.create(pool('p2'), [], 10);
          assert.equal(await store.clients.update({ ...v2, poolId: 'p2', version: 3 }), false);
          assert.deepEqual(await store.clients.get('c1'), v2);
          assert.equal(await store.clients.update(client('missing', 'p1', { version: 2 })), false);
        }));

      test('delete needs the right pool; a second delete is false', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          await store.clients.create(client('c1', 'p1'), 10);
          assert.equal(await store.clients.delete('p2', 'c1'), false);
          assert.ok(await store.clients.get('c1'));
          assert.equal(await store.clients.delete('p1', 'c1'), true);
          assert.equal(await store.clients.get('c1'), null);
          assert.equal(await store.clients.delete('p1', 'c1'), false);
          assert.ok(await store.pools.get('p1'), 'deleting a client leaves its pool');
        }));
    });

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

    describe('signing keys', () => {
      test('keys created with the pool round-trip, newest first', () =>
        withStore(async (store) => {
          const older = key('kid-older', 'p1', 'id', T0, { publicJwk: { kty: 'RSA', n: 'bmFtZQ', e: 'AQAB' } });
          const newer = key('kid-newer', 'p1', 'access', T0 + 1);
          const saml = key('kid-saml', 'p1', 'saml', T0 + 2, {
            alg: 'RS256',
            certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
            retiresAt: T0 + 1_000,
          });
          await store.pools.create(pool('p1'), [older, newer, saml], 10);
          await store.pools.create(pool('p2'), [key('kid-p2', 'p2', 'id', T0 + 5)], 10);
          assert.deepEqual(await store.keys.listForPool('p1'), [saml, newer, older]);
          assert.deepEqual(await store.keys.listForPool('missing'), []);
        }));

      test('rotate retires the current keys of the added uses and adds the new ones unretired', () =>
        withStore(async (store) => {
          const id1 = key('id-1', 'p1', 'id', T0);
          const access1 = key('access-1', 'p1', 'access', T0);
          const saml1 = key('saml-1', 'p1', 'saml', T0);
          await store.pools.create(pool('p1'), [id1, access1, saml1], 10);
          await store.pools.create(pool('p2'), [key('p2-id', 'p2', 'id', T0)], 10);

          const id2 = key('id-2', 'p1', 'id', T0 + 100);
          const access2 = key('access-2', 'p1', 'access', T0 + 100);
          await store.keys.rotate('p1', [id2, access2], T0 + 1_000);
          const after = await store.keys.listForPool('p1');
          // Newest first; ties on createdAt by kid.
          assert.deepEqual(after, [
            access2,
            id2,
            { ...access1, retiresAt: T0 + 1_000 },
            { ...id1, retiresAt: T0 + 1_000 },
            saml1,
          ]);
          assert.deepEqual(await store.keys.listForPool('p2'), [key('p2-id', 'p2', 'id', T0)], 'other pools are untouched');

          // A second rotation of id keys only: the already-retired id-1 keeps its first retiresAt.
          const id3 = key('id-3', 'p1', 'id', T0 + 200);
          await store.keys.rotate('p1', [id3], T0 + 2_000);
          const byKid = new Map((await store.keys.listForPool('p1')).map((k) => [k.kid, k]));
          assert.equal(byKid.get('id-1')!.retiresAt, T0 + 1_000);
          assert.equal(byKid.get('id-2')!.retiresAt, T0 + 2_000);
          assert.equal(byKid.get('id-3')!.retiresAt, null);
          assert.equal(byKid.get('access-2')!.retiresAt, null);
          assert.equal(byKid.get('saml-1')!.retiresAt, null);
          assert.equal((await store.keys.listForPool('p1'))[0]!.kid, 'id-3');
        }));

      test('rotate is all or nothing: a clashing kid leaves the old keys current', () =>
        withStore(async (store) => {
          const id1 = key('id-1', 'p1', 'id', T0);
          await store.pools.create(pool('p1'), [id1], 10);
          await assert.rejects(store.keys.rotate('p1', [key('id-2', 'p1', 'id', T0 + 1), key('id-1', 'p1', 'id', T0 + 1)], T0 + 5));
          assert.deepEqual(await store.keys.listForPool('p1'), [id1]);
        }));

      test('add inserts keys without retiring any', () =>
        withStore(async (store) => {
          const id1 = key('id-1', 'p1', 'id', T0);
          await store.pools.create(pool('p1'), [id1], 10);
          const extra = [key('id-extra', 'p1', 'id', T0 + 1), key('saml-extra', 'p1', 'saml', T0 + 2, { certificate: 'PEM' })];
          await store.keys.add(extra);
          assert.deepEqual(await store.keys.listForPool('p1'), [extra[1], extra[0], id1]);
          await store.keys.add([]);
          assert.equal((await store.keys.listForPool('p1')).length, 3);
        }));
    });

    describe('durability', () => {
      test('data survives close and reopen; a reopened store has nothing to migrate', (t) =>
        withStore(async (store, reopen) => {
          if (!reopen) return t.skip('this backend cannot reopen its database');
          const p = pool('p1', { name: 'Persistent ☂', settings: richSettings, tags: { k: 'v' } });
          const keys = [key('id-1', 'p1', 'id', T0), key('access-1', 'p1', 'access', T0 + 1)];
          const c = client('c1', 'p1', { secrets: [{ id: 's', sealed: 'sealed', createdAt: T0 }] });
          const d = domain('persist', 'p1', { custom: false, settings: { nested: { ok: true } } });
          assert.equal(await store.pools.create(p, keys, 10), 'ok');
          assert.equal(await store.clients.create(c, 10), 'ok');
          assert.equal(await store.domains.create(d), 'ok');
          await store.keys.rotate('p1', [key('id-2', 'p1', 'id', T0 + 2)], T0 + 9);
          assert.equal(await store.meta.setIfAbsent('install-id', 'abc'), 'abc');
          const keysBefore = await store.keys.listForPool('p1');
          await store.close();

          const again = await reopen!();
          assert.deepEqual(await again.migrate(), []);
          assert.deepEqual(await again.pools.get('p1'), p);
          assert.deepEqual(await again.clients.get('c1'), c);
          assert.deepEqual(await again.domains.get('persist'), d);
          assert.deepEqual(await again.keys.listForPool('p1'), keysBefore);
          assert.equal(await again.meta.get('install-id'), 'abc');
          assert.equal(await again.pools.count(), 1);
          assert.deepEqual((await again.pools.list(10)).items, [p]);
        }));
    });
  });
}
