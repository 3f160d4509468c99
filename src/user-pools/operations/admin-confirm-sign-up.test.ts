import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { makeTestDeps } from '../../deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { PoolRecord } from '../../storage/records.ts';
import { createSettings } from '../domain/pools.ts';
import type { CreateUserPoolClientRequest, CreateUserPoolRequest, SignUpRequest } from '../shapes.ts';
import createClient from './create-user-pool-client.ts';
import signUpOp from './sign-up.ts';
import confirmOp from './confirm-sign-up.ts';
import op from './admin-confirm-sign-up.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const PASSWORD = 'Passw0rd!';
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let clock: FixedClock;
let n = 0;

before(async () => {
  clock = new FixedClock();
  deps = await makeTestDeps({ clock });
});

async function newPool(input: Omit<CreateUserPoolRequest, 'PoolName'>): Promise<PoolRecord> {
  const id = `us-east-1_adminconfirm${++n}`;
  const now = deps.clock.now();
  const pool: PoolRecord = {
    id,
    name: id,
    arn: `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${id}`,
    createdAt: now,
    updatedAt: now,
    version: 1,
    settings: createSettings(input) as unknown as Record<string, unknown>,
    tags: {},
  };
  await deps.store.pools.create(pool, [], 1000);
  return pool;
}

async function setup(pool: Omit<CreateUserPoolRequest, 'PoolName'> = { AutoVerifiedAttributes: ['email'] }, client: Partial<CreateUserPoolClientRequest> = {}) {
  const p = await newPool(pool);
  const c = (await createClient.handle({ UserPoolId: p.id, ClientName: 'app', ...client }, deps, ctx)).UserPoolClient!;
  const hash = (name: string) => (c.ClientSecret ? createHmac('sha256', c.ClientSecret).update(name + c.ClientId).digest('base64') : undefined);
  const signUp = (req: Partial<SignUpRequest> & { Username: string }) =>
    signUpOp.handle({ ClientId: c.ClientId!, Password: PASSWORD, SecretHash: hash(req.Username), ...req }, deps, ctx);
  const confirm = (Username: string, ConfirmationCode: string, more: { ForceAliasCreation?: boolean; SecretHash?: string } = {}) =>
    confirmOp.handle({ ClientId: c.ClientId!, Username, ConfirmationCode, SecretHash: hash(Username), ...more }, deps, ctx);
  return { pool: p, client: c, signUp, confirm, hash };
}

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    return [(e as { code?: string }).code ?? String(e), (e as Error).message];
  }
  assert.fail('expected an error');
}

/** The code in the newest message to `to`. */
async function codeSentTo(to: string): Promise<string> {
  const [m] = await deps.store.outbox.list(to, 1);
  assert.ok(m, `a message to ${to}`);
  return /\d{6}/.exec(m.body)![0];
}


test('confirms an UNCONFIRMED user without a code; nothing becomes verified', async () => {
  const { pool, signUp, confirm } = await setup();
  await signUp({ Username: 'alice', UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }] });
  const code = await codeSentTo('alice@example.com');
  const out = await op.handle({ UserPoolId: pool.id, Username: 'alice' }, deps, ctx);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'AdminConfirmSignUp', out), []);
  const user = (await deps.store.users.get(pool.id, 'alice'))!;
  assert.equal(user.status, 'CONFIRMED');
  assert.deepEqual(user.attributes, { email: 'alice@example.com' });
  assert.equal(await deps.store.codes.get(pool.id, 'alice', 'signup'), null, 'the sign-up code is gone');
  assert.deepEqual(await errorOf(confirm('alice', code)), ['NotAuthorizedException', 'User cannot be confirmed. Current status is CONFIRMED']);
});

test('a user who is not UNCONFIRMED: NotAuthorizedException naming the status', async () => {
  const { pool, signUp } = await setup();
  await signUp({ Username: 'bob' });
  await op.handle({ UserPoolId: pool.id, Username: 'bob' }, deps, ctx);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'bob' }, deps, ctx)), [
    'NotAuthorizedException',
    'User cannot be confirmed. Current status is CONFIRMED',
  ]);
});

test('unknown users and pools', async () => {
  const { pool } = await setup();
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool.id, Username: 'nobody' }, deps, ctx)), ['UserNotFoundException', 'User does not exist.']);
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_nosuchpool', Username: 'x' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_nosuchpool does not exist.',
  ]);
});

test('email-as-username pools: the email names the user', async () => {
  const { pool, signUp } = await setup({ UsernameAttributes: ['email'] });
  const { UserSub } = await signUp({ Username: 'carol@example.com' });
  await op.handle({ UserPoolId: pool.id, Username: 'Carol@Example.com' }, deps, ctx);
  assert.equal((await deps.store.users.getBySub(pool.id, UserSub))!.status, 'CONFIRMED');
});
