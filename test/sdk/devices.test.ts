// Remembered devices through the real AWS SDK and amazon-cognito-identity-js: NewDeviceMetadata, ConfirmDevice,
// DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER with the real client's SRP maths, device-bound refresh, the device
// operations and their admin variants, and the errors clients rely on. On the store under test (SQLite or PostgreSQL).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import * as cognitoJs from 'amazon-cognito-identity-js';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import {
  AdminDeleteUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminForgetDeviceCommand,
  AdminGetDeviceCommand,
  AdminListDevicesCommand,
  AdminUpdateDeviceStatusCommand,
  AssociateSoftwareTokenCommand,
  ConfirmDeviceCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  ForgetDeviceCommand,
  GetDeviceCommand,
  GetTokensFromRefreshTokenCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ListDevicesCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  UpdateDeviceStatusCommand,
  VerifySoftwareTokenCommand,
  type AuthenticationResultType,
  type CreateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { FixedClock } from '../../src/runtime/clock.ts';
import type { PoolRecord } from '../../src/storage/records.ts';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { ALL_FLOWS, createTestUser, getTestUser, srpClient } from '../support/users.ts';
import { totpCode } from '../support/mfa.ts';
import { fetchOutbox, signedOutboxHeaders } from '../support/outbox.ts';

let s: TestServer;
const clock = new FixedClock(Date.now());
const PW = 'Passw0rd!';
const NOT_FOUND = { name: 'ResourceNotFoundException', message: 'Device does not exist.' };

interface TestPool {
  pool: PoolRecord;
  clientId: string;
}
let always: TestPool; // DeviceConfiguration, remembered at once
let optIn: TestPool; // DeviceOnlyRememberedOnUserPrompt
let untracked: TestPool; // no DeviceConfiguration

async function testPool(name: string, over: Partial<CreateUserPoolCommandInput>): Promise<TestPool> {
  const id = (await s.idp.send(new CreateUserPoolCommand({ PoolName: name, ...over }))).UserPool!.Id!;
  const clientId = (await s.idp.send(new CreateUserPoolClientCommand({ UserPoolId: id, ClientName: 'app', ExplicitAuthFlows: ALL_FLOWS }))).UserPoolClient!
    .ClientId!;
  return { pool: (await s.deps.store.pools.get(id))!, clientId };
}

before(async () => {
  s = await startServerOnStoreUnderTest(clock, 'devices');
  always = await testPool('devices', { DeviceConfiguration: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: false } });
  optIn = await testPool('devices-opt-in', { DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true } });
  untracked = await testPool('no-devices', {});
  for (const p of [always, optIn, untracked])
    for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'libuser', 'libretry'])
      await createTestUser(s.deps, p.pool, name, PW, { attributes: { email: `${name}@example.com` } });
});
after(() => s.close());
testOnPostgres(() => s);

// ---------------------------------------------------------------------------------------------------------
// The device side of SRP, by the real client library (AuthenticationHelper), as CognitoUser does it.

type NodeCb<T> = (err: Error | null, value: T) => void;
interface BigInt16 {
  toString(radix: number): string;
}
interface Helper {
  N: BigInt16;
  generateHashDevice(groupKey: string, deviceKey: string, cb: NodeCb<null>): void;
  getSaltDevices(): string;
  getVerifierDevices(): string;
  getRandomPassword(): string;
  getLargeAValue(cb: NodeCb<BigInt16>): void;
  getPasswordAuthenticationKey(user: string, password: string, B: BigInt16, salt: BigInt16, cb: NodeCb<Buffer>): void;
}
const { AuthenticationHelper, DateHelper } = cognitoJs as unknown as {
  AuthenticationHelper: new (poolName: string) => Helper;
  DateHelper: new () => { getNowString(): string };
};
const cb = <T>(f: (c: NodeCb<T>) => void) => new Promise<T>((res, rej) => f((e, v) => (e ? rej(e) : res(v))));

interface Device {
  key: string;
  groupKey: string;
  password: string;
}

/** ConfirmDevice as amazon-cognito-identity-js calls it: a random device password, its verifier and salt in base64. */
async function confirm(accessToken: string, meta: { DeviceKey?: string; DeviceGroupKey?: string }, name = 'test device') {
  const helper = new AuthenticationHelper(meta.DeviceGroupKey!);
  await cb<null>((c) => helper.generateHashDevice(meta.DeviceGroupKey!, meta.DeviceKey!, c));
  const r = await s.idp.send(
    new ConfirmDeviceCommand({
      AccessToken: accessToken,
      DeviceKey: meta.DeviceKey!,
      DeviceName: name,
      DeviceSecretVerifierConfig: {
        Salt: Buffer.from(helper.getSaltDevices(), 'hex').toString('base64'),
        PasswordVerifier: Buffer.from(helper.getVerifierDevices(), 'hex').toString('base64'),
      },
    }),
  );
  return { response: r, device: { key: meta.DeviceKey!, groupKey: meta.DeviceGroupKey!, password: helper.getRandomPassword() }, helper };
}

async function passwordSignIn(p: TestPool, username: string, deviceKey?: string) {
  return s.idp.send(
    new InitiateAuthCommand({
      ClientId: p.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: PW, ...(deviceKey ? { DEVICE_KEY: deviceKey } : {}) },
    }),
  );
}

/** A sign-in whose device is confirmed: the tokens of the first sign-in and the device. */
async function signInAndConfirm(p: TestPool, username: string) {
  const first = (await passwordSignIn(p, username)).AuthenticationResult!;
  const { device, response } = await confirm(first.AccessToken!, first.NewDeviceMetadata!);
  return { first, device, response };
}

/** DEVICE_SRP_AUTH then DEVICE_PASSWORD_VERIFIER, answered as CognitoUser.getDeviceResponse does. */
async function deviceChallenges(p: TestPool, username: string, device: Device, session: string, o: { password?: string; admin?: boolean } = {}) {
  const respond = (ChallengeName: 'DEVICE_SRP_AUTH' | 'DEVICE_PASSWORD_VERIFIER', ChallengeResponses: Record<string, string>, Session?: string) =>
    o.admin
      ? s.idp.send(new AdminRespondToAuthChallengeCommand({ UserPoolId: p.pool.id, ClientId: p.clientId, ChallengeName, ChallengeResponses, Session }))
      : s.idp.send(new RespondToAuthChallengeCommand({ ClientId: p.clientId, ChallengeName, ChallengeResponses, Session }));
  const helper = new AuthenticationHelper(device.groupKey);
  const A = (await cb<BigInt16>((c) => helper.getLargeAValue(c))).toString(16);
  const srp = await respond('DEVICE_SRP_AUTH', { USERNAME: username, DEVICE_KEY: device.key, SRP_A: A }, session);
  const params = srp.ChallengeParameters!;
  const Big = helper.N.constructor as unknown as new (v: string, radix: number) => BigInt16;
  const key = await cb<Buffer>((c) =>
    helper.getPasswordAuthenticationKey(device.key, o.password ?? device.password, new Big(params.SRP_B!, 16), new Big(params.SALT!, 16), c),
  );
  const timestamp = new DateHelper().getNowString();
  const message = Buffer.concat([
    Buffer.from(device.groupKey, 'utf8'),
    Buffer.from(device.key, 'utf8'),
    Buffer.from(params.SECRET_BLOCK!, 'base64'),
    Buffer.from(timestamp, 'utf8'),
  ]);
  const responses = {
    USERNAME: username,
    PASSWORD_CLAIM_SECRET_BLOCK: params.SECRET_BLOCK!,
    TIMESTAMP: timestamp,
    PASSWORD_CLAIM_SIGNATURE: createHmac('sha256', key).update(message).digest('base64'),
    DEVICE_KEY: device.key,
  };
  const verify = () => respond('DEVICE_PASSWORD_VERIFIER', responses);
  return { srp, verify };
}

const deviceKeyOf = (r: AuthenticationResultType) => decodeJwt(r.AccessToken!).device_key;
const attrs = (d: { DeviceAttributes?: { Name?: string; Value?: string }[] } | undefined) =>
  Object.fromEntries((d?.DeviceAttributes ?? []).map((a) => [a.Name, a.Value]));

// ---------------------------------------------------------------------------------------------------------

test('DeviceConfiguration is stored by CreateUserPool and shown by DescribeUserPool', async () => {
  const d = (await s.idp.send(new DescribeUserPoolCommand({ UserPoolId: optIn.pool.id }))).UserPool!;
  assert.deepEqual(d.DeviceConfiguration, { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true });
});

test('a pool without DeviceConfiguration hands out no device', async () => {
  const r = (await passwordSignIn(untracked, 'alice')).AuthenticationResult!;
  assert.equal(r.NewDeviceMetadata, undefined);
  assert.equal(deviceKeyOf(r), undefined);
  assert.deepEqual((await s.idp.send(new ListDevicesCommand({ AccessToken: r.AccessToken! }))).Devices, []);
});

test('a sign-in gets NewDeviceMetadata; ConfirmDevice stores the verifier sealed; the device then signs in by device SRP', async () => {
  const first = (await passwordSignIn(always, 'alice')).AuthenticationResult!;
  const meta = first.NewDeviceMetadata!;
  assert.match(meta.DeviceKey!, /^us-east-1_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(meta.DeviceGroupKey);
  assert.equal(deviceKeyOf(first), meta.DeviceKey);
  // Not confirmed yet: no such device for GetDevice, none listed.
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new GetDeviceCommand({ AccessToken: first.AccessToken!, DeviceKey: meta.DeviceKey! }))), {
    ...NOT_FOUND,
    status: 400,
  });
  assert.deepEqual((await s.idp.send(new ListDevicesCommand({ AccessToken: first.AccessToken! }))).Devices, []);

  const { response, device, helper } = await confirm(first.AccessToken!, meta, 'Alice’s phone');
  assert.equal(response.UserConfirmationNecessary, false);
  // The verifier is sealed at rest: neither its hex nor its base64 is in the row.
  const user = await getTestUser(s.deps, always.pool, 'alice');
  const row = (await s.deps.store.devices.get(always.pool.id, user.usernameKey, meta.DeviceKey!))!;
  const v = helper.getVerifierDevices();
  assert.ok(row.verifierSealed && !row.verifierSealed.includes(v) && !row.verifierSealed.includes(Buffer.from(v, 'hex').toString('base64')));
  // Confirmed once only.
  assert.equal((await awsErrorOf(() => confirm(first.AccessToken!, meta))).name, 'DeviceKeyExistsException');

  const got = (await s.idp.send(new GetDeviceCommand({ AccessToken: first.AccessToken!, DeviceKey: device.key }))).Device!;
  assert.equal(got.DeviceKey, device.key);
  assert.deepEqual(attrs(got), {
    device_status: 'valid',
    device_name: 'Alice’s phone',
    'dev:device_remembered_status': 'remembered',
    last_ip_used: '127.0.0.1',
  });
  assert.equal(typeof got.DeviceCreateDate?.getTime(), 'number');

  // The next sign-in with DEVICE_KEY answers DEVICE_SRP_AUTH, then DEVICE_PASSWORD_VERIFIER, then tokens.
  const second = await passwordSignIn(always, 'alice', device.key);
  assert.equal(second.ChallengeName, 'DEVICE_SRP_AUTH');
  assert.equal(second.AuthenticationResult, undefined);
  assert.ok(second.Session);
  const { srp, verify } = await deviceChallenges(always, 'alice', device, second.Session!);
  assert.equal(srp.ChallengeName, 'DEVICE_PASSWORD_VERIFIER');
  assert.deepEqual(Object.keys(srp.ChallengeParameters!).sort(), ['SALT', 'SECRET_BLOCK', 'SRP_B', 'USERNAME', 'USER_ID_FOR_SRP']);
  const done = await verify();
  assert.equal(done.ChallengeName, undefined);
  assert.equal(done.AuthenticationResult!.NewDeviceMetadata, undefined);
  assert.equal(deviceKeyOf(done.AuthenticationResult!), device.key);
  // Each state is used once.
  assert.deepEqual(await awsErrorOf(verify), { name: 'NotAuthorizedException', message: 'Invalid session for the user, session can only be used once.', status: 400 });
  // Still the one device.
  assert.equal((await s.idp.send(new ListDevicesCommand({ AccessToken: done.AuthenticationResult!.AccessToken! }))).Devices!.length, 1);
});

test('a device that does not know its password is refused; DEVICE_KEY must match the challenge', async () => {
  const { device } = await signInAndConfirm(always, 'bob');
  const start = await passwordSignIn(always, 'bob', device.key);
  const { verify } = await deviceChallenges(always, 'bob', device, start.Session!, { password: 'not-the-device-password' });
  assert.deepEqual(await awsErrorOf(verify), { name: 'NotAuthorizedException', message: 'Incorrect username or password.', status: 400 });
  const again = await passwordSignIn(always, 'bob', device.key);
  const other = { ...device, key: 'us-east-1_00000000-0000-4000-8000-000000000000' };
  assert.equal((await awsErrorOf(() => deviceChallenges(always, 'bob', other, again.Session!))).name, 'NotAuthorizedException');
});

test('an unknown DEVICE_KEY is ResourceNotFoundException "Device does not exist.", before the SRP state is used', async () => {
  const unknown = 'us-east-1_11111111-1111-4111-8111-111111111111';
  assert.deepEqual(await awsErrorOf(() => passwordSignIn(always, 'carol', unknown)), { ...NOT_FOUND, status: 400 });
  // USER_SRP_AUTH: refused at PASSWORD_VERIFIER; the same SECRET_BLOCK then answered without the key signs in.
  const srp = await srpClient(always.pool.id);
  const r1 = await s.idp.send(
    new InitiateAuthCommand({ ClientId: always.clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'carol', SRP_A: srp.A, DEVICE_KEY: unknown } }),
  );
  const answer = await srp.answer(r1.ChallengeParameters!, PW);
  const respond = (extra: Record<string, string>) =>
    s.idp.send(
      new RespondToAuthChallengeCommand({ ClientId: always.clientId, ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: { ...answer, ...extra } }),
    );
  assert.deepEqual(await awsErrorOf(() => respond({ DEVICE_KEY: unknown })), { ...NOT_FOUND, status: 400 });
  const ok = await respond({});
  assert.ok(ok.AuthenticationResult!.NewDeviceMetadata);
  // Another user's device is unknown too.
  const { device } = await signInAndConfirm(always, 'dave');
  assert.deepEqual(await awsErrorOf(() => passwordSignIn(always, 'carol', device.key)), { ...NOT_FOUND, status: 400 });
});

test('AdminInitiateAuth and AdminRespondToAuthChallenge take the same device steps', async () => {
  const { device } = await signInAndConfirm(always, 'carol');
  const start = await s.idp.send(
    new AdminInitiateAuthCommand({
      UserPoolId: always.pool.id,
      ClientId: always.clientId,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'carol', PASSWORD: PW, DEVICE_KEY: device.key },
    }),
  );
  assert.equal(start.ChallengeName, 'DEVICE_SRP_AUTH');
  const done = (await (await deviceChallenges(always, 'carol', device, start.Session!, { admin: true })).verify()).AuthenticationResult!;
  assert.equal(deviceKeyOf(done), device.key);
  assert.equal(done.NewDeviceMetadata, undefined);
});

test('refresh of a device-bound session needs its DEVICE_KEY; the tokens keep the device', async () => {
  const { device } = await signInAndConfirm(always, 'erin');
  const start = await passwordSignIn(always, 'erin', device.key);
  const signedIn = (await (await deviceChallenges(always, 'erin', device, start.Session!)).verify()).AuthenticationResult!;
  const refresh = (params: Record<string, string>) =>
    s.idp.send(
      new InitiateAuthCommand({ ClientId: always.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: signedIn.RefreshToken!, ...params } }),
    );
  const invalid = { name: 'NotAuthorizedException', message: 'Invalid Refresh Token.', status: 400 };
  assert.deepEqual(await awsErrorOf(() => refresh({})), invalid);
  assert.deepEqual(await awsErrorOf(() => refresh({ DEVICE_KEY: 'us-east-1_22222222-2222-4222-8222-222222222222' })), invalid);
  const r = (await refresh({ DEVICE_KEY: device.key })).AuthenticationResult!;
  assert.equal(deviceKeyOf(r), device.key);
  assert.equal(r.RefreshToken, undefined);
  const viaGet = (DeviceKey?: string) =>
    s.idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: always.clientId, RefreshToken: signedIn.RefreshToken!, ...(DeviceKey ? { DeviceKey } : {}) }));
  assert.deepEqual(await awsErrorOf(() => viaGet()), invalid);
  assert.equal(deviceKeyOf((await viaGet(device.key)).AuthenticationResult!), device.key);
  // A session whose device was never confirmed refreshes without one (nothing to bind it to).
  const unconfirmed = (await passwordSignIn(always, 'erin')).AuthenticationResult!;
  const plain = await s.idp.send(
    new InitiateAuthCommand({ ClientId: always.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: unconfirmed.RefreshToken! } }),
  );
  assert.equal(deviceKeyOf(plain.AuthenticationResult!), unconfirmed.NewDeviceMetadata!.DeviceKey);
});

test('device operations and their admin variants; errors', async () => {
  const a = await signInAndConfirm(always, 'libretry');
  const b = await signInAndConfirm(always, 'libretry');
  const token = a.first.AccessToken!;
  const admin = { UserPoolId: always.pool.id, Username: 'libretry' };

  // UpdateDeviceStatus, AdminUpdateDeviceStatus.
  await s.idp.send(new UpdateDeviceStatusCommand({ AccessToken: token, DeviceKey: a.device.key, DeviceRememberedStatus: 'not_remembered' }));
  assert.equal(attrs((await s.idp.send(new AdminGetDeviceCommand({ ...admin, DeviceKey: a.device.key }))).Device)['dev:device_remembered_status'], 'not_remembered');
  await s.idp.send(new AdminUpdateDeviceStatusCommand({ ...admin, DeviceKey: a.device.key, DeviceRememberedStatus: 'remembered' }));
  assert.equal(attrs((await s.idp.send(new GetDeviceCommand({ AccessToken: token, DeviceKey: a.device.key }))).Device)['dev:device_remembered_status'], 'remembered');

  // ListDevices / AdminListDevices, paged.
  const p1 = await s.idp.send(new ListDevicesCommand({ AccessToken: token, Limit: 1 }));
  assert.equal(p1.Devices!.length, 1);
  assert.ok(p1.PaginationToken);
  const p2 = await s.idp.send(new ListDevicesCommand({ AccessToken: token, Limit: 1, PaginationToken: p1.PaginationToken }));
  assert.equal(p2.PaginationToken, undefined);
  assert.deepEqual([p1.Devices![0]!.DeviceKey, p2.Devices![0]!.DeviceKey].sort(), [a.device.key, b.device.key].sort());
  const all = await s.idp.send(new AdminListDevicesCommand({ ...admin }));
  assert.deepEqual(all.Devices!.map((d) => d.DeviceKey).sort(), [a.device.key, b.device.key].sort());
  assert.equal((await awsErrorOf(() => s.idp.send(new AdminListDevicesCommand({ ...admin, PaginationToken: 'bogus' })))).name, 'InvalidParameterException');

  // Unknown keys, other users, unknown users, malformed keys.
  const unknown = 'us-east-1_33333333-3333-4333-8333-333333333333';
  for (const call of [
    () => s.idp.send(new GetDeviceCommand({ AccessToken: token, DeviceKey: unknown })),
    () => s.idp.send(new UpdateDeviceStatusCommand({ AccessToken: token, DeviceKey: unknown, DeviceRememberedStatus: 'remembered' })),
    () => s.idp.send(new ForgetDeviceCommand({ AccessToken: token, DeviceKey: unknown })),
    () => s.idp.send(new AdminGetDeviceCommand({ ...admin, DeviceKey: unknown })),
    () => s.idp.send(new AdminUpdateDeviceStatusCommand({ ...admin, DeviceKey: unknown, DeviceRememberedStatus: 'remembered' })),
    () => s.idp.send(new AdminForgetDeviceCommand({ ...admin, DeviceKey: unknown })),
    () => s.idp.send(new AdminGetDeviceCommand({ UserPoolId: always.pool.id, Username: 'alice', DeviceKey: a.device.key })),
  ])
    assert.deepEqual(await awsErrorOf(call), { ...NOT_FOUND, status: 400 });
  assert.equal((await awsErrorOf(() => s.idp.send(new AdminForgetDeviceCommand({ UserPoolId: always.pool.id, Username: 'nobody', DeviceKey: a.device.key })))).name, 'UserNotFoundException');
  assert.equal((await awsErrorOf(() => s.idp.send(new GetDeviceCommand({ AccessToken: token, DeviceKey: 'not a key' })))).name, 'InvalidParameterException');
  assert.equal((await awsErrorOf(() => s.idp.send(new GetDeviceCommand({ AccessToken: 'x.y.z', DeviceKey: a.device.key })))).name, 'NotAuthorizedException');

  // GlobalSignOut ends the sessions, not the devices (the API reference: it invalidates tokens).
  await s.idp.send(new GlobalSignOutCommand({ AccessToken: token }));
  assert.equal((await s.idp.send(new AdminListDevicesCommand({ ...admin }))).Devices!.length, 2);

  // ForgetDevice, AdminForgetDevice: gone, and the key no longer signs in.
  await s.idp.send(new AdminForgetDeviceCommand({ ...admin, DeviceKey: a.device.key }));
  assert.deepEqual(await awsErrorOf(() => s.idp.send(new AdminGetDeviceCommand({ ...admin, DeviceKey: a.device.key }))), { ...NOT_FOUND, status: 400 });
  assert.deepEqual(await awsErrorOf(() => passwordSignIn(always, 'libretry', a.device.key)), { ...NOT_FOUND, status: 400 });
  const fresh = (await passwordSignIn(always, 'libretry', b.device.key)).Session!;
  const signedIn = (await (await deviceChallenges(always, 'libretry', b.device, fresh)).verify()).AuthenticationResult!;
  await s.idp.send(new ForgetDeviceCommand({ AccessToken: signedIn.AccessToken!, DeviceKey: b.device.key }));
  assert.deepEqual((await s.idp.send(new AdminListDevicesCommand({ ...admin }))).Devices, []);
});

test('DeviceOnlyRememberedOnUserPrompt: ConfirmDevice answers UserConfirmationNecessary and the device starts not remembered', async () => {
  const { response, device, first } = await signInAndConfirm(optIn, 'alice');
  assert.equal(response.UserConfirmationNecessary, true);
  const got = (await s.idp.send(new GetDeviceCommand({ AccessToken: first.AccessToken!, DeviceKey: device.key }))).Device;
  assert.equal(attrs(got)['dev:device_remembered_status'], 'not_remembered');
});

test('a deleted user takes their devices along', async () => {
  const { device } = await signInAndConfirm(optIn, 'bob');
  const user = await getTestUser(s.deps, optIn.pool, 'bob');
  await s.idp.send(new AdminDeleteUserCommand({ UserPoolId: optIn.pool.id, Username: 'bob' }));
  assert.equal(await s.deps.store.devices.get(optIn.pool.id, user.usernameKey, device.key), null);
});

// ---------------------------------------------------------------------------------------------------------
// amazon-cognito-identity-js, unmodified: its remembered-device flow.

type Outcome = { kind: 'success'; session: CognitoUserSession; confirmationNecessary?: boolean } | { kind: 'failure'; err: { code?: string; message: string } };

function authenticate(user: CognitoUser): Promise<Outcome> {
  return new Promise((resolve) =>
    user.authenticateUser(new AuthenticationDetails({ Username: user.getUsername(), Password: PW }), {
      onSuccess: (session, confirmationNecessary) => resolve({ kind: 'success', session, confirmationNecessary }),
      onFailure: (err) => resolve({ kind: 'failure', err }),
    }),
  );
}
const callback = <T>(f: (c: { onSuccess: (r: T) => void; onFailure: (e: Error) => void }) => void) =>
  new Promise<T>((res, rej) => f({ onSuccess: res, onFailure: rej }));

test('amazon-cognito-identity-js: confirmDevice at sign-in, setDeviceStatusRemembered, device SRP on the next sign-in, listDevices, forgetDevice', async () => {
  const userPool = new CognitoUserPool({ UserPoolId: optIn.pool.id, ClientId: optIn.clientId, endpoint: s.url + '/' });
  const user = new CognitoUser({ Username: 'libuser', Pool: userPool });
  const first = await authenticate(user);
  assert.equal(first.kind, 'success', JSON.stringify(first));
  if (first.kind !== 'success') return;
  // The library confirmed the device in authenticateUser (the opt-in pool asks for the user's say).
  assert.equal(first.confirmationNecessary, true);
  const deviceKey = decodeJwt(first.session.getAccessToken().getJwtToken()).device_key as string;
  assert.ok(deviceKey);
  await callback<string>((c) => user.setDeviceStatusRemembered(c));
  const admin = { UserPoolId: optIn.pool.id, Username: 'libuser' };
  assert.equal(attrs((await s.idp.send(new AdminGetDeviceCommand({ ...admin, DeviceKey: deviceKey }))).Device)['dev:device_remembered_status'], 'remembered');

  // A new sign-in: the library sends its stored DEVICE_KEY and answers DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER.
  const before = (await s.idp.send(new AdminGetDeviceCommand({ ...admin, DeviceKey: deviceKey }))).Device!;
  clock.advance(2000);
  const again = new CognitoUser({ Username: 'libuser', Pool: userPool });
  const second = await authenticate(again);
  assert.equal(second.kind, 'success', JSON.stringify(second));
  if (second.kind !== 'success') return;
  assert.equal(decodeJwt(second.session.getAccessToken().getJwtToken()).device_key, deviceKey);
  const after = (await s.idp.send(new AdminGetDeviceCommand({ ...admin, DeviceKey: deviceKey }))).Device!;
  assert.ok(after.DeviceLastAuthenticatedDate!.getTime() > before.DeviceLastAuthenticatedDate!.getTime());
  const listed = await callback<{ Devices: { DeviceKey: string }[] }>((c) => again.listDevices(10, null, c));
  assert.deepEqual(listed.Devices.map((d) => d.DeviceKey), [deviceKey]);

  // Its refresh sends the DEVICE_KEY a device-bound session needs.
  const refreshed = await new Promise<CognitoUserSession>((res, rej) => again.refreshSession(second.session.getRefreshToken(), (e: Error | null, r: CognitoUserSession) => (e ? rej(e) : res(r))));
  assert.equal(decodeJwt(refreshed.getAccessToken().getJwtToken()).device_key, deviceKey);

  // Forgotten by an administrator behind the library's back: it retries without its key and gets a new device.
  await s.idp.send(new AdminForgetDeviceCommand({ ...admin, DeviceKey: deviceKey }));
  const third = new CognitoUser({ Username: 'libuser', Pool: userPool });
  const out = await authenticate(third);
  assert.equal(out.kind, 'success', JSON.stringify(out));
  if (out.kind !== 'success') return;
  const newKey = decodeJwt(out.session.getAccessToken().getJwtToken()).device_key as string;
  assert.ok(newKey && newKey !== deviceKey);

  // forgetDevice forgets the library's current device.
  await callback<string>((c) => third.forgetDevice(c));
  assert.deepEqual((await s.idp.send(new AdminListDevicesCommand({ ...admin }))).Devices, []);
});

test('MFA_SETUP keeps the DEVICE_KEY the sign-in named: answered with it, DEVICE_SRP_AUTH and tokens bound to that device; answered without, a new device', async () => {
  const p = await testPool('devices-mfa-setup', { DeviceConfiguration: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: false } });
  for (const name of ['gina', 'hank']) await createTestUser(s.deps, p.pool, name, PW, { attributes: { email: `${name}@example.com` } });
  // Devices confirmed while the pool had no MFA; then MFA becomes required, with TOTP.
  const devices = { gina: (await signInAndConfirm(p, 'gina')).device, hank: (await signInAndConfirm(p, 'hank')).device };
  await s.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: p.pool.id, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } }));

  /** Sign-in with the device's key, TOTP enrolled with the MFA_SETUP Session; then the MFA_SETUP answer. */
  const enrol = async (username: 'gina' | 'hank', answerWithDevice: boolean) => {
    const setup = await passwordSignIn(p, username, devices[username].key);
    assert.equal(setup.ChallengeName, 'MFA_SETUP');
    const associated = await s.idp.send(new AssociateSoftwareTokenCommand({ Session: setup.Session }));
    const verified = await s.idp.send(
      new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: totpCode(associated.SecretCode!, clock.now()), FriendlyDeviceName: 'phone' }),
    );
    assert.equal(verified.Status, 'SUCCESS');
    const ChallengeResponses: Record<string, string> = { USERNAME: username, ...(answerWithDevice ? { DEVICE_KEY: devices[username].key } : {}) };
    return s.idp.send(new RespondToAuthChallengeCommand({ ClientId: p.clientId, ChallengeName: 'MFA_SETUP', Session: verified.Session, ChallengeResponses }));
  };

  const withDevice = await enrol('gina', true);
  assert.equal(withDevice.ChallengeName, 'DEVICE_SRP_AUTH');
  assert.equal(withDevice.AuthenticationResult, undefined);
  const { verify } = await deviceChallenges(p, 'gina', devices.gina, withDevice.Session!);
  const done = (await verify()).AuthenticationResult!;
  assert.equal(deviceKeyOf(done), devices.gina.key);
  assert.equal(done.NewDeviceMetadata, undefined);
  assert.equal((await s.idp.send(new ListDevicesCommand({ AccessToken: done.AccessToken! }))).Devices!.length, 1);

  // Without the device named again the device proved nothing: the tokens come with a new device, not bound to it.
  const without = (await enrol('hank', false)).AuthenticationResult!;
  assert.ok(without.NewDeviceMetadata?.DeviceKey);
  assert.notEqual(without.NewDeviceMetadata!.DeviceKey, devices.hank.key);
  assert.equal(deviceKeyOf(without), without.NewDeviceMetadata!.DeviceKey);
});

test('MFA_SETUP answered with EMAIL keeps the DEVICE_KEY too: after the EMAIL_OTP code, DEVICE_SRP_AUTH and tokens bound to that device', async () => {
  const p = await testPool('devices-mfa-setup-email', { DeviceConfiguration: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: false } });
  await createTestUser(s.deps, p.pool, 'ivy', PW, { attributes: { email: 'ivy@example.com', email_verified: 'true' } });
  const { device } = await signInAndConfirm(p, 'ivy');
  await s.idp.send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId: p.pool.id,
      MfaConfiguration: 'ON',
      SoftwareTokenMfaConfiguration: { Enabled: true },
      EmailMfaConfiguration: { Subject: 'Sign-in code', Message: 'Code {####}' },
    }),
  );
  const setup = await passwordSignIn(p, 'ivy', device.key);
  assert.equal(setup.ChallengeName, 'MFA_SETUP');
  const respond = (ChallengeName: 'MFA_SETUP' | 'EMAIL_OTP', Session: string | undefined, ChallengeResponses: Record<string, string>) =>
    s.idp.send(new RespondToAuthChallengeCommand({ ClientId: p.clientId, ChallengeName, Session, ChallengeResponses }));
  const email = await respond('MFA_SETUP', setup.Session, { USERNAME: 'ivy', EMAIL: 'ivy@example.com' });
  assert.equal(email.ChallengeName, 'EMAIL_OTP');
  const outbox = await fetchOutbox(s.url, 'ivy@example.com', await signedOutboxHeaders(s.url, 'ivy@example.com', s.deps.admin, s.deps.config.region));
  const code = /\d{6}/.exec(outbox.body.messages![0]!.body)![0];
  const proved = await respond('EMAIL_OTP', email.Session, { USERNAME: 'ivy', EMAIL_OTP_CODE: code, DEVICE_KEY: device.key });
  assert.equal(proved.ChallengeName, 'DEVICE_SRP_AUTH');
  const done = (await (await deviceChallenges(p, 'ivy', device, proved.Session!)).verify()).AuthenticationResult!;
  assert.equal(deviceKeyOf(done), device.key);
  assert.equal(done.NewDeviceMetadata, undefined);
});
