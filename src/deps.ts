// Composition root: config, store, clock, randomness, logger, secrets and credentials, made once per process.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Config } from './config/schema.ts';
import { ConfigError } from './config/load.ts';
import { systemClock, type Clock } from './runtime/clock.ts';
import { cryptoRandom, type Random } from './runtime/random.ts';
import { pinoLogger, type Logger } from './runtime/logger.ts';
import { loadMasterKey, MasterKeyError, secretBox, type SecretBox } from './runtime/secrets.ts';
import { makePrivateDir, writePrivateFile } from './lib/private-files.ts';
import type { Store } from './storage/store.ts';
import { openSqliteStore } from './storage/sqlite/index.ts';
import { PrivateKeyCache } from './tokens/keys.ts';
import type { SigningKeyResolver } from './protocol/sigv4.ts';
import { makeDelivery, type Delivery } from './runtime/delivery.ts';
import { loadTriggerMappings, makeTriggerRunner, type TriggerRunner } from './runtime/triggers.ts';
import { encryptorFor } from './runtime/code-encryption.ts';
import { argon2Hasher, type PasswordHasher } from './runtime/hashing.ts';
import { storedKeys, type StoredKeys } from './runtime/stored-keys.ts';
import { lazyCredentialAuthority, withRoleCredentials, type LazyCredentialAuthority } from './identity-pools/credentials.ts';
import { LruCache } from './lib/lru.ts';
import type { CachedIdentityKeys } from './identity-pools/openid.ts';
import { RolePolicyCache } from './identity-pools/role-policies.ts';
import type { KeyObject } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import { makeMetrics, type Metrics } from './runtime/metrics.ts';
import { timedStore } from './storage/timed-store.ts';
import { loadStreamMappings, makeStreamPublisher, type StreamPublisher } from './runtime/streams.ts';

export interface AdminCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface Deps {
  config: Config;
  store: Store;
  clock: Clock;
  random: Random;
  logger: Logger;
  secrets: SecretBox;
  privateKeys: PrivateKeyCache;
  admin: AdminCredentials;
  /** Resolves SigV4 access keys: the admin key (later also temporary identity credentials). */
  signingKeys: SigningKeyResolver;
  /** Sends email and SMS (recording each in the outbox). */
  delivery: Delivery;
  /** argon2id hashing of passwords, at most one computation per core at a time. */
  hashing: PasswordHasher;
  /** Per-deployment keys sealed in the store: the code pepper, the SRP simulation key. */
  storedKeys: StoredKeys;
  /** Temporary credentials STS issues for roles (identity-pools/credentials.ts). */
  roleCredentials: LazyCredentialAuthority;
  /** In-process caches of derived values (safe to lose: each entry is recomputed on a miss). */
  caches: Caches;
  /** Invokes the Lambda functions of pool triggers (--triggers mappings, else COGNATE_LAMBDA_ENDPOINT). */
  triggers: TriggerRunner;
  /** Prometheus metrics (GET /metrics). */
  metrics: Metrics;
  /** Cognito Streams' targets (--streams mappings). */
  streams: StreamPublisher;
}

/**
 * An access-token verification key, cached by kid: the pool and use it was published for, its public key, and its
 * retiresAt as the store had it at `checkedAt` (tokens/verify.ts re-reads it KEY_RECHECK_MS after that).
 */
export interface CachedVerificationKey {
  poolId: string;
  use: string;
  key: KeyObject;
  retiresAt: number | null;
  checkedAt: number;
}

export interface Caches {
  /** SigV4 signing keys by digest of the secret + date + region + service. */
  sigv4Keys: LruCache<string, Buffer>;
  /** Access-token verification keys by kid (a kid names one key forever; its retiresAt is re-read every few seconds). */
  verificationKeys: LruCache<string, CachedVerificationKey>;
  /** Key sets of outside OpenID Connect issuers (identity-pool logins) by issuer URL, found by their discovery document. */
  remoteJwks: LruCache<string, JWTVerifyGetKey>;
  /** The identity pools' OpenID keys, unsealed (identity-pools/openid.ts; re-read every few seconds, so a rotation reaches every server). */
  identityKeys: LruCache<string, CachedIdentityKeys>;
  /** Roles with their parsed inline policies, for authorization decisions (dropped on a change here, re-read every few seconds). */
  rolePolicies: RolePolicyCache;
}

export function makeCaches(): Caches {
  return { sigv4Keys: new LruCache(256), verificationKeys: new LruCache(10_000), remoteJwks: new LruCache(256), identityKeys: new LruCache(1), rolePolicies: new RolePolicyCache() };
}

/** The trigger runner for this configuration: the mapping file's targets, then the Lambda endpoint, signed by `admin`. */
export function makeTriggers(config: Config, admin: AdminCredentials, clock: Clock, logger: Logger): TriggerRunner {
  encryptorFor(config, admin); // checks COGNATE_SENDER_KEYS now: a bad entry stops the start, not a sign-up
  const mapped = config.triggersFile ? loadTriggerMappings(config.triggersFile) : {};
  return makeTriggerRunner({ ...mapped, lambdaEndpoint: config.lambdaEndpoint, region: config.region, credentials: admin, clock, logger });
}

export async function openStore(config: Config): Promise<Store> {
  if (config.databaseUrl) {
    const { openPostgresStore, poolSizeFor } = await import('./storage/postgres/index.ts');
    // Each worker process opens its own pool: sized so that the server's workers together keep to one budget.
    const workers = config.workers && config.workers > 0 ? config.workers : availableParallelism();
    return openPostgresStore(config.databaseUrl, { poolSize: poolSizeFor(workers) });
  }
  return openSqliteStore(join(config.dataDir, 'cognate.db'));
}

const ALNUM_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The admin key pair: from the environment, else from (or generated into) dataDir/admin-credentials.json. */
export function loadAdminCredentials(config: Config, random: Random): { creds: AdminCredentials; generated: boolean } {
  if (config.adminAccessKeyId && config.adminSecretAccessKey)
    return { creds: { accessKeyId: config.adminAccessKeyId, secretAccessKey: config.adminSecretAccessKey }, generated: false };
  if (config.adminAccessKeyId || config.adminSecretAccessKey)
    throw new ConfigError('COGNATE_ADMIN_ACCESS_KEY_ID and COGNATE_ADMIN_SECRET_ACCESS_KEY must be given together');
  makePrivateDir(config.dataDir);
  const path = join(config.dataDir, 'admin-credentials.json');
  if (existsSync(path)) return { creds: JSON.parse(readFileSync(path, 'utf8')), generated: false };
  const creds = {
    accessKeyId: 'AKIA' + random.string(16, ALNUM_UPPER),
    secretAccessKey: random.bytes(30).toString('base64').replace(/[+/]/g, (c) => (c === '+' ? 'x' : 'y')),
  };
  writePrivateFile(path, JSON.stringify(creds, null, 2) + '\n');
  return { creds, generated: true };
}

export function adminResolver(admin: AdminCredentials): SigningKeyResolver {
  return {
    async resolve(accessKeyId) {
      return accessKeyId === admin.accessKeyId ? { secretAccessKey: admin.secretAccessKey, context: { kind: 'admin' } } : null;
    },
  };
}

/** Checks that the store's secrets were sealed with this master key: servers sharing one database need the same key. */
async function checkMasterKey(store: Store, box: SecretBox): Promise<void> {
  const stored = await store.meta.setIfAbsent('master_key_id', box.keyId);
  if (stored !== box.keyId)
    throw new MasterKeyError(
      `this database's secrets are sealed with master key ${stored}, but this server has ${box.keyId}: give every server the same COGNATE_MASTER_KEY`,
    );
}

/**
 * A data directory group or others can enter (as earlier versions created it, 0755) is left as it is — the operator may
 * want it so — but said at start: the database and the keys in it are 0600, new files too, yet their names and sizes
 * show, and a file copied in with a looser mode would be readable.
 */
function warnIfDataDirOpen(config: Config, logger: Logger): void {
  if (!existsSync(config.dataDir)) return; // not used (PostgreSQL, secrets from the environment)
  const mode = statSync(config.dataDir).mode & 0o777;
  if (mode & 0o077)
    logger.warn('the data directory is accessible to group or others: chmod 700 it', { dataDir: config.dataDir, mode: `0${mode.toString(8)}` });
}

export interface MadeDeps {
  deps: Deps;
  adminGenerated: boolean;
}

export async function makeDeps(config: Config, over: Partial<Pick<Deps, 'clock' | 'random' | 'logger'>> = {}): Promise<MadeDeps> {
  const random = over.random ?? cryptoRandom;
  const logger = over.logger ?? pinoLogger(config.logLevel, config.logFormat);
  const { key } = loadMasterKey(config.masterKey, config.dataDir);
  const secrets = secretBox(key);
  const store = await openStore(config);
  try {
    await store.migrate();
    await checkMasterKey(store, secrets);
  } catch (e) {
    await store.close();
    throw e;
  }
  const { creds, generated } = loadAdminCredentials(config, random);
  warnIfDataDirOpen(config, logger);
  const clock = over.clock ?? systemClock;
  try {
    const metrics = makeMetrics({ processMetrics: true });
    return { deps: assembleDeps({ config, store, clock, random, logger, secrets, admin: creds }, { metrics }), adminGenerated: generated };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** What every Deps is made of; the rest is derived from it. */
export type BaseDeps = Pick<Deps, 'config' | 'store' | 'clock' | 'random' | 'logger' | 'secrets' | 'admin'>;

/** Deps from their base: the derived members made here, unless `over` gives them (tests); the store's calls timed into the metrics. */
export function assembleDeps<B extends BaseDeps>(base: B, over: Partial<Omit<Deps, keyof BaseDeps>> = {}): B & Deps {
  const { config, clock, random, logger, secrets, admin } = base;
  const metrics = over.metrics ?? makeMetrics();
  const store = timedStore(base.store, metrics);
  const hashing = over.hashing ?? argon2Hasher();
  const keys = over.storedKeys ?? storedKeys({ store, secrets, random });
  const roleCredentials = over.roleCredentials ?? lazyCredentialAuthority(keys, random, clock);
  if (hashing.load) metrics.watchHashing(hashing.load);
  return {
    ...base,
    store,
    metrics,
    privateKeys: over.privateKeys ?? new PrivateKeyCache(secrets),
    signingKeys: over.signingKeys ?? withRoleCredentials(adminResolver(admin), roleCredentials),
    roleCredentials,
    delivery: over.delivery ?? makeDelivery({ config, store, clock, random, logger, secrets }),
    hashing,
    storedKeys: keys,
    caches: over.caches ?? makeCaches(),
    triggers: over.triggers ?? makeTriggers(config, admin, clock, logger),
    streams: over.streams ?? makeStreamPublisher(config.streamsFile ? loadStreamMappings(config.streamsFile) : {}, logger),
  };
}

