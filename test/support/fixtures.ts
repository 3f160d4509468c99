// Test support: the set-up shared by the operation tests (deps on a FixedClock, a pool and app client through the
// operations, passwordless users to mint tokens for, sign-up pools, pools for the client and domain tests, signed-in
// users), built on users.ts.
import assert from 'node:assert/strict';
import { makeTestDeps } from './deps.ts';
import { FixedClock } from '../../src/runtime/clock.ts';
import type { ServiceModel } from '../../src/protocol/validate.ts';
import idpModel from '../../src/protocol/models/cognito-idp.json' with { type: 'json' };
import type { ClientRecord, PoolRecord, UserRecord } from '../../src/storage/records.ts';
import { createSettings } from '../../src/user-pools/domain/pools.ts';
import type { CreateUserPoolClientRequest, CreateUserPoolRequest, SignUpRequest } from '../../src/user-pools/shapes.ts';
import createUserPoolClient from '../../src/user-pools/operations/create-user-pool-client.ts';
import createUserPool from '../../src/user-pools/operations/create-user-pool.ts';
import createUserPoolDomain from '../../src/user-pools/operations/create-user-pool-domain.ts';
import signUpOp from '../../src/user-pools/operations/sign-up.ts';
import confirmSignUpOp from '../../src/user-pools/operations/confirm-sign-up.ts';
import resendConfirmationCodeOp from '../../src/user-pools/operations/resend-confirmation-code.ts';
import {
  ALL_FLOWS,
  createTestClient,
  createTestPool,
  createTestUser,
  secretHashOf,
  type TestClient,
  type TestUserOptions,
} from './users.ts';
import { readOutbox } from '../../src/runtime/delivery.ts';

export const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
export const model = idpModel as unknown as ServiceModel;
/** The fixtures' clock starts here (FixedClock's default). */
export const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

export type TestDeps = Awaited<ReturnType<typeof makeTestDeps>>;

/** Test deps on a FixedClock at NOW (with `config` over the test config). */
export async function fixedClockDeps(config?: NonNullable<Parameters<typeof makeTestDeps>[0]>['config']): Promise<{ deps: TestDeps; clock: FixedClock }> {
  const clock = new FixedClock(NOW);
  return { deps: await makeTestDeps(config ? { clock, config } : { clock }), clock };
}

/** The [code, message] `p` is refused with; given `operation`, the code must be one the model declares for it. */
export async function errorOf(p: Promise<unknown>, operation?: string): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    if (operation !== undefined) assert.ok(model.operations[operation]!.errors.includes(code), `${code} is not declared for ${operation}`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

// ---------------------------------------------------------------------------------------------------------
// Token tests: a pool ('p') and app client ('web') through the operations; users minted tokens without signing in

export interface TokenFixture {
  deps: TestDeps;
  clock: FixedClock;
  pool: PoolRecord;
  client: ClientRecord;
  /** Another app client of `pool` ('web' unless named). */
  newClient(input?: Partial<CreateUserPoolClientRequest>): Promise<{ client: ClientRecord; secret?: string }>;
  /** A CONFIRMED user without a password, inserted straight into the store. */
  insertUser(pool: PoolRecord, username: string, o?: TestUserOptions): Promise<UserRecord>;
}

export async function tokenFixture(o: { pool?: Partial<CreateUserPoolRequest> } = {}): Promise<TokenFixture> {
  const { deps, clock } = await fixedClockDeps();
  const pool = await createTestPool(deps, { PoolName: 'p', ...o.pool });
  const newClient: TokenFixture['newClient'] = async (input = {}) => {
    const c = await createTestClient(deps, pool.id, { ClientName: 'web', ...input });
    return { client: c.record, ...(c.secret ? { secret: c.secret } : {}) };
  };
  const { client } = await newClient();
  return { deps, clock, pool, client, newClient, insertUser: (p, username, uo) => createTestUser(deps, p, username, null, uo) };
}

// ---------------------------------------------------------------------------------------------------------
// Sign-up tests: pools written straight into the store (no signing keys), an app client, and the sign-up calls

export const PASSWORD = 'Passw0rd!';

type PoolSettings = Omit<CreateUserPoolRequest, 'PoolName'>;

/** Deps on a FixedClock; `setup` makes a pool `us-east-1_<idPrefix><n>` and a client, with sign-up calls bound to them. */
export async function signUpFixture(idPrefix: string) {
  const { deps, clock } = await fixedClockDeps();
  let n = 0;

  async function newPool(input: PoolSettings): Promise<PoolRecord> {
    const id = `us-east-1_${idPrefix}${++n}`;
    const now = deps.clock.now();
    const pool: PoolRecord = {
      id,
      name: id,
      arn: `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${id}`,
      createdAt: now,
      updatedAt: now,
      version: 1,
      settings: createSettings(input),
      tags: {},
    };
    await deps.store.pools.create(pool, [], 1000);
    return pool;
  }

  async function setup(pool: PoolSettings = { AutoVerifiedAttributes: ['email'] }, client: Partial<CreateUserPoolClientRequest> = {}) {
    const p = await newPool(pool);
    const c = (await createUserPoolClient.handle({ UserPoolId: p.id, ClientName: 'app', ...client }, deps, ctx)).UserPoolClient!;
    const hash = (name: string) => (c.ClientSecret ? secretHashOf(c.ClientSecret, name, c.ClientId!) : undefined);
    const signUp = (req: Partial<SignUpRequest> & { Username: string }) =>
      signUpOp.handle({ ClientId: c.ClientId!, Password: PASSWORD, SecretHash: hash(req.Username), ...req }, deps, ctx);
    const confirm = (Username: string, ConfirmationCode: string, more: { ForceAliasCreation?: boolean; SecretHash?: string } = {}) =>
      confirmSignUpOp.handle({ ClientId: c.ClientId!, Username, ConfirmationCode, SecretHash: hash(Username), ...more }, deps, ctx);
    const resend = (Username: string) => resendConfirmationCodeOp.handle({ ClientId: c.ClientId!, Username, SecretHash: hash(Username) }, deps, ctx);
    return { pool: p, client: c, signUp, confirm, resend, hash };
  }

  /** The code in the newest message to `to`. */
  async function codeSentTo(to: string): Promise<string> {
    const [m] = await readOutbox(deps, to, 1);
    assert.ok(m, `a message to ${to}`);
    return /\d{6}/.exec(m.body)![0];
  }

  return { deps, clock, setup, codeSentTo };
}

export type SignUpFixture = Awaited<ReturnType<typeof signUpFixture>>;

// ---------------------------------------------------------------------------------------------------------
// App client and domain tests: a pool ('p') through CreateUserPool; other pools straight into the store

export interface PoolFixture {
  deps: TestDeps;
  clock: FixedClock;
  poolId: string;
}

/** Deps on a FixedClock at NOW (with `config`), and a pool 'p' made by CreateUserPool. */
export async function poolFixture(config?: Parameters<typeof fixedClockDeps>[0]): Promise<PoolFixture> {
  const { deps, clock } = await fixedClockDeps(config);
  const poolId = (await createUserPool.handle({ PoolName: 'p' }, deps, ctx)).UserPool!.Id!;
  return { deps, clock, poolId };
}

/** Another pool, inserted straight into the store (no signing keys: cheaper than CreateUserPool). */
export async function quickPool(deps: TestDeps, id: string): Promise<string> {
  const now = deps.clock.now();
  const arn = `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${id}`;
  await deps.store.pools.create({ id, name: id, arn, createdAt: now, updatedAt: now, version: 1, settings: {}, tags: {} }, [], 1000);
  return id;
}

/** A certificate for custom domains. */
export const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000';

/** Gives `poolId` the prefix domain 'my-app' and the custom domain 'auth.example.com' (on CERT). */
export async function createTestDomains(deps: TestDeps, poolId: string): Promise<void> {
  await createUserPoolDomain.handle({ UserPoolId: poolId, Domain: 'my-app' }, deps, ctx);
  await createUserPoolDomain.handle({ UserPoolId: poolId, Domain: 'auth.example.com', CustomDomainConfig: { CertificateArn: CERT } }, deps, ctx);
}

// ---------------------------------------------------------------------------------------------------------
// Sign-in tests: a pool and a client with every password flow, through the operations; users with passwords

export interface SignInFixture {
  deps: TestDeps;
  clock: FixedClock;
  pool: PoolRecord;
  client: TestClient;
}

/** A pool and ALL_FLOWS client; 'alice' (PASSWORD), and unless `temp` is false 'temp' (FORCE_CHANGE_PASSWORD, 'Temp0rary!'). */
export async function signInFixture(o: { temp?: boolean } = {}): Promise<SignInFixture> {
  const { deps, clock } = await fixedClockDeps();
  const pool = await createTestPool(deps);
  const client = await createTestClient(deps, pool.id, { ExplicitAuthFlows: ALL_FLOWS });
  await createTestUser(deps, pool, 'alice', PASSWORD);
  if (o.temp ?? true) await createTestUser(deps, pool, 'temp', 'Temp0rary!', { status: 'FORCE_CHANGE_PASSWORD' });
  return { deps, clock, pool, client };
}
