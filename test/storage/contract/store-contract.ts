// The storage contract: one suite of Store behaviour, run on every backend (SQLite file, PostgreSQL). A backend is done when it passes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type {
  AuthSessionRecord,
  ClientRecord,
  CodeRecord,
  DomainRecord,
  KeyUse,
  OutboxMessage,
  PoolRecord,
  RefreshTokenRecord,
  SigningKeyRecord,
  UserRecord,
  GroupRecord,
} from '../../../src/storage/records.ts';
import { encodeCursor, InvalidCursorError, type Store, type UserFilter, type UserStore } from '../../../src/storage/store.ts';

type ListUsersOptions = Parameters<UserStore['list']>[1];

/** What a backend hands the suite for one test: a store over an empty database, not yet migrated. */
export interface ContractTarget {
  store: Store;
  /** Removes the database (temp dir, schema). The suite closes every store it was given before calling it. */
  cleanup: () => Promise<void>;
  /** Opens another Store over the same database: a restart, or a second server process. */
  reopen?: () => Promise<Store>;
  /** The backend's query plan for users.list (EXPLAIN): lets the suite prove filters are index ranges, not scans. */
  explainListUsers?: (poolId: string, opts: ListUsersOptions) => Promise<string>;
  /** Gathers planner statistics (ANALYZE), as a database that has been in use has them. */
  analyze?: () => Promise<void>;
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

export function user(poolId: string, usernameKey: string, over: Partial<UserRecord> = {}): UserRecord {
  return {
    poolId,
    username: usernameKey,
    usernameKey,
    sub: `sub-${poolId}-${usernameKey}`,
    status: 'CONFIRMED',
    enabled: true,
    attributes: { email: `${usernameKey}@example.com`, email_verified: 'true' },
    credentialsSealed: `sealed:${usernameKey}`,
    mfa: {},
    passwordSetAt: T0,
    createdAt: T0,
    updatedAt: T0,
    version: 1,
    ...over,
  };
}

export function group(poolId: string, name: string, over: Partial<GroupRecord> = {}): GroupRecord {
  return { poolId, name, description: null, roleArn: null, precedence: null, createdAt: T0, updatedAt: T0, ...over };
}

export function code(poolId: string, username: string, purpose: string, over: Partial<CodeRecord> = {}): CodeRecord {
  return {
    poolId,
    username,
    purpose,
    codeHash: `hmac:${username}:${purpose}`,
    createdAt: T0,
    expiresAt: T0 + 86_400_000,
    attempts: 0,
    data: {},
    ...over,
  };
}

export function session(originJti: string, poolId: string, username: string, over: Partial<AuthSessionRecord> = {}): AuthSessionRecord {
  return {
    originJti,
    poolId,
    clientId: 'client-1',
    username,
    authTime: T0,
    createdAt: T0,
    expiresAt: T0 + 30 * 86_400_000,
    revokedAt: null,
    deviceKey: null,
    ...over,
  };
}

export function refresh(tokenHash: string, originJti: string, over: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return { tokenHash, originJti, createdAt: T0, expiresAt: T0 + 30 * 86_400_000, supersededAt: null, ...over };
}

export function message(id: string, to: string, sentAt: number, over: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    id,
    poolId: 'p1',
    channel: 'email',
    to,
    subject: `subject ${id}`,
    body: `Your code is 123456 (${id})`,
    sentAt,
    delivery: 'outbox-only',
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
  const withStore = async (
    fn: (store: Store, reopen: (() => Promise<Store>) | undefined, target: ContractTarget) => Promise<void>,
    migrate = true,
  ) => {
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
      await fn(store, reopen, target);
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

    describe('users', () => {
      test('importMany inserts in one call, skips existing usernames and subs, and the users read back exactly', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          const existing = user('p1', 'taken', { sub: '00000000-0000-4000-8000-000000000001' });
          assert.equal(await store.users.create(existing), 'ok');
          const batch = Array.from({ length: 50 }, (_, i) =>
            user('p1', `imp${String(i).padStart(3, '0')}`, {
              sub: `00000000-0000-4000-8000-${String(1000 + i).padStart(12, '0')}`,
              attributes: { email: `imp${i}@example.com`, 'custom:n': String(i) },
              createdAt: T0 + i,
            }),
          );
          const clashes = [user('p1', 'taken', { sub: '00000000-0000-4000-8000-000000000099' }), user('p1', 'other', { sub: existing.sub })];
          assert.equal(await store.users.importMany([...batch, ...clashes]), 50);
          assert.equal(await store.users.count('p1'), 51);
          for (const u of [batch[0]!, batch[49]!]) assert.deepEqual(await store.users.get('p1', u.usernameKey), u);
          assert.deepEqual((await store.users.get('p1', 'taken'))!.sub, existing.sub);
          assert.equal(await store.users.get('p1', 'other'), null);
          assert.equal(await store.users.importMany([]), 0);
          // Of two rows with one username, the first clashes on its sub and is skipped: the second is stored whole.
          const skipped = user('p1', 'dup', { sub: existing.sub, attributes: { email: 'first@example.com' } });
          const kept = user('p1', 'dup', { sub: '00000000-0000-4000-8000-000000000077', attributes: { email: 'second@example.com' } });
          assert.equal(await store.users.importMany([skipped, kept]), 1);
          assert.deepEqual(await store.users.get('p1', 'dup'), kept);
        }));

      test('create then get and getBySub round-trip the record exactly (unicode attributes, MFA document, nulls)', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          const u = user('p1', 'ünïcödé-用户', {
            username: 'Ünïcödé-用户',
            sub: '0f1e2d3c-4b5a-4978-8697-a5b4c3d2e1f0',
            status: 'FORCE_CHANGE_PASSWORD',
            enabled: false,
            attributes: {
              email: 'Ünï@Example.COM',
              email_verified: 'false',
              name: 'Zoë 山田 🙂 "quoted" \\ back\\slash\nnew line',
              'custom:empty': '',
              'custom:ünïcode': 'välue',
              phone_number: '+15555550100',
            },
            mfa: { preferred: 'SOFTWARE_TOKEN_MFA', enabled: ['SOFTWARE_TOKEN_MFA', 'SMS_MFA'], smsMfa: false, nested: { n: 1.5, x: null } },
            passwordSetAt: T0 + 3,
            createdAt: T0 + 1,
            updatedAt: T0 + 2,
            version: 4,
          });
          assert.equal(await store.users.create(u), 'ok');
          assert.deepEqual(await store.users.get('p1', u.usernameKey), u);
          assert.deepEqual(await store.users.getBySub('p1', u.sub), u);

          const bare = user('p1', 'federated', { attributes: {}, credentialsSealed: null, passwordSetAt: null, status: 'EXTERNAL_PROVIDER' });
          assert.equal(await store.users.create(bare), 'ok');
          assert.deepEqual(await store.users.get('p1', 'federated'), bare);

          assert.equal(await store.users.get('p1', 'missing'), null);
          assert.equal(await store.users.get('p1', 'Ünïcödé-用户'), null, 'get looks up the key, not the username');
          assert.equal(await store.users.get('p2', u.usernameKey), null, 'users belong to one pool');
          assert.equal(await store.users.getBySub('p2', u.sub), null);
          assert.equal(await store.users.getBySub('p1', 'missing'), null);
        }));

      test("create answers 'exists' on a taken usernameKey or sub in the pool and stores nothing of the loser", () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          const first = user('p1', 'alice', { sub: 'sub-1' });
          assert.equal(await store.users.create(first), 'ok');

          const sameKey = user('p1', 'alice', { username: 'Alice', sub: 'sub-2', attributes: { email: 'loser-key@example.com' } });
          assert.equal(await store.users.create(sameKey), 'exists');
          const sameSub = user('p1', 'bob', { sub: 'sub-1', attributes: { email: 'loser-sub@example.com' } });
          assert.equal(await store.users.create(sameSub), 'exists');

          assert.deepEqual(await store.users.get('p1', 'alice'), first);
          assert.equal(await store.users.get('p1', 'bob'), null);
          assert.equal(await store.users.getBySub('p1', 'sub-2'), null);
          assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'loser-key@example.com', false), []);
          assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'loser-sub@example.com', false), []);
          assert.equal(await store.users.count('p1'), 1);

          // Keys and subs are unique per pool only; and keys compare exactly (case folding is the domain's).
          assert.equal(await store.users.create(user('p2', 'alice', { sub: 'sub-1' })), 'ok');
          assert.equal(await store.users.create(user('p1', 'Alice', { sub: 'sub-3' })), 'ok');
          assert.equal(await store.users.count('p1'), 2);
        }));

      test('findByAttribute matches exactly or case-insensitively, across users, within the pool and attribute only', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          const a = user('p1', 'a', { createdAt: T0 + 3, attributes: { email: 'Shared@Example.com', phone_number: '+15550001' } });
          const b = user('p1', 'b', { createdAt: T0 + 1, attributes: { email: 'shared@example.com', email_verified: 'true' } });
          const c = user('p1', 'c', { createdAt: T0 + 2, attributes: { email: 'SHARED@EXAMPLE.COM', preferred_username: 'shared@example.com' } });
          const d = user('p1', 'd', { createdAt: T0, attributes: { email: 'Ünï@Exämple.com' } });
          const other = user('p2', 'x', { attributes: { email: 'shared@example.com' } });
          for (const u of [a, b, c, d, other]) assert.equal(await store.users.create(u), 'ok');

          assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'shared@example.com', false), [b]);
          assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'SHARED@EXAMPLE.COM', false), [c]);
          // Several matches come back whole, oldest first.
          assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'sHaReD@eXaMpLe.CoM', true), [b, c, a]);
          assert.deepEqual(await store.users.findByAttribute('p2', 'email', 'Shared@Example.com', true), [other]);
          // Case folding is Unicode-wide, as JavaScript's toLowerCase (and so usernameKey) folds.
          assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'ÜNÏ@EXÄMPLE.COM', true), [d]);
          assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'ÜNÏ@EXÄMPLE.COM', false), []);
          // Another attribute holding the same value does not match; neither does a prefix or another pool.
          assert.deepEqual(await store.users.findByAttribute('p1', 'preferred_username', 'shared@example.com', false), [c]);
          assert.deepEqual(await store.users.findByAttribute('p1', 'phone_number', '+1555000', false), []);
          assert.deepEqual(await store.users.findByAttribute('p1', 'phone_number', '+15550001', true), [a]);
          assert.deepEqual(await store.users.findByAttribute('p3', 'email', 'shared@example.com', true), []);
          assert.deepEqual(await store.users.findByAttribute('p1', 'nickname', 'shared@example.com', true), []);
        }));

      test('a 2048-character multi-byte value is stored and found whole, not by its first characters', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          // Cognito's longest attribute value, in characters that do not compress (8 KiB of UTF-8): more than an index entry holds.
          const long = Array.from({ length: 2048 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20_000))).join('');
          const twin = long.slice(0, 2047) + 'Ä';
          const a = user('p1', 'a', { attributes: { 'custom:long': long } });
          const b = user('p1', 'b', { createdAt: T0 + 1, attributes: { 'custom:long': twin } });
          assert.equal(await store.users.create(a), 'ok');
          assert.equal(await store.users.create(b), 'ok');
          assert.deepEqual(await store.users.get('p1', 'a'), a);
          assert.deepEqual(await store.users.findByAttribute('p1', 'custom:long', long, false), [a]);
          assert.deepEqual(await store.users.findByAttribute('p1', 'custom:long', twin, false), [b]);
          assert.deepEqual(await store.users.findByAttribute('p1', 'custom:long', twin.toLowerCase(), true), [b]);
          assert.deepEqual(await store.users.findByAttribute('p1', 'custom:long', long.slice(0, 2047), false), []);
        }));

      test('update is conditional on the version and replaces the attribute rows', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          const u = user('p1', 'alice', { attributes: { email: 'old@example.com', email_verified: 'true', 'custom:gone': 'x' } });
          await store.users.create(u);
          const v2: UserRecord = {
            ...u,
            status: 'RESET_REQUIRED',
            enabled: false,
            attributes: { email: 'New@Example.com', email_verified: 'false', given_name: 'Ålice' },
            credentialsSealed: 'sealed:v2',
            mfa: { preferred: 'EMAIL_OTP' },
            passwordSetAt: null,
            updatedAt: T0 + 10,
            version: 2,
          };
          assert.equal(await store.users.update(v2), true);
          assert.deepEqual(await store.users.get('p1', 'alice'), v2);
          assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'old@example.com', true), []);
          assert.deepEqual(await store.users.findByAttribute('p1', 'custom:gone', 'x', false), []);
          assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'new@example.com', true), [v2]);

          // A stale writer (read version 1) and one that skips a version both lose, attributes included.
          assert.equal(await store.users.update({ ...u, attributes: { email: 'stale@example.com' }, version: 2 }), false);
          assert.equal(await store.users.update({ ...v2, attributes: {}, version: 4 }), false);
          assert.deepEqual(await store.users.get('p1', 'alice'), v2);
          assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'stale@example.com', false), []);

          // All attributes removed.
          const v3 = { ...v2, attributes: {}, version: 3 };
          assert.equal(await store.users.update(v3), true);
          assert.deepEqual(await store.users.get('p1', 'alice'), v3);
          assert.equal(await store.users.update(user('p1', 'missing', { version: 2 })), false);
          assert.equal(await store.users.get('p1', 'missing'), null);
        }));

      test('concurrent updates from one version: exactly one wins', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          const u = user('p1', 'alice');
          await store.users.create(u);
          const results = await Promise.all(
            Array.from({ length: 6 }, (_, i) => store.users.update({ ...u, attributes: { email: `w${i}@example.com` }, version: 2 })),
          );
          assert.equal(results.filter(Boolean).length, 1);
          const winner = results.indexOf(true);
          assert.deepEqual((await store.users.get('p1', 'alice'))!.attributes, { email: `w${winner}@example.com` });
        }));

      test('delete removes the user with their attributes, codes, sessions and refresh tokens, and nobody else’s', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          // A case-insensitive pool's user: the key differs from the username; codes and sessions may name either.
          const alice = user('p1', 'alice', { username: 'Alice' });
          const bob = user('p1', 'bob');
          const elsewhere = user('p2', 'alice', { username: 'Alice' });
          for (const u of [alice, bob, elsewhere]) await store.users.create(u);
          await store.codes.put(code('p1', 'Alice', 'signup'));
          await store.codes.put(code('p1', 'alice', 'forgot'));
          await store.codes.put(code('p1', 'bob', 'signup'));
          await store.codes.put(code('p2', 'Alice', 'signup'));
          await store.sessions.create(session('s-alice-1', 'p1', 'Alice'), refresh('r-alice-1', 's-alice-1'));
          await store.sessions.create(session('s-alice-2', 'p1', 'alice'), refresh('r-alice-2', 's-alice-2'));
          await store.sessions.rotateRefreshToken('r-alice-1', refresh('r-alice-1b', 's-alice-1'), T0 + 1);
          await store.sessions.create(session('s-bob', 'p1', 'bob'), refresh('r-bob', 's-bob'));
          await store.sessions.create(session('s-p2', 'p2', 'Alice'), refresh('r-p2', 's-p2'));

          assert.equal(await store.users.delete('p1', 'alice'), true);
          assert.equal(await store.users.get('p1', 'alice'), null);
          assert.equal(await store.users.getBySub('p1', alice.sub), null);
          assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'alice@example.com', true), []);
          assert.equal(await store.codes.get('p1', 'Alice', 'signup'), null);
          assert.equal(await store.codes.get('p1', 'alice', 'forgot'), null);
          for (const jti of ['s-alice-1', 's-alice-2']) assert.equal(await store.sessions.get(jti), null);
          for (const hash of ['r-alice-1', 'r-alice-1b', 'r-alice-2']) assert.equal(await store.sessions.getRefreshToken(hash), null);

          assert.deepEqual(await store.users.get('p1', 'bob'), bob);
          assert.deepEqual(await store.users.get('p2', 'alice'), elsewhere);
          assert.deepEqual(await store.codes.get('p1', 'bob', 'signup'), code('p1', 'bob', 'signup'));
          assert.deepEqual(await store.codes.get('p2', 'Alice', 'signup'), code('p2', 'Alice', 'signup'));
          assert.deepEqual(await store.sessions.get('s-bob'), session('s-bob', 'p1', 'bob'));
          assert.deepEqual(await store.sessions.get('s-p2'), session('s-p2', 'p2', 'Alice'));
          assert.deepEqual(await store.sessions.getRefreshToken('r-p2'), refresh('r-p2', 's-p2'));

          assert.equal(await store.users.delete('p1', 'alice'), false);
          assert.equal(await store.users.delete('p1', 'never'), false);
          // The name and sub are free again, and the new user inherits nothing.
          assert.equal(await store.users.create(alice), 'ok');
          assert.deepEqual(await store.users.get('p1', 'alice'), alice);
          assert.equal(await store.codes.get('p1', 'Alice', 'signup'), null);
        }));

      test('count is per pool', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          assert.equal(await store.users.count('p1'), 0);
          for (const k of ['a', 'b', 'c']) await store.users.create(user('p1', k));
          await store.users.create(user('p2', 'a'));
          assert.equal(await store.users.count('p1'), 3);
          assert.equal(await store.users.count('p2'), 1);
          assert.equal(await store.users.count('none'), 0);
          await store.users.delete('p1', 'b');
          assert.equal(await store.users.count('p1'), 2);
        }));

      test('deleting a pool deletes its users, attributes, codes, sessions and refresh tokens', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          const gone = user('p1', 'alice', { sub: 'sub-shared' });
          const kept = user('p2', 'alice');
          await store.users.create(gone);
          await store.users.create(kept);
          await store.codes.put(code('p1', 'alice', 'signup'));
          await store.codes.put(code('p2', 'alice', 'signup'));
          await store.sessions.create(session('s1', 'p1', 'alice'), refresh('r1', 's1'));
          await store.sessions.create(session('s2', 'p2', 'alice'), refresh('r2', 's2'));

          assert.equal(await store.pools.delete('p1'), true);
          assert.equal(await store.users.get('p1', 'alice'), null);
          assert.equal(await store.users.count('p1'), 0);
          assert.deepEqual(await store.users.findByAttribute('p1', 'email', 'alice@example.com', false), []);
          assert.equal(await store.codes.get('p1', 'alice', 'signup'), null);
          assert.equal(await store.sessions.get('s1'), null);
          assert.equal(await store.sessions.getRefreshToken('r1'), null);

          assert.deepEqual(await store.users.get('p2', 'alice'), kept);
          assert.deepEqual(await store.users.findByAttribute('p2', 'email', 'alice@example.com', false), [kept]);
          assert.deepEqual(await store.codes.get('p2', 'alice', 'signup'), code('p2', 'alice', 'signup'));
          assert.deepEqual(await store.sessions.get('s2'), session('s2', 'p2', 'alice'));
          assert.deepEqual(await store.sessions.getRefreshToken('r2'), refresh('r2', 's2'));

          // A pool created again under the same id starts empty, and the old sub is free.
          await store.pools.create(pool('p1'), [], 10);
          assert.equal(await store.users.count('p1'), 0);
          assert.equal(await store.users.create(gone), 'ok');
        }));
    });

    describe('users.list', () => {
      /** Every page of users.list, following next until the end. */
      const allPages = async (store: Store, poolId: string, filter: UserFilter | undefined, limit: number) => {
        const keys: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.users.list(poolId, { filter, limit, cursor });
          assert.ok(page.items.length <= limit);
          if (page.next) assert.equal(page.items.length, limit, 'only the last page is short');
          keys.push(...page.items.map((u) => u.usernameKey));
          cursor = page.next;
          assert.ok(++pages < 1_000);
        } while (cursor);
        return keys;
      };

      test('pages a pool’s users in (createdAt, usernameKey) order; users created or deleted between pages shift nothing', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          // Inserted out of order; ties on createdAt are broken by the key, byte-wise (upper case before lower case).
          const spec: [string, number][] = [
            ['k', 5],
            ['a', 1],
            ['c', 3],
            ['C', 3],
            ['b', 3],
            ['e', 4],
            ['d', 2],
            ['g', 6],
            ['f', 6],
            ['h', 7],
            ['i', 8],
          ];
          const made = new Map<string, UserRecord>();
          for (const [k, t] of spec) {
            const u = user('p1', k, { createdAt: T0 + t, attributes: { email: `${k}@example.com`, 'custom:n': String(t) } });
            made.set(k, u);
            assert.equal(await store.users.create(u), 'ok');
            assert.equal(await store.users.create(user('p2', k, { createdAt: T0 + t })), 'ok');
          }
          const expected = ['a', 'd', 'C', 'b', 'c', 'e', 'k', 'f', 'g', 'h', 'i'];
          assert.deepEqual(await allPages(store, 'p1', undefined, 3), expected);
          assert.deepEqual(await allPages(store, 'p1', undefined, 1), expected);

          // Items are whole records, attributes included; the same cursor gives the same page.
          const p1 = await store.users.list('p1', { limit: 3 });
          assert.deepEqual(p1.items, ['a', 'd', 'C'].map((k) => made.get(k)));
          assert.deepEqual(await store.users.list('p1', { limit: 3, cursor: p1.next }), await store.users.list('p1', { limit: 3, cursor: p1.next }));

          // Between pages: a user created before the cursor is not shown (it would shift nothing), one created after the
          // end is; a user deleted after being listed changes nothing; one deleted before its turn is simply gone.
          const seen = p1.items.map((u) => u.usernameKey);
          let cursor = p1.next;
          let round = 0;
          while (cursor) {
            round++;
            if (round === 1) {
              assert.equal(await store.users.create(user('p1', 'early', { createdAt: T0 })), 'ok');
              assert.equal(await store.users.create(user('p1', 'late', { createdAt: T0 + 9 })), 'ok');
              assert.equal(await store.users.create(user('p1', 'b0', { createdAt: T0 + 3 })), 'ok', 'after the cursor (C) in the tie');
            }
            if (round === 2) {
              assert.equal(await store.users.delete('p1', 'a'), true);
              assert.equal(await store.users.delete('p1', 'h'), true);
            }
            const page = await store.users.list('p1', { limit: 3, cursor });
            seen.push(...page.items.map((u) => u.usernameKey));
            cursor = page.next;
          }
          assert.deepEqual(seen, ['a', 'd', 'C', 'b', 'b0', 'c', 'e', 'k', 'f', 'g', 'i', 'late']);
          assert.equal(new Set(seen).size, seen.length, 'no user twice');

          // A page that is exactly full has no next; a large limit returns everything; another pool's users stay apart.
          const count = await store.users.count('p1');
          assert.equal((await store.users.list('p1', { limit: count })).next, undefined);
          assert.equal((await store.users.list('p1', { limit: 1000 })).items.length, count);
          assert.deepEqual(await allPages(store, 'p2', undefined, 4), expected);
          assert.deepEqual(await store.users.list('none', { limit: 3 }), { items: [] });
          // A cursor is a keyset position: one made for a position with no user pages from there.
          assert.deepEqual(
            (await store.users.list('p1', { limit: 2, cursor: encodeCursor(T0 + 3, 'bz') })).items.map((u) => u.usernameKey),
            ['c', 'e'],
          );
        }));

      test('rejects a cursor it did not make with InvalidCursorError, filtered or not', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.users.create(user('p1', 'alice'));
          const bad = ['not-a-cursor', '', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('["1","x"]').toString('base64url')];
          for (const cursor of bad) {
            await assert.rejects(store.users.list('p1', { limit: 3, cursor }), InvalidCursorError, `cursor ${JSON.stringify(cursor)}`);
            await assert.rejects(
              store.users.list('p1', { limit: 3, cursor, filter: { field: 'attribute', name: 'email', op: '^=', value: 'a' } }),
              InvalidCursorError,
            );
            await assert.rejects(store.users.list('p1', { limit: 3, cursor, filter: { field: 'status', op: '=', value: 'CONFIRMED' } }), InvalidCursorError);
          }
        }));

      /** Five users of p1 in list order zoë, alice, albert, Alfred, bob; and p2's alice, who matches many of the same filters. */
      const filterFixture = async (store: Store) => {
        await store.pools.create(pool('p1'), [], 10);
        await store.pools.create(pool('p2'), [], 10);
        const users = [
          user('p1', 'alice', {
            createdAt: T0 + 1,
            sub: 'aaaa-0001',
            status: 'CONFIRMED',
            enabled: true,
            attributes: { email: 'Alice@Example.com', name: 'Alice Ä', 'custom:tier': 'gold', 'custom:edge': 'a\u{10FFFF}' },
          }),
          user('p1', 'albert', {
            createdAt: T0 + 2,
            sub: 'aaab-0002',
            status: 'UNCONFIRMED',
            enabled: false,
            attributes: { email: 'albert@example.com', 'custom:tier': 'Gold', 'custom:edge': 'a\u{10FFFF}z' },
          }),
          user('p1', 'Alfred', {
            createdAt: T0 + 3,
            sub: 'bbbb-0003',
            status: 'FORCE_CHANGE_PASSWORD',
            enabled: true,
            attributes: { email: 'ALFRED@example.org', name: 'alfred', 'custom:edge': 'b' },
          }),
          user('p1', 'bob', {
            createdAt: T0 + 3,
            sub: 'abcd-0004',
            status: 'CONFIRMED',
            enabled: false,
            attributes: { email: 'bob@example.com', phone_number: '+15550100', 'custom:edge': '\uFFFFx' },
          }),
          user('p1', 'zoë', {
            createdAt: T0,
            sub: 'cccc-0005',
            status: 'RESET_REQUIRED',
            enabled: true,
            attributes: { email: 'zoë@exämple.com', name: 'Zoë 🙂', 'custom:edge': '\u{10000}y' },
          }),
        ];
        for (const u of users) assert.equal(await store.users.create(u), 'ok');
        const other = user('p2', 'alice', {
          sub: 'aaaa-0001',
          attributes: { email: 'Alice@Example.com', name: 'Alice Ä', 'custom:tier': 'gold', phone_number: '+15550100' },
        });
        assert.equal(await store.users.create(other), 'ok');
        return { byKey: new Map(users.map((u) => [u.usernameKey, u])), other };
      };
      const keysOf = async (store: Store, filter: UserFilter, poolId = 'p1') =>
        (await store.users.list(poolId, { filter, limit: 100 })).items.map((u) => u.usernameKey);

      test('filters on username, sub, status and enabled: = and ^=', () =>
        withStore(async (store) => {
          const { byKey } = await filterFixture(store);
          const cases: [UserFilter, string[]][] = [
            [{ field: 'username', op: '=', value: 'alice' }, ['alice']],
            [{ field: 'username', op: '=', value: 'Alice' }, []],
            [{ field: 'username', op: '=', value: 'Alfred' }, ['Alfred']],
            [{ field: 'username', op: '^=', value: 'al' }, ['alice', 'albert']],
            [{ field: 'username', op: '^=', value: 'A' }, ['Alfred']],
            [{ field: 'username', op: '^=', value: 'zo' }, ['zoë']],
            [{ field: 'username', op: '^=', value: 'zoë' }, ['zoë']],
            [{ field: 'username', op: '^=', value: 'alicex' }, []],
            [{ field: 'username', op: '^=', value: '' }, ['zoë', 'alice', 'albert', 'Alfred', 'bob']],
            [{ field: 'sub', op: '=', value: 'aaaa-0001' }, ['alice']],
            [{ field: 'sub', op: '=', value: 'aaaa' }, []],
            [{ field: 'sub', op: '^=', value: 'aaa' }, ['alice', 'albert']],
            [{ field: 'sub', op: '^=', value: 'a' }, ['alice', 'albert', 'bob']],
            [{ field: 'status', op: '=', value: 'CONFIRMED' }, ['alice', 'bob']],
            [{ field: 'status', op: '=', value: 'CONFIRM' }, []],
            [{ field: 'status', op: '^=', value: 'CONF' }, ['alice', 'bob']],
            [{ field: 'status', op: '^=', value: 'UN' }, ['albert']],
            [{ field: 'status', op: '^=', value: 'R' }, ['zoë']],
            [{ field: 'status', op: '^=', value: 'X' }, []],
            [{ field: 'enabled', op: '=', value: 'Enabled' }, ['zoë', 'alice', 'Alfred']],
            [{ field: 'enabled', op: '=', value: 'Disabled' }, ['albert', 'bob']],
            [{ field: 'enabled', op: '=', value: 'enabled' }, []],
            [{ field: 'enabled', op: '=', value: 'true' }, []],
            [{ field: 'enabled', op: '^=', value: 'Dis' }, ['albert', 'bob']],
            [{ field: 'enabled', op: '^=', value: 'E' }, ['zoë', 'alice', 'Alfred']],
            [{ field: 'enabled', op: '^=', value: '' }, ['zoë', 'alice', 'albert', 'Alfred', 'bob']],
            // caseInsensitive folds the value: keys of case-insensitive pools and subs are lower case, statuses upper.
            [{ field: 'username', op: '^=', value: 'AL', caseInsensitive: true }, ['alice', 'albert']],
            [{ field: 'sub', op: '=', value: 'AAAA-0001', caseInsensitive: true }, ['alice']],
            [{ field: 'status', op: '=', value: 'confirmed', caseInsensitive: true }, ['alice', 'bob']],
            [{ field: 'status', op: '=', value: 'confirmed' }, []],
            [{ field: 'enabled', op: '=', value: 'disabled', caseInsensitive: true }, ['albert', 'bob']],
          ];
          for (const [filter, keys] of cases) assert.deepEqual(await keysOf(store, filter), keys, JSON.stringify(filter));
          // Whole records, attributes assembled.
          assert.deepEqual((await store.users.list('p1', { filter: { field: 'status', op: '=', value: 'CONFIRMED' }, limit: 10 })).items, [
            byKey.get('alice'),
            byKey.get('bob'),
          ]);
        }));

      test('filters on an attribute: = and ^=, exact or case-insensitive, on that attribute only', () =>
        withStore(async (store) => {
          const { byKey } = await filterFixture(store);
          const email = (op: '=' | '^=', value: string, caseInsensitive = false): UserFilter => ({ field: 'attribute', name: 'email', op, value, caseInsensitive });
          const cases: [UserFilter, string[]][] = [
            [email('=', 'bob@example.com'), ['bob']],
            [email('=', 'BOB@example.com'), []],
            [email('=', 'BOB@EXAMPLE.COM', true), ['bob']],
            [email('=', 'bob@example'), []],
            [email('^=', 'al'), ['albert']],
            [email('^=', 'al', true), ['alice', 'albert', 'Alfred']],
            [email('^=', 'ALFRED@'), ['Alfred']],
            [email('^=', 'zoë@exä'), ['zoë']],
            [email('^=', 'ZOË@EXÄ', true), ['zoë']],
            [email('^=', 'bob@example.com'), ['bob']],
            [email('^=', 'bob@example.comx'), []],
            [email('^=', ''), ['zoë', 'alice', 'albert', 'Alfred', 'bob']],
            [{ field: 'attribute', name: 'phone_number', op: '^=', value: '' }, ['bob']],
            [{ field: 'attribute', name: 'phone_number', op: '^=', value: '+1555' }, ['bob']],
            [{ field: 'attribute', name: 'name', op: '^=', value: 'al', caseInsensitive: true }, ['alice', 'Alfred']],
            [{ field: 'attribute', name: 'name', op: '=', value: 'alice ä', caseInsensitive: true }, ['alice']],
            [{ field: 'attribute', name: 'custom:tier', op: '=', value: 'gold' }, ['alice']],
            [{ field: 'attribute', name: 'custom:tier', op: '=', value: 'GOLD', caseInsensitive: true }, ['alice', 'albert']],
            // Another attribute holding the value does not match; neither does an attribute no one has.
            [{ field: 'attribute', name: 'name', op: '=', value: 'alfred' }, ['Alfred']],
            [email('=', 'alfred', true), []],
            [{ field: 'attribute', name: 'nickname', op: '^=', value: '' }, []],
            // Prefixes compare by code point (UTF-8 byte order), at the edges of the code space too.
            [{ field: 'attribute', name: 'custom:edge', op: '^=', value: 'a\u{10FFFF}' }, ['alice', 'albert']],
            [{ field: 'attribute', name: 'custom:edge', op: '^=', value: 'a' }, ['alice', 'albert']],
            [{ field: 'attribute', name: 'custom:edge', op: '^=', value: '\uFFFF' }, ['bob']],
            [{ field: 'attribute', name: 'custom:edge', op: '^=', value: '\u{10000}' }, ['zoë']],
            [{ field: 'attribute', name: 'custom:edge', op: '^=', value: '\u{10FFFF}' }, []],
          ];
          for (const [filter, keys] of cases) assert.deepEqual(await keysOf(store, filter), keys, JSON.stringify(filter));
          assert.deepEqual((await store.users.list('p1', { filter: email('^=', 'AL', true), limit: 10 })).items, [
            byKey.get('alice'),
            byKey.get('albert'),
            byKey.get('Alfred'),
          ]);
        }));

      test('filters never reach into another pool', () =>
        withStore(async (store) => {
          const { byKey, other } = await filterFixture(store);
          const filters: UserFilter[] = [
            { field: 'username', op: '=', value: 'alice' },
            { field: 'username', op: '^=', value: 'ali' },
            { field: 'sub', op: '=', value: 'aaaa-0001' },
            { field: 'sub', op: '^=', value: 'aaaa' },
            { field: 'status', op: '=', value: 'CONFIRMED' },
            { field: 'status', op: '^=', value: 'CONF' },
            { field: 'enabled', op: '=', value: 'Enabled' },
            { field: 'attribute', name: 'email', op: '=', value: 'Alice@Example.com' },
            { field: 'attribute', name: 'email', op: '^=', value: 'alice@', caseInsensitive: true },
            { field: 'attribute', name: 'custom:tier', op: '=', value: 'gold' },
          ];
          for (const filter of filters) {
            const p1 = (await store.users.list('p1', { filter, limit: 10 })).items;
            assert.ok(p1.every((u) => u.poolId === 'p1'), JSON.stringify(filter));
            assert.ok(p1.some((u) => u.usernameKey === 'alice'));
            assert.deepEqual((await store.users.list('p2', { filter, limit: 10 })).items, [other], JSON.stringify(filter));
            assert.deepEqual(await store.users.list('p3', { filter, limit: 10 }), { items: [] });
          }
          // p2's alice has bob's phone number, and stays in p2.
          assert.deepEqual(await keysOf(store, { field: 'attribute', name: 'phone_number', op: '=', value: '+15550100' }), ['bob']);
          assert.deepEqual(await keysOf(store, { field: 'username', op: '=', value: 'alice' }), [byKey.get('alice')!.usernameKey]);
        }));

      test('filtered pages follow the same order and cursors, ties included, while users are added', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          // Twelve users in four createdAt ties; every third one is gold; half are CONFIRMED.
          const made: UserRecord[] = [];
          for (let i = 11; i >= 0; i--) {
            const u = user('p1', `u${String(i).padStart(2, '0')}`, {
              createdAt: T0 + Math.floor(i / 3),
              status: i % 2 ? 'CONFIRMED' : 'UNCONFIRMED',
              enabled: i % 4 !== 0,
              attributes: { email: `u${i}@example.com`, 'custom:tier': i % 3 ? 'silver' : 'Gold' },
            });
            made.unshift(u);
            assert.equal(await store.users.create(u), 'ok');
          }
          const keys = (pred: (u: UserRecord) => boolean) => made.filter(pred).map((u) => u.usernameKey);
          const cases: [UserFilter, string[]][] = [
            [{ field: 'attribute', name: 'custom:tier', op: '=', value: 'silver' }, keys((u) => u.attributes['custom:tier'] === 'silver')],
            [{ field: 'attribute', name: 'custom:tier', op: '=', value: 'gold', caseInsensitive: true }, keys((u) => u.attributes['custom:tier'] === 'Gold')],
            [{ field: 'attribute', name: 'email', op: '^=', value: 'u1' }, keys((u) => u.attributes.email!.startsWith('u1'))],
            [{ field: 'status', op: '=', value: 'CONFIRMED' }, keys((u) => u.status === 'CONFIRMED')],
            [{ field: 'status', op: '^=', value: 'UN' }, keys((u) => u.status === 'UNCONFIRMED')],
            [{ field: 'enabled', op: '=', value: 'Enabled' }, keys((u) => u.enabled)],
            [{ field: 'username', op: '^=', value: 'u0' }, keys((u) => u.usernameKey.startsWith('u0'))],
          ];
          for (const [filter, expected] of cases) {
            assert.ok(expected.length >= 3, JSON.stringify(filter));
            for (const limit of [1, 2, 5]) assert.deepEqual(await allPages(store, 'p1', filter, limit), expected, `${JSON.stringify(filter)} by ${limit}`);
          }

          // Users that match, created between pages: those after the cursor are shown once, those before it not at all.
          const silver: UserFilter = { field: 'attribute', name: 'custom:tier', op: '=', value: 'silver' };
          const first = await store.users.list('p1', { filter: silver, limit: 3 });
          const seen = first.items.map((u) => u.usernameKey);
          assert.deepEqual(seen, ['u01', 'u02', 'u04']);
          for (const [k, t] of [['new-early', 0], ['u04a', 1], ['new-late', 9]] as const)
            assert.equal(await store.users.create(user('p1', k, { createdAt: T0 + t, attributes: { 'custom:tier': 'silver' } })), 'ok');
          let cursor = first.next;
          while (cursor) {
            const page = await store.users.list('p1', { filter: silver, limit: 3, cursor });
            seen.push(...page.items.map((u) => u.usernameKey));
            cursor = page.next;
          }
          assert.deepEqual(seen, ['u01', 'u02', 'u04', 'u04a', 'u05', 'u07', 'u08', 'u10', 'u11', 'new-late']);
        }));

      test('an update keeps the user’s place in filtered lists and moves them between filters', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          const a = user('p1', 'a', { createdAt: T0 + 1, attributes: { email: 'a@example.com', 'custom:team': 'red' } });
          const b = user('p1', 'b', { createdAt: T0 + 2, attributes: { email: 'b@example.com', 'custom:team': 'blue' } });
          const c = user('p1', 'c', { createdAt: T0 + 3, attributes: { email: 'c@example.com', 'custom:team': 'red' } });
          for (const u of [a, b, c]) await store.users.create(u);
          const a2: UserRecord = { ...a, status: 'RESET_REQUIRED', enabled: false, attributes: { email: 'a@example.com', 'custom:team': 'blue' }, version: 2, updatedAt: T0 + 50 };
          const c2: UserRecord = { ...c, attributes: { email: 'c@example.com', 'custom:team': 'Blue' }, version: 2, updatedAt: T0 + 60 };
          assert.equal(await store.users.update(c2), true);
          assert.equal(await store.users.update(a2), true);
          const team = (value: string, caseInsensitive = false): UserFilter => ({ field: 'attribute', name: 'custom:team', op: '=', value, caseInsensitive });
          assert.deepEqual((await store.users.list('p1', { filter: team('blue'), limit: 10 })).items, [a2, b]);
          assert.deepEqual(await keysOf(store, team('BLUE', true)), ['a', 'b', 'c']);
          assert.deepEqual(await keysOf(store, team('red')), []);
          assert.deepEqual(await keysOf(store, { field: 'status', op: '=', value: 'RESET_REQUIRED' }), ['a']);
          assert.deepEqual(await keysOf(store, { field: 'status', op: '=', value: 'CONFIRMED' }), ['b', 'c']);
          assert.deepEqual(await keysOf(store, { field: 'enabled', op: '=', value: 'Disabled' }), ['a']);
          assert.deepEqual((await store.users.list('p1', { limit: 10 })).items, [a2, b, c2]);
          // Paging a filter by one: the updated users keep their creation-order places.
          assert.deepEqual(await allPages(store, 'p1', team('blue', true), 1), ['a', 'b', 'c']);
        }));

      test('a prefix longer than an index entry holds is compared whole', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          // As the findByAttribute test: 2048 characters that do not compress, and a twin differing in the last one.
          const long = Array.from({ length: 2048 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20_000))).join('');
          const twin = long.slice(0, 2047) + 'Ä';
          await store.users.create(user('p1', 'a', { attributes: { 'custom:long': long } }));
          await store.users.create(user('p1', 'b', { createdAt: T0 + 1, attributes: { 'custom:long': twin } }));
          await store.users.create(user('p1', 'c', { createdAt: T0 + 2, attributes: { 'custom:long': long.slice(0, 600) } }));
          const prefix = (value: string, caseInsensitive = false): UserFilter => ({ field: 'attribute', name: 'custom:long', op: '^=', value, caseInsensitive });
          assert.deepEqual(await keysOf(store, prefix(long.slice(0, 600))), ['a', 'b', 'c']);
          assert.deepEqual(await keysOf(store, prefix(long.slice(0, 601))), ['a', 'b']);
          assert.deepEqual(await keysOf(store, prefix(long.slice(0, 2047))), ['a', 'b']);
          assert.deepEqual(await keysOf(store, prefix(long)), ['a']);
          assert.deepEqual(await keysOf(store, prefix(twin)), ['b']);
          assert.deepEqual(await keysOf(store, prefix(twin.toUpperCase(), true)), ['b']);
          assert.deepEqual(await keysOf(store, prefix(long + 'x')), []);
          assert.deepEqual(await keysOf(store, { field: 'attribute', name: 'custom:long', op: '=', value: long.slice(0, 600) }), ['c']);
          assert.deepEqual(await keysOf(store, { field: 'attribute', name: 'custom:long', op: '=', value: twin }), ['b']);
        }));

      test('every filter reads index ranges, never a whole table (query plans over 2,000 users)', (t) =>
        withStore(async (store, _reopen, target) => {
          const explain = target.explainListUsers;
          if (!explain) return t.skip('this backend shows no query plans');
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          const statuses = ['CONFIRMED', 'UNCONFIRMED', 'FORCE_CHANGE_PASSWORD', 'RESET_REQUIRED'] as const;
          const N = 2_000;
          // Four writers at once: a PostgreSQL store runs them on four connections.
          await Promise.all(
            Array.from({ length: 4 }, async (_, w) => {
              for (let i = w; i < N; i += 4) {
                const u = user(i % 10 === 9 ? 'p2' : 'p1', `user${String(i).padStart(5, '0')}`, {
                  sub: `${(i * 2_654_435_761 % 4_294_967_296).toString(16).padStart(8, '0')}-${i}`,
                  status: statuses[i % 4]!,
                  enabled: i % 7 !== 0,
                  createdAt: T0 + i,
                  attributes: { email: `User${i}@Example.com`, email_verified: 'true', 'custom:tier': ['gold', 'silver', 'bronze'][i % 3]! },
                });
                assert.equal(await store.users.create(u), 'ok');
              }
            }),
          );
          await target.analyze?.();

          const ranges: [UserFilter | undefined, string | null][] = [
            [undefined, 'users_pool_created'],
            [{ field: 'username', op: '=', value: 'user00011' }, null],
            [{ field: 'username', op: '^=', value: 'user0001' }, null],
            [{ field: 'sub', op: '=', value: 'ab' }, null],
            [{ field: 'sub', op: '^=', value: 'ab' }, null],
            [{ field: 'status', op: '=', value: 'CONFIRMED' }, 'users_pool_status'],
            [{ field: 'status', op: '^=', value: 'RESET' }, null],
            [{ field: 'enabled', op: '=', value: 'Disabled' }, 'users_pool_enabled'],
            [{ field: 'attribute', name: 'email', op: '=', value: 'User5@Example.com' }, 'user_attributes_value'],
            [{ field: 'attribute', name: 'email', op: '^=', value: 'User12' }, 'user_attributes_value'],
            [{ field: 'attribute', name: 'email', op: '=', value: 'user5@example.com', caseInsensitive: true }, 'user_attributes_value_ci'],
            [{ field: 'attribute', name: 'email', op: '^=', value: 'USER12', caseInsensitive: true }, 'user_attributes_value_ci'],
            [{ field: 'attribute', name: 'custom:tier', op: '=', value: 'gold' }, 'user_attributes_value'],
            [{ field: 'attribute', name: 'email_verified', op: '=', value: 'true', caseInsensitive: true }, 'user_attributes_value_ci'],
          ];
          // SQLite: "SCAN users" walks a table (or "SCAN users USING INDEX", a whole index); SEARCH is a range.
          // PostgreSQL: "Seq Scan on users".
          const fullScan = /\bSCAN (users|user_attributes)\b|Seq Scan on (users|user_attributes)\b/;
          const uses = (plan: string, index: string) =>
            new RegExp(`(USING (COVERING )?INDEX|Index Scan using|Index Only Scan using|Bitmap Index Scan on) ${index}\\b`).test(plan);
          const first = await store.users.list('p1', { limit: 60 });
          for (const cursor of [undefined, first.next]) {
            for (const [filter, index] of ranges) {
              const plan = await explain('p1', { filter, limit: 60, cursor });
              assert.doesNotMatch(plan, fullScan, `${JSON.stringify(filter)}:\n${plan}`);
              if (index) assert.ok(uses(plan, index), `${JSON.stringify(filter)} reads ${index}:\n${plan}`);
            }
          }
          // And the pages those plans read are right.
          const gold = await store.users.list('p1', { filter: { field: 'attribute', name: 'custom:tier', op: '=', value: 'gold' }, limit: 60 });
          assert.equal(gold.items.length, 60);
          assert.deepEqual(
            gold.items.map((u) => u.usernameKey),
            Array.from({ length: N }, (_, i) => i)
              .filter((i) => i % 10 !== 9 && i % 3 === 0)
              .slice(0, 60)
              .map((i) => `user${String(i).padStart(5, '0')}`),
          );
          assert.equal((await store.users.list('p1', { filter: { field: 'attribute', name: 'email', op: '^=', value: 'user12', caseInsensitive: true }, limit: 200 })).items.length, 100);
        }));
    });

    describe('groups', () => {
      test('create then get round-trips; exists keeps the holder; other pools are apart', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          const g = group('p1', 'Admins ünï 🛡', {
            description: 'Ädministrators — "quoted"',
            roleArn: 'arn:aws:iam::123456789012:role/admin',
            precedence: 0,
            createdAt: T0 + 1,
            updatedAt: T0 + 2,
          });
          const bare = group('p1', 'bare');
          assert.equal(await store.groups.create(g, 10), 'ok');
          assert.equal(await store.groups.create(bare, 10), 'ok');
          assert.deepEqual(await store.groups.get('p1', g.name), g);
          assert.deepEqual(await store.groups.get('p1', 'bare'), bare);
          assert.equal(await store.groups.get('p1', 'admins ünï 🛡'), null, 'names compare exactly');
          assert.equal(await store.groups.get('p2', g.name), null);

          assert.equal(await store.groups.create(group('p1', g.name, { description: 'loser' }), 10), 'exists');
          assert.deepEqual(await store.groups.get('p1', g.name), g);
          assert.equal(await store.groups.create(group('p2', g.name, { precedence: 5 }), 10), 'ok');
          assert.deepEqual(await store.groups.get('p2', g.name), group('p2', g.name, { precedence: 5 }));
        }));

      test("create answers 'limit' at the pool's maximum ('exists' first), counting each pool apart", () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          assert.equal(await store.groups.create(group('p1', 'a'), 2), 'ok');
          assert.equal(await store.groups.create(group('p1', 'b'), 2), 'ok');
          assert.equal(await store.groups.create(group('p1', 'c'), 2), 'limit');
          assert.equal(await store.groups.create(group('p1', 'a'), 2), 'exists');
          assert.equal(await store.groups.get('p1', 'c'), null);
          assert.equal(await store.groups.create(group('p2', 'a'), 2), 'ok');
          assert.equal(await store.groups.delete('p1', 'a'), true);
          assert.equal(await store.groups.create(group('p1', 'c'), 2), 'ok');
          assert.equal(await store.groups.create(group('p1', 'd'), 0), 'limit');
        }));

      test('concurrent creates, from one store and from two, never exceed the limit', () =>
        withStore(async (store, reopen) => {
          await store.pools.create(pool('p1'), [], 10);
          const other = reopen ? await reopen() : store;
          const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? store : other).groups.create(group('p1', `g${i}`), 5)));
          assert.equal(results.filter((r) => r === 'ok').length, 5);
          assert.equal(results.filter((r) => r === 'limit').length, 7);
          assert.equal((await store.groups.list('p1', 100)).items.length, 5);
          const same = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? store : other).groups.create(group('p1', 'same'), 100)));
          assert.deepEqual([...same].sort(), ['exists', 'exists', 'exists', 'exists', 'exists', 'ok']);
        }));

      test('list pages a pool’s groups by name, byte-wise, with stable cursors', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          for (const [i, name] of ['b', 'é', 'B', 'a', 'Z', 'ab', '0'].entries())
            assert.equal(await store.groups.create(group('p1', name, { createdAt: T0 - i }), 100), 'ok');
          await store.groups.create(group('p2', 'a'), 100);
          const expected = ['0', 'B', 'Z', 'a', 'ab', 'b', 'é'];
          const names: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await store.groups.list('p1', 3, cursor);
            names.push(...page.items.map((g) => g.name));
            if (page.next) assert.equal(page.items.length, 3);
            cursor = page.next;
          } while (cursor);
          assert.deepEqual(names, expected);
          const p1 = await store.groups.list('p1', 3);
          assert.deepEqual(p1.items[0], group('p1', '0', { createdAt: T0 - 6 }));
          // A cursor stays valid across writes.
          await store.groups.create(group('p1', 'A'), 100);
          await store.groups.delete('p1', '0');
          assert.deepEqual((await store.groups.list('p1', 3, p1.next)).items.map((g) => g.name), ['a', 'ab', 'b']);
          assert.equal((await store.groups.list('p1', 8)).next, undefined);
          assert.deepEqual(await store.groups.list('p3', 3), { items: [] });
          for (const bad of ['nope', '', encodeCursor(T0, 'a')]) await assert.rejects(store.groups.list('p1', 3, bad), InvalidCursorError);
        }));

      test('update writes description, role, precedence and updatedAt of the pool’s group only', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          const g = group('p1', 'g', { description: 'old', precedence: 3 });
          await store.groups.create(g, 10);
          await store.groups.create(group('p2', 'g'), 10);
          const next = { ...g, description: null, roleArn: 'arn:aws:iam::123456789012:role/r', precedence: 1, updatedAt: T0 + 9 };
          assert.equal(await store.groups.update(next), true);
          assert.deepEqual(await store.groups.get('p1', 'g'), next);
          assert.deepEqual(await store.groups.get('p2', 'g'), group('p2', 'g'));
          assert.equal(await store.groups.update(group('p1', 'missing')), false);
          assert.equal(await store.groups.get('p1', 'missing'), null);
          assert.equal(await store.groups.update(group('p3', 'g')), false);
        }));

      test('addMember is idempotent and answers limit at maxGroupsPerUser; removeMember', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          for (const name of ['a', 'b', 'c']) await store.groups.create(group('p1', name), 10);
          await store.users.create(user('p1', 'alice'));
          await store.users.create(user('p1', 'bob'));
          assert.equal(await store.groups.addMember('p1', 'a', 'alice', 2), 'ok');
          assert.equal(await store.groups.addMember('p1', 'a', 'alice', 2), 'ok');
          assert.equal(await store.groups.addMember('p1', 'b', 'alice', 2), 'ok');
          assert.equal(await store.groups.addMember('p1', 'c', 'alice', 2), 'limit');
          assert.equal(await store.groups.addMember('p1', 'b', 'alice', 2), 'ok', 'a member again, at the limit');
          assert.equal(await store.groups.addMember('p1', 'c', 'bob', 2), 'ok', 'the limit is per user');
          assert.deepEqual((await store.groups.allForUser('p1', 'alice')).map((g) => g.name), ['a', 'b']);

          assert.equal(await store.groups.removeMember('p1', 'a', 'alice'), true);
          assert.equal(await store.groups.removeMember('p1', 'a', 'alice'), false);
          assert.equal(await store.groups.removeMember('p1', 'a', 'nobody'), false);
          assert.equal(await store.groups.addMember('p1', 'c', 'alice', 2), 'ok');
          assert.deepEqual((await store.groups.allForUser('p1', 'alice')).map((g) => g.name), ['b', 'c']);

          // The user and the group must exist: otherwise nothing is stored.
          await assert.rejects(store.groups.addMember('p1', 'a', 'nobody', 5));
          await assert.rejects(store.groups.addMember('p1', 'nope', 'bob', 5));
          assert.deepEqual(await store.groups.allForUser('p1', 'nobody'), []);
          assert.deepEqual((await store.groups.allForUser('p1', 'bob')).map((g) => g.name), ['c']);
        }));

      test('concurrent addMember calls for one user, from one store and from two, never exceed the limit', () =>
        withStore(async (store, reopen) => {
          await store.pools.create(pool('p1'), [], 10);
          for (let i = 0; i < 10; i++) await store.groups.create(group('p1', `g${i}`), 100);
          await store.users.create(user('p1', 'alice'));
          const other = reopen ? await reopen() : store;
          const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? store : other).groups.addMember('p1', `g${i}`, 'alice', 4)));
          assert.equal(results.filter((r) => r === 'ok').length, 4);
          assert.equal((await store.groups.allForUser('p1', 'alice')).length, 4);
          const again = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? store : other).groups.addMember('p1', 'g0', 'nobody', 100).catch(() => 'threw')));
          assert.deepEqual(again, Array(6).fill('threw'));
        }));

      test('listForUser pages the user’s groups by name; allForUser returns them all; listMembers pages members in user order', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          const groups = ['e', 'a', 'C', 'd', 'b'].map((name, i) => group('p1', name, { precedence: i }));
          for (const g of groups) await store.groups.create(g, 10);
          await store.groups.create(group('p1', 'unjoined'), 10);
          await store.groups.create(group('p2', 'a'), 10);
          // Members created out of key order, with a createdAt tie.
          const members = [
            user('p1', 'mia', { createdAt: T0 + 2, attributes: { email: 'mia@example.com', 'custom:x': 'ü' } }),
            user('p1', 'Bea', { createdAt: T0 + 1 }),
            user('p1', 'zed', { createdAt: T0 + 0 }),
            user('p1', 'al', { createdAt: T0 + 2 }),
            user('p1', 'kim', { createdAt: T0 + 3, attributes: {} }),
          ];
          for (const u of members) await store.users.create(u);
          await store.users.create(user('p2', 'mia'));
          for (const g of groups) await store.groups.addMember('p1', g.name, 'mia', 100);
          for (const u of members) await store.groups.addMember('p1', 'a', u.usernameKey, 100);
          await store.groups.addMember('p2', 'a', 'mia', 100);

          const byName = ['C', 'a', 'b', 'd', 'e'].map((n) => groups.find((g) => g.name === n));
          const names: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await store.groups.listForUser('p1', 'mia', 2, cursor);
            names.push(...page.items.map((g) => g.name));
            cursor = page.next;
          } while (cursor);
          assert.deepEqual(names, ['C', 'a', 'b', 'd', 'e']);
          assert.deepEqual((await store.groups.listForUser('p1', 'mia', 10)).items, byName);
          assert.deepEqual(await store.groups.allForUser('p1', 'mia'), byName);
          assert.deepEqual(await store.groups.allForUser('p2', 'mia'), [group('p2', 'a')]);
          assert.deepEqual(await store.groups.allForUser('p1', 'kim'), [groups[1]]);
          assert.deepEqual(await store.groups.listForUser('p1', 'nobody', 10), { items: [] });

          const order = ['zed', 'Bea', 'al', 'mia', 'kim'];
          const keys: string[] = [];
          cursor = undefined;
          do {
            const page = await store.groups.listMembers('p1', 'a', 2, cursor);
            keys.push(...page.items.map((u) => u.usernameKey));
            cursor = page.next;
          } while (cursor);
          assert.deepEqual(keys, order);
          assert.deepEqual((await store.groups.listMembers('p1', 'a', 10)).items, order.map((k) => members.find((u) => u.usernameKey === k)));
          assert.deepEqual((await store.groups.listMembers('p1', 'e', 10)).items, [members[0]]);
          assert.deepEqual(await store.groups.listMembers('p1', 'unjoined', 10), { items: [] });
          assert.deepEqual((await store.groups.listMembers('p2', 'a', 10)).items, [user('p2', 'mia')]);

          for (const bad of ['nope', '']) {
            await assert.rejects(store.groups.listForUser('p1', 'mia', 2, bad), InvalidCursorError);
            await assert.rejects(store.groups.listMembers('p1', 'a', 2, bad), InvalidCursorError);
          }
        }));

      test('deleting a group removes its memberships; deleting a user removes theirs', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          for (const name of ['temp', 'stays']) await store.groups.create(group('p1', name), 10);
          for (const k of ['alice', 'bob']) await store.users.create(user('p1', k));
          for (const k of ['alice', 'bob']) for (const g of ['temp', 'stays']) await store.groups.addMember('p1', g, k, 10);

          assert.equal(await store.groups.delete('p1', 'temp'), true);
          assert.equal(await store.groups.get('p1', 'temp'), null);
          assert.equal(await store.groups.delete('p1', 'temp'), false);
          assert.deepEqual((await store.groups.allForUser('p1', 'alice')).map((g) => g.name), ['stays']);
          // A group created again under the name starts empty.
          await store.groups.create(group('p1', 'temp'), 10);
          assert.deepEqual(await store.groups.listMembers('p1', 'temp', 10), { items: [] });

          assert.equal(await store.users.delete('p1', 'alice'), true);
          assert.deepEqual((await store.groups.listMembers('p1', 'stays', 10)).items.map((u) => u.usernameKey), ['bob']);
          // A user created again under the key belongs to nothing, and the memberships no longer count to a limit.
          await store.users.create(user('p1', 'alice'));
          assert.deepEqual(await store.groups.allForUser('p1', 'alice'), []);
          assert.equal(await store.groups.addMember('p1', 'temp', 'alice', 1), 'ok');
        }));

      test('deleting a pool deletes its groups and memberships, and nothing of other pools', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          for (const p of ['p1', 'p2']) {
            await store.groups.create(group(p, 'g'), 10);
            await store.users.create(user(p, 'alice'));
            await store.groups.addMember(p, 'g', 'alice', 10);
          }
          assert.equal(await store.pools.delete('p1'), true);
          assert.equal(await store.groups.get('p1', 'g'), null);
          assert.deepEqual(await store.groups.list('p1', 10), { items: [] });
          assert.deepEqual(await store.groups.allForUser('p1', 'alice'), []);
          assert.deepEqual(await store.groups.get('p2', 'g'), group('p2', 'g'));
          assert.deepEqual((await store.groups.listMembers('p2', 'g', 10)).items, [user('p2', 'alice')]);

          await store.pools.create(pool('p1'), [], 10);
          assert.deepEqual(await store.groups.list('p1', 10), { items: [] });
          assert.equal(await store.groups.create(group('p1', 'g'), 1), 'ok');
        }));
    });

    describe('codes', () => {
      test('put then get round-trips; put replaces the live code of the same purpose only', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          const c = code('p1', 'alice', 'verify:email', {
            codeHash: 'hmac-1',
            attempts: 2,
            data: { value: 'nëw@example.com', nested: { list: [1, 'two', null] } },
            createdAt: T0 + 1,
            expiresAt: T0 + 60_000,
          });
          await store.codes.put(c);
          await store.codes.put(code('p1', 'alice', 'forgot'));
          await store.codes.put(code('p2', 'alice', 'verify:email'));
          assert.deepEqual(await store.codes.get('p1', 'alice', 'verify:email'), c);

          const next = code('p1', 'alice', 'verify:email', { codeHash: 'hmac-2', createdAt: T0 + 5, expiresAt: T0 + 120_000, data: {} });
          await store.codes.put(next);
          assert.deepEqual(await store.codes.get('p1', 'alice', 'verify:email'), next, 'attempts start again at the new code’s');
          assert.deepEqual(await store.codes.get('p1', 'alice', 'forgot'), code('p1', 'alice', 'forgot'));
          assert.deepEqual(await store.codes.get('p2', 'alice', 'verify:email'), code('p2', 'alice', 'verify:email'));

          assert.equal(await store.codes.get('p1', 'alice', 'signup'), null);
          assert.equal(await store.codes.get('p1', 'bob', 'verify:email'), null);
          // A code is returned even when expired: expiry is the domain's rule, judged by its clock.
          const expired = code('p1', 'bob', 'signup', { expiresAt: 1 });
          await store.codes.put(expired);
          assert.deepEqual(await store.codes.get('p1', 'bob', 'signup'), expired);
        }));

      test('addAttempt counts up and returns the new count; 0 when there is no code', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.codes.put(code('p1', 'alice', 'signup'));
          await store.codes.put(code('p1', 'alice', 'forgot', { attempts: 4 }));
          assert.equal(await store.codes.addAttempt('p1', 'alice', 'signup'), 1);
          assert.equal(await store.codes.addAttempt('p1', 'alice', 'signup'), 2);
          assert.equal(await store.codes.addAttempt('p1', 'alice', 'signup'), 3);
          assert.equal((await store.codes.get('p1', 'alice', 'signup'))!.attempts, 3);
          assert.equal(await store.codes.addAttempt('p1', 'alice', 'forgot'), 5);
          assert.equal(await store.codes.addAttempt('p1', 'alice', 'verify:email'), 0);
          assert.equal(await store.codes.get('p1', 'alice', 'verify:email'), null, 'counting a missing code creates none');
        }));

      test('concurrent addAttempt calls from two stores each get their own count', (t) =>
        withStore(async (store, reopen) => {
          if (!reopen) return t.skip('this backend cannot open a second store');
          const other = await reopen();
          await store.pools.create(pool('p1'), [], 10);
          await store.codes.put(code('p1', 'alice', 'signup'));
          const counts = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? store : other).codes.addAttempt('p1', 'alice', 'signup')));
          assert.deepEqual([...counts].sort((x, y) => x - y), Array.from({ length: 12 }, (_, i) => i + 1));
          assert.equal((await store.codes.get('p1', 'alice', 'signup'))!.attempts, 12);
        }));

      test('delete removes one code', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.codes.put(code('p1', 'alice', 'signup'));
          await store.codes.put(code('p1', 'alice', 'forgot'));
          assert.equal(await store.codes.delete('p1', 'alice', 'signup'), true);
          assert.equal(await store.codes.get('p1', 'alice', 'signup'), null);
          assert.equal(await store.codes.delete('p1', 'alice', 'signup'), false);
          assert.deepEqual(await store.codes.get('p1', 'alice', 'forgot'), code('p1', 'alice', 'forgot'));
          assert.equal(await store.codes.addAttempt('p1', 'alice', 'signup'), 0);
        }));
    });

    describe('sessions', () => {
      test('create stores the session with its first refresh token; get and getRefreshToken round-trip', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          const s = session('jti-ünï', 'p1', 'alice', {
            clientId: 'c-1',
            authTime: T0 - 5,
            createdAt: T0 + 1,
            expiresAt: T0 + 3_600_000,
            deviceKey: 'us-east-1_device-key',
          });
          const r = refresh('a'.repeat(64), 'jti-ünï', { createdAt: T0 + 1, expiresAt: T0 + 3_600_000 });
          await store.sessions.create(s, r);
          assert.deepEqual(await store.sessions.get('jti-ünï'), s);
          assert.deepEqual(await store.sessions.getRefreshToken('a'.repeat(64)), r);
          assert.equal(await store.sessions.get('missing'), null);
          assert.equal(await store.sessions.getRefreshToken('b'.repeat(64)), null);
          // All or nothing: a session whose refresh token clashes is not stored either.
          await assert.rejects(store.sessions.create(session('jti-2', 'p1', 'bob'), refresh('a'.repeat(64), 'jti-2')));
          assert.equal(await store.sessions.get('jti-2'), null);
        }));

      test('rotateRefreshToken supersedes the old token and adds the next, once', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          const first = refresh('h1', 's1');
          await store.sessions.create(session('s1', 'p1', 'alice'), first);
          const second = refresh('h2', 's1', { createdAt: T0 + 100 });
          assert.equal(await store.sessions.rotateRefreshToken('h1', second, T0 + 100), true);
          assert.deepEqual(await store.sessions.getRefreshToken('h1'), { ...first, supersededAt: T0 + 100 });
          assert.deepEqual(await store.sessions.getRefreshToken('h2'), second);

          // The same old token again (a replay, or a racing client): refused, its successor not stored, the first time kept.
          assert.equal(await store.sessions.rotateRefreshToken('h1', refresh('h2-bis', 's1'), T0 + 200), false);
          assert.equal(await store.sessions.getRefreshToken('h2-bis'), null);
          assert.equal((await store.sessions.getRefreshToken('h1'))!.supersededAt, T0 + 100);
          assert.equal(await store.sessions.rotateRefreshToken('unknown', refresh('h-x', 's1'), T0 + 200), false);
          assert.equal(await store.sessions.getRefreshToken('h-x'), null);

          assert.equal(await store.sessions.rotateRefreshToken('h2', refresh('h3', 's1'), T0 + 300), true);
          assert.equal((await store.sessions.getRefreshToken('h2'))!.supersededAt, T0 + 300);
          assert.equal((await store.sessions.getRefreshToken('h3'))!.supersededAt, null);
        }));

      test('concurrent rotations of one token from two stores: exactly one succeeds', (t) =>
        withStore(async (store, reopen) => {
          if (!reopen) return t.skip('this backend cannot open a second store');
          const other = await reopen();
          await store.pools.create(pool('p1'), [], 10);
          await store.sessions.create(session('s1', 'p1', 'alice'), refresh('h1', 's1'));
          const results = await Promise.all(
            Array.from({ length: 8 }, (_, i) => (i % 2 ? store : other).sessions.rotateRefreshToken('h1', refresh(`next-${i}`, 's1'), T0 + i)),
          );
          assert.equal(results.filter(Boolean).length, 1);
          const winner = results.indexOf(true);
          for (let i = 0; i < 8; i++)
            assert.equal((await store.sessions.getRefreshToken(`next-${i}`)) !== null, i === winner, `successor ${i}`);
          assert.equal((await store.sessions.getRefreshToken('h1'))!.supersededAt, T0 + winner);
        }));

      test('revoke marks one session revoked, keeping the first time; false when unknown', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.sessions.create(session('s1', 'p1', 'alice'), refresh('h1', 's1'));
          await store.sessions.create(session('s2', 'p1', 'alice'), refresh('h2', 's2'));
          assert.equal(await store.sessions.revoke('s1', T0 + 10), true);
          assert.deepEqual(await store.sessions.get('s1'), session('s1', 'p1', 'alice', { revokedAt: T0 + 10 }));
          assert.equal(await store.sessions.revoke('s1', T0 + 20), true);
          assert.equal((await store.sessions.get('s1'))!.revokedAt, T0 + 10);
          assert.equal((await store.sessions.get('s2'))!.revokedAt, null);
          assert.deepEqual(await store.sessions.getRefreshToken('h1'), refresh('h1', 's1'), 'the token stays, judged by its session');
          assert.equal(await store.sessions.revoke('unknown', T0), false);
        }));

      test('revokeAllForUser revokes only that user’s live sessions and counts them', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          await store.pools.create(pool('p2'), [], 10);
          const now = T0 + 1_000;
          const specs: [string, string, string, Partial<AuthSessionRecord>][] = [
            ['live-1', 'p1', 'alice', {}],
            ['live-2', 'p1', 'alice', { clientId: 'client-2' }],
            ['revoked', 'p1', 'alice', { revokedAt: T0 + 1 }],
            ['expired', 'p1', 'alice', { expiresAt: now }],
            ['bob', 'p1', 'bob', {}],
            ['other-pool', 'p2', 'alice', {}],
          ];
          for (const [jti, p, u, over] of specs) await store.sessions.create(session(jti, p, u, over), refresh(`h-${jti}`, jti));

          assert.equal(await store.sessions.revokeAllForUser('p1', 'alice', now), 2);
          assert.equal((await store.sessions.get('live-1'))!.revokedAt, now);
          assert.equal((await store.sessions.get('live-2'))!.revokedAt, now);
          assert.equal((await store.sessions.get('revoked'))!.revokedAt, T0 + 1);
          assert.equal((await store.sessions.get('expired'))!.revokedAt, null);
          assert.equal((await store.sessions.get('bob'))!.revokedAt, null);
          assert.equal((await store.sessions.get('other-pool'))!.revokedAt, null);
          assert.equal(await store.sessions.revokeAllForUser('p1', 'alice', now + 1), 0);
          assert.equal(await store.sessions.revokeAllForUser('p1', 'nobody', now), 0);
        }));

      test('purgeExpired drops sessions and refresh tokens that expired before the time, and counts them', () =>
        withStore(async (store) => {
          await store.pools.create(pool('p1'), [], 10);
          const before = T0 + 1_000;
          // An expired session with two tokens (one superseded); a live session with one expired and one live token.
          await store.sessions.create(session('old', 'p1', 'alice', { expiresAt: before - 1 }), refresh('old-1', 'old', { expiresAt: before - 1 }));
          await store.sessions.rotateRefreshToken('old-1', refresh('old-2', 'old', { expiresAt: before + 500 }), T0 + 1);
          await store.sessions.create(session('live', 'p1', 'alice'), refresh('live-1', 'live', { expiresAt: before - 100 }));
          await store.sessions.rotateRefreshToken('live-1', refresh('live-2', 'live'), T0 + 2);
          // Expiring exactly at the time is not before it.
          await store.sessions.create(session('edge', 'p1', 'bob', { expiresAt: before }), refresh('edge-1', 'edge', { expiresAt: before }));

          assert.equal(await store.sessions.purgeExpired(before), 4);
          assert.equal(await store.sessions.get('old'), null);
          for (const h of ['old-1', 'old-2', 'live-1']) assert.equal(await store.sessions.getRefreshToken(h), null, h);
          assert.deepEqual(await store.sessions.get('live'), session('live', 'p1', 'alice'));
          assert.deepEqual(await store.sessions.getRefreshToken('live-2'), refresh('live-2', 'live'));
          assert.notEqual(await store.sessions.get('edge'), null);
          assert.notEqual(await store.sessions.getRefreshToken('edge-1'), null);
          assert.equal(await store.sessions.purgeExpired(before), 0);
          assert.equal(await store.sessions.purgeExpired(before + 1), 2);
        }));
    });

    describe('counters', () => {
      test('hit counts within a window that starts at the first hit; a hit after it starts a new window at 1', () =>
        withStore(async (store) => {
          const w = 60_000;
          assert.equal(await store.counters.peek('k', T0), 0);
          assert.equal(await store.counters.hit('k', w, T0), 1);
          assert.equal(await store.counters.hit('k', w, T0 + 10), 2);
          assert.equal(await store.counters.hit('k', w, T0 + w - 1), 3);
          assert.equal(await store.counters.peek('k', T0 + w - 1), 3);
          assert.equal(await store.counters.peek('k', T0 + w), 0, 'the window is over at start + windowMs');
          assert.equal(await store.counters.hit('other', w, T0), 1, 'keys count apart');

          assert.equal(await store.counters.hit('k', w, T0 + w), 1);
          assert.equal(await store.counters.hit('k', w, T0 + w + 5), 2);
          assert.equal(await store.counters.peek('k', T0 + w + 5), 2);
          // A new window takes the windowMs of the hit that starts it.
          assert.equal(await store.counters.hit('k', 1_000, T0 + 3 * w), 1);
          assert.equal(await store.counters.hit('k', 1_000, T0 + 3 * w + 999), 2);
          assert.equal(await store.counters.hit('k', 1_000, T0 + 3 * w + 1_000), 1);
          assert.equal(await store.counters.peek('other', T0 + 1), 1);
        }));

      test('reset forgets the counter', () =>
        withStore(async (store) => {
          await store.counters.hit('k', 1_000, T0);
          await store.counters.hit('k', 1_000, T0);
          await store.counters.hit('k2', 1_000, T0);
          await store.counters.reset('k');
          assert.equal(await store.counters.peek('k', T0), 0);
          assert.equal(await store.counters.hit('k', 1_000, T0 + 1), 1);
          assert.equal(await store.counters.peek('k2', T0), 1);
          await store.counters.reset('never');
        }));

      test('concurrent hits from two stores count exactly', (t) =>
        withStore(async (store, reopen) => {
          if (!reopen) return t.skip('this backend cannot open a second store');
          const other = await reopen();
          const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).counters.hit('race', 60_000, T0)));
          assert.deepEqual([...counts].sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i + 1));
          assert.equal(await store.counters.peek('race', T0 + 20), 20);
          assert.equal(await other.counters.peek('race', T0 + 20), 20);
        }));

      test('lockouts: set replaces, get reads, clear forgets', () =>
        withStore(async (store) => {
          assert.equal(await store.counters.getLockout('user:p1:alice'), null);
          await store.counters.setLockout('user:p1:alice', 1, 0);
          assert.deepEqual(await store.counters.getLockout('user:p1:alice'), { failures: 1, lockedUntil: 0 });
          await store.counters.setLockout('user:p1:alice', 6, T0 + 2_000);
          assert.deepEqual(await store.counters.getLockout('user:p1:alice'), { failures: 6, lockedUntil: T0 + 2_000 });
          await store.counters.setLockout('user:p1:bob', 2, T0);
          await store.counters.clearLockout('user:p1:alice');
          assert.equal(await store.counters.getLockout('user:p1:alice'), null);
          assert.deepEqual(await store.counters.getLockout('user:p1:bob'), { failures: 2, lockedUntil: T0 });
          await store.counters.clearLockout('never');
          // Lockouts and hit counters are separate even under one key.
          await store.counters.hit('user:p1:bob', 1_000, T0);
          assert.deepEqual(await store.counters.getLockout('user:p1:bob'), { failures: 2, lockedUntil: T0 });
        }));
      test('addFailure counts atomically, extendLockout never shortens, purgeExpired drops ended windows and idle streaks', (t) =>
        withStore(async (store, reopen) => {
          assert.equal(await store.counters.addFailure('f:alice', T0), 1);
          assert.equal(await store.counters.addFailure('f:alice', T0 + 10), 2);
          await store.counters.extendLockout('f:alice', T0 + 5_000);
          await store.counters.extendLockout('f:alice', T0 + 1_000);
          assert.deepEqual(await store.counters.getLockout('f:alice'), { failures: 2, lockedUntil: T0 + 5_000 });
          await store.counters.extendLockout('f:nobody', T0 + 5_000);
          assert.equal(await store.counters.getLockout('f:nobody'), null);

          await store.counters.hit('window:short', 1_000, T0);
          await store.counters.hit('window:long', 60_000, T0);
          await store.counters.addFailure('f:idle', T0 - 100_000);
          // At T0 + 2000: the short window ended, the long did not; 'f:idle' is idle (and unlocked); alice is locked.
          const removed = await store.counters.purgeExpired(T0 + 2_000, T0 - 50_000);
          assert.equal(removed, 2);
          assert.equal(await store.counters.peek('window:long', T0 + 2_000), 1);
          assert.equal(await store.counters.getLockout('f:idle'), null);
          assert.deepEqual(await store.counters.getLockout('f:alice'), { failures: 2, lockedUntil: T0 + 5_000 });
          // A locked streak outlives its idleness until the lock ends.
          assert.equal(await store.counters.purgeExpired(T0 + 2_000, T0 + 1_000_000), 0);
          assert.equal(await store.counters.purgeExpired(T0 + 6_000, T0 + 1_000_000), 1);

          if (!reopen) return t.skip('this backend cannot open a second store');
          const other = await reopen();
          const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).counters.addFailure('f:race', T0)));
          assert.deepEqual([...counts].sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i + 1));
        }));
    });

    describe('outbox', () => {
      test('list returns messages newest first, filtered by recipient, limited; records round-trip', () =>
        withStore(async (store) => {
          const m1 = message('m1', 'alice@example.com', T0 + 1, { body: 'Vötre code: 123456 🔐\nline two' });
          const m2 = message('m2', '+15555550100', T0 + 2, { channel: 'sms', subject: null, poolId: null, delivery: 'failed: no route' });
          const m3 = message('m3', 'alice@example.com', T0 + 3, { delivery: 'sent' });
          const m4 = message('m4', 'bob@example.com', T0 + 3);
          // Ties on sentAt come newest-added first (not by id: m4 is added after m5).
          const m5 = message('m5', 'alice@example.com', T0 + 3);
          for (const m of [m3, m1, m5, m2, m4]) await store.outbox.add(m);

          assert.deepEqual(await store.outbox.list(undefined, 10), [m4, m5, m3, m2, m1]);
          assert.deepEqual(await store.outbox.list(undefined, 2), [m4, m5]);
          assert.deepEqual(await store.outbox.list('alice@example.com', 10), [m5, m3, m1]);
          assert.deepEqual(await store.outbox.list('alice@example.com', 1), [m5]);
          assert.deepEqual(await store.outbox.list('+15555550100', 10), [m2]);
          assert.deepEqual(await store.outbox.list('ALICE@example.com', 10), [], 'recipients match exactly');
          assert.deepEqual(await store.outbox.list('nobody@example.com', 10), []);
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
          const u = user('p1', 'alice', { attributes: { email: 'Älice@example.com', 'custom:k': 'v' } });
          assert.equal(await store.users.create(u), 'ok');
          await store.codes.put(code('p1', 'alice', 'signup'));
          await store.sessions.create(session('s1', 'p1', 'alice'), refresh('h1', 's1'));
          assert.equal(await store.counters.hit('k', 60_000, T0), 1);
          await store.counters.setLockout('k', 3, T0 + 5);
          await store.outbox.add(message('m1', 'alice@example.com', T0));
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
          assert.deepEqual(await again.users.get('p1', 'alice'), u);
          assert.deepEqual(await again.users.findByAttribute('p1', 'email', 'älice@example.com', true), [u]);
          assert.deepEqual(await again.codes.get('p1', 'alice', 'signup'), code('p1', 'alice', 'signup'));
          assert.deepEqual(await again.sessions.get('s1'), session('s1', 'p1', 'alice'));
          assert.deepEqual(await again.sessions.getRefreshToken('h1'), refresh('h1', 's1'));
          assert.equal(await again.counters.hit('k', 60_000, T0 + 1), 2);
          assert.deepEqual(await again.counters.getLockout('k'), { failures: 3, lockedUntil: T0 + 5 });
          assert.deepEqual(await again.outbox.list(undefined, 10), [message('m1', 'alice@example.com', T0)]);
        }));
    });
  });
}
