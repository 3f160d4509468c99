// Storage contract fixtures: the record builders, the target a backend hands the suite, and the fresh-store runner.
import type {
  AuthSessionRecord,
  ClientRecord,
  CodeRecord,
  DomainRecord,
  KeyUse,
  OutboxRecord,
  PoolRecord,
  RefreshTokenRecord,
  SigningKeyRecord,
  UserRecord,
  GroupRecord,
  IdentityPoolRecord,
} from '../../../src/storage/records.ts';
import type { Store, UserStore } from '../../../src/storage/store.ts';

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
export const T0 = 1_722_000_000_000;

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

export function identityPool(id: string, over: Partial<IdentityPoolRecord> = {}): IdentityPoolRecord {
  return {
    id,
    name: `identity pool ${id}`,
    arn: `arn:aws:cognito-identity:us-east-1:123456789012:identitypool/${id}`,
    createdAt: T0,
    updatedAt: T0,
    version: 1,
    settings: { AllowUnauthenticatedIdentities: false },
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

export function message(id: string, to: string, sentAt: number, over: Partial<OutboxRecord> = {}): OutboxRecord {
  return {
    id,
    poolId: 'p1',
    channel: 'email',
    to,
    sealed: `v1.kid.iv.tag.sealed-${id}`,
    sentAt,
    expiresAt: sentAt + 86_400_000,
    delivery: 'outbox-only',
    ...over,
  };
}

/** Settings that exercise every JSON shape a configuration document holds. */
export const richSettings = {
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

/** Runs `fn` on a fresh store, migrated unless `migrate` is false; closes every store it opened and removes the database, pass or fail. */
export type WithStore = (
  fn: (store: Store, reopen: (() => Promise<Store>) | undefined, target: ContractTarget) => Promise<void>,
  migrate?: boolean,
) => Promise<void>;

/** The WithStore of a backend: each call opens a target, and closes every store it handed out and cleans up after. */
export function withStoreOf(open: () => Promise<ContractTarget>): WithStore {
  return async (fn, migrate = true) => {
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
}
