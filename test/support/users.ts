// Test support: users inserted straight into the store (with real sealed credentials), and small pool/client helpers.
import { createHmac } from 'node:crypto';
import * as cognitoJs from 'amazon-cognito-identity-js';
import type { Deps } from '../../src/deps.ts';
import type { ClientRecord, PoolRecord, UserRecord, UserStatus } from '../../src/storage/records.ts';
import createUserPoolClient from '../../src/user-pools/operations/create-user-pool-client.ts';
import createUserPool from '../../src/user-pools/operations/create-user-pool.ts';
import type { CreateUserPoolClientRequest, CreateUserPoolRequest } from '../../src/user-pools/shapes.ts';
import { newCredentials } from '../../src/user-pools/domain/passwords.ts';
import { usernameKey } from '../../src/user-pools/domain/usernames.ts';

export interface TestUserOptions {
  status?: UserStatus;
  enabled?: boolean;
  attributes?: Record<string, string>;
  /** Defaults to a fresh uuid. */
  sub?: string;
  /** When the password was set (ms); defaults to now. */
  passwordSetAt?: number;
  mfa?: Record<string, unknown>;
}

/** Creates a user with `password` (SRP verifier and argon2id hash over the internal `username`), CONFIRMED unless told. */
export async function createTestUser(
  deps: Pick<Deps, 'store' | 'secrets' | 'random' | 'clock' | 'hashing'>,
  pool: PoolRecord,
  username: string,
  password: string | null,
  o: TestUserOptions = {},
): Promise<UserRecord> {
  const now = deps.clock.now();
  const user: UserRecord = {
    poolId: pool.id,
    username,
    usernameKey: usernameKey(pool, username),
    sub: o.sub ?? deps.random.uuid(),
    status: o.status ?? 'CONFIRMED',
    enabled: o.enabled ?? true,
    attributes: { ...o.attributes },
    credentialsSealed: password === null ? null : await newCredentials(deps, pool, username, password),
    mfa: o.mfa ?? {},
    passwordSetAt: password === null ? null : (o.passwordSetAt ?? now),
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const r = await deps.store.users.create(user);
  if (r !== 'ok') throw new Error(`createTestUser(${username}): ${r}`);
  return user;
}

/** Reads a user back by internal username. */
export async function getTestUser(deps: Pick<Deps, 'store'>, pool: PoolRecord, username: string): Promise<UserRecord> {
  const u = await deps.store.users.get(pool.id, usernameKey(pool, username));
  if (!u) throw new Error(`no user ${username}`);
  return u;
}

// ---------------------------------------------------------------------------------------------------------
// The client side of Cognito SRP, by the real client library (amazon-cognito-identity-js AuthenticationHelper,
// DateHelper); only the final HMAC concatenation of CognitoUser.authenticateUserDefaultAuth is repeated here.

interface ClientBigInteger {
  toString(radix: number): string;
}
type NodeCb<T> = (err: Error | null, value: T) => void;
interface ClientAuthenticationHelper {
  N: ClientBigInteger;
  getLargeAValue(cb: NodeCb<ClientBigInteger>): void;
  getPasswordAuthenticationKey(username: string, password: string, B: ClientBigInteger, salt: ClientBigInteger, cb: NodeCb<Buffer>): void;
}
interface ClientLib {
  AuthenticationHelper: new (poolName: string) => ClientAuthenticationHelper;
  DateHelper: new () => { getNowString(): string };
}
const { AuthenticationHelper, DateHelper } = cognitoJs as unknown as ClientLib;

const cbPromise = <T>(f: (cb: NodeCb<T>) => void) => new Promise<T>((res, rej) => f((e, v) => (e ? rej(e) : res(v))));

export interface SrpClient {
  /** SRP_A to send in AuthParameters. */
  A: string;
  /**
   * The PASSWORD_VERIFIER ChallengeResponses for the server's ChallengeParameters, as the real client builds them
   * (USERNAME = USER_ID_FOR_SRP). `timestamp` overrides DateHelper's (e.g. a zero-padded day).
   */
  answer(params: Record<string, string>, password: string, o?: { timestamp?: string }): Promise<Record<string, string>>;
}

export async function srpClient(poolId: string): Promise<SrpClient> {
  const poolName = poolId.slice(poolId.indexOf('_') + 1);
  const helper = new AuthenticationHelper(poolName);
  const A = (await cbPromise<ClientBigInteger>((cb) => helper.getLargeAValue(cb))).toString(16);
  const BigInteger = helper.N.constructor as unknown as new (v: string, radix: number) => ClientBigInteger;
  return {
    A,
    async answer(params, password, o = {}) {
      const userId = params.USER_ID_FOR_SRP!;
      const key = await cbPromise<Buffer>((cb) =>
        helper.getPasswordAuthenticationKey(userId, password, new BigInteger(params.SRP_B!, 16), new BigInteger(params.SALT!, 16), cb),
      );
      const timestamp = o.timestamp ?? new DateHelper().getNowString();
      const message = Buffer.concat([
        Buffer.from(poolName, 'utf8'),
        Buffer.from(userId, 'utf8'),
        Buffer.from(params.SECRET_BLOCK!, 'base64'),
        Buffer.from(timestamp, 'utf8'),
      ]);
      return {
        USERNAME: userId,
        PASSWORD_CLAIM_SECRET_BLOCK: params.SECRET_BLOCK!,
        TIMESTAMP: timestamp,
        PASSWORD_CLAIM_SIGNATURE: createHmac('sha256', key).update(message).digest('base64'),
      };
    },
  };
}

/** SECRET_HASH as clients compute it. */
export function secretHashOf(secret: string, username: string, clientId: string): string {
  return createHmac('sha256', secret).update(username + clientId).digest('base64');
}

// ---------------------------------------------------------------------------------------------------------
// Pools and app clients through their operations (real signing keys, Cognito's defaults)

const opCtx = { requestId: 'test', sourceIp: '127.0.0.1', headers: {} };

export async function createTestPool(deps: Deps, over: Partial<CreateUserPoolRequest> = {}): Promise<PoolRecord> {
  const id = (await createUserPool.handle({ PoolName: 'sign-in', ...over }, deps, opCtx)).UserPool!.Id!;
  return (await deps.store.pools.get(id))!;
}

export interface TestClient {
  id: string;
  secret?: string;
  record: ClientRecord;
}

export async function createTestClient(deps: Deps, poolId: string, over: Partial<CreateUserPoolClientRequest> = {}): Promise<TestClient> {
  const c = (await createUserPoolClient.handle({ UserPoolId: poolId, ClientName: 'app', ...over }, deps, opCtx)).UserPoolClient!;
  return { id: c.ClientId!, ...(c.ClientSecret ? { secret: c.ClientSecret } : {}), record: (await deps.store.clients.get(c.ClientId!))! };
}

/** Every password flow, SRP and refresh: what most sign-in tests want. */
export const ALL_FLOWS: NonNullable<CreateUserPoolClientRequest['ExplicitAuthFlows']> = [
  'ALLOW_USER_PASSWORD_AUTH',
  'ALLOW_ADMIN_USER_PASSWORD_AUTH',
  'ALLOW_USER_SRP_AUTH',
  'ALLOW_REFRESH_TOKEN_AUTH',
];
