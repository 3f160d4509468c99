// The device operations on real in-memory SQLite with a fixed clock: outputs valid against the model, every error one
// the operation declares; the device rules (verifier checks, statuses, refresh binding).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { createTestClient, createTestPool, createTestUser } from '../../../test/support/users.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import type { Operation } from '../../protocol/operation.ts';
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import { computeVerifier, SRP_N_HEX } from '../srp.ts';
import { issueTokens } from '../sign-in/issue-tokens.ts';
import { checkRefreshDevice, newDevice, tracksDevices } from './devices.ts';
import confirmDevice from '../operations/confirm-device.ts';
import getDevice from '../operations/get-device.ts';
import listDevices from '../operations/list-devices.ts';
import updateDeviceStatus from '../operations/update-device-status.ts';
import forgetDevice from '../operations/forget-device.ts';
import adminGetDevice from '../operations/admin-get-device.ts';
import adminListDevices from '../operations/admin-list-devices.ts';
import adminUpdateDeviceStatus from '../operations/admin-update-device-status.ts';
import adminForgetDevice from '../operations/admin-forget-device.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '192.0.2.7', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;
let user: UserRecord;
let accessToken: string;

before(async () => {
  deps = await makeTestDeps({ clock: new FixedClock() });
  pool = await createTestPool(deps, { DeviceConfiguration: { DeviceOnlyRememberedOnUserPrompt: false } });
  const client = await createTestClient(deps, pool.id);
  user = await createTestUser(deps, pool, 'alice', 'Passw0rd!');
  accessToken = (await issueTokens(deps, { pool, client: client.record, user })).AccessToken!;
});

async function run<I, O>(op: Operation<I, O>, input: I): Promise<O> {
  const out = await op.handle(input, deps, ctx);
  assert.deepEqual(checkOutput(model, op.name, out), [], `${op.name} output`);
  return out;
}

async function errorOf(op: Operation, input: unknown): Promise<[string, string]> {
  try {
    await op.handle(input, deps, ctx);
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations[op.name]!.errors.includes(code), `${code} is not declared for ${op.name}`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

async function confirmed(name = 'phone') {
  const meta = await newDevice(deps, pool, user);
  const { saltHex, verifierHex } = computeVerifier(meta.DeviceGroupKey!, meta.DeviceKey!, 'device-password', Buffer.alloc(16, 7));
  const out = await run(confirmDevice, {
    AccessToken: accessToken,
    DeviceKey: meta.DeviceKey!,
    DeviceName: name,
    DeviceSecretVerifierConfig: { PasswordVerifier: b64(verifierHex), Salt: b64(saltHex) },
  });
  return { key: meta.DeviceKey!, out };
}

test('tracksDevices: a DeviceConfiguration, whatever its flags', async () => {
  assert.equal(tracksDevices(pool), true);
  assert.equal(tracksDevices(await createTestPool(deps)), false);
});

test('ConfirmDevice, then every read and write, user and admin; outputs valid against the model', async () => {
  const { key, out } = await confirmed();
  assert.deepEqual(out, { UserConfirmationNecessary: false });
  const got = (await run(getDevice, { AccessToken: accessToken, DeviceKey: key })).Device;
  assert.deepEqual(got.DeviceAttributes, [
    { Name: 'device_status', Value: 'valid' },
    { Name: 'device_name', Value: 'phone' },
    { Name: 'dev:device_remembered_status', Value: 'remembered' },
    { Name: 'last_ip_used', Value: '192.0.2.7' },
  ]);
  assert.equal(got.DeviceCreateDate, deps.clock.now() / 1000);
  await run(updateDeviceStatus, { AccessToken: accessToken, DeviceKey: key, DeviceRememberedStatus: 'not_remembered' });
  const admin = { UserPoolId: pool.id, Username: 'alice', DeviceKey: key };
  assert.equal((await run(adminGetDevice, admin)).Device.DeviceAttributes![2]!.Value, 'not_remembered');
  await run(adminUpdateDeviceStatus, { ...admin, DeviceRememberedStatus: 'remembered' });
  assert.deepEqual((await run(listDevices, { AccessToken: accessToken })).Devices!.map((d) => d.DeviceKey), [key]);
  assert.deepEqual((await run(adminListDevices, { UserPoolId: pool.id, Username: 'alice' })).Devices!.map((d) => d.DeviceKey), [key]);
  await run(forgetDevice, { AccessToken: accessToken, DeviceKey: key });
  assert.deepEqual(await errorOf(adminForgetDevice, admin), ['ResourceNotFoundException', 'Device does not exist.']);
  const other = await confirmed('tablet');
  await run(adminForgetDevice, { ...admin, DeviceKey: other.key });
  assert.deepEqual((await run(listDevices, { AccessToken: accessToken })).Devices, []);
});

test('errors are the declared ones: unknown device, confirmed twice, bad verifiers, bad token, unknown user', async () => {
  const unknown = { AccessToken: accessToken, DeviceKey: 'us-east-1_00000000-0000-4000-8000-000000000000' };
  const notFound = ['ResourceNotFoundException', 'Device does not exist.'];
  assert.deepEqual(await errorOf(getDevice, unknown), notFound);
  assert.deepEqual(await errorOf(updateDeviceStatus, { ...unknown, DeviceRememberedStatus: 'remembered' }), notFound);
  assert.deepEqual(await errorOf(forgetDevice, unknown), notFound);
  assert.deepEqual(await errorOf(confirmDevice, { ...unknown, DeviceSecretVerifierConfig: { PasswordVerifier: 'AQ==', Salt: 'AQ==' } }), notFound);
  const { key } = await confirmed();
  assert.equal((await errorOf(confirmDevice, { AccessToken: accessToken, DeviceKey: key, DeviceSecretVerifierConfig: { PasswordVerifier: 'Ag==', Salt: 'AQ==' } }))[0], 'DeviceKeyExistsException');
  const fresh = (await newDevice(deps, pool, user)).DeviceKey!;
  for (const config of [
    undefined,
    { Salt: 'AQ==' },
    { PasswordVerifier: 'not base64!', Salt: 'AQ==' },
    { PasswordVerifier: 'AQ==', Salt: 'AQ==' }, // v = 1
    { PasswordVerifier: b64(SRP_N_HEX), Salt: 'AQ==' }, // v = N
  ])
    assert.equal((await errorOf(confirmDevice, { AccessToken: accessToken, DeviceKey: fresh, DeviceSecretVerifierConfig: config }))[0], 'InvalidParameterException');
  // Nothing changed by the refusals: still unconfirmed.
  assert.equal((await deps.store.devices.get(pool.id, user.usernameKey, fresh))!.verifierSealed, null);
  assert.equal((await errorOf(getDevice, { AccessToken: 'bogus', DeviceKey: key }))[0], 'NotAuthorizedException');
  // AdminGetDevice and AdminListDevices declare no UserNotFoundException; the others do.
  const nobody = { UserPoolId: pool.id, Username: 'nobody' };
  assert.deepEqual(await errorOf(adminGetDevice, { ...nobody, DeviceKey: key }), ['ResourceNotFoundException', 'User does not exist.']);
  assert.deepEqual(await errorOf(adminListDevices, nobody), ['ResourceNotFoundException', 'User does not exist.']);
  assert.equal((await errorOf(adminUpdateDeviceStatus, { ...nobody, DeviceKey: key }))[0], 'UserNotFoundException');
  assert.equal((await errorOf(adminForgetDevice, { ...nobody, DeviceKey: key }))[0], 'UserNotFoundException');
  assert.equal((await errorOf(adminListDevices, { UserPoolId: pool.id, Username: 'alice', PaginationToken: 'bogus' }))[0], 'InvalidParameterException');
});

test('checkRefreshDevice: only a session on a confirmed device is bound to it', async () => {
  const { key } = await confirmed();
  const unconfirmed = (await newDevice(deps, pool, user)).DeviceKey!;
  const check = (sessionKey: string | null, given?: string) => checkRefreshDevice(deps, pool.id, user, sessionKey, given, 'Invalid Refresh Token.');
  await check(null);
  await check(null, key);
  await check(unconfirmed);
  await check(key, key);
  await assert.rejects(check(key), { name: 'NotAuthorizedException', message: 'Invalid Refresh Token.' });
  await assert.rejects(check(key, unconfirmed), { name: 'NotAuthorizedException' });
});
