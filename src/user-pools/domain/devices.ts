// Remembered devices (COGNITO-API §4.5): a pool with DeviceConfiguration hands each sign-in without a device a new
// device key; ConfirmDevice stores the device's SRP verifier (sealed); a later sign-in proves the device by device SRP
// (sign-in/challenges/device-srp.ts), and a remembered device skips MFA.
import type { Deps } from '../../deps.ts';
import type { DeviceRecord, PoolRecord, UserRecord } from '../../storage/records.ts';
import { InvalidCursorError } from '../../storage/store.ts';
import { SRP_N_HEX } from '../srp.ts';
import { DeviceKeyExistsException, InvalidParameterException, NotAuthorizedException, ResourceNotFoundException, UserNotFoundException } from '../errors.ts';
import type { DeviceSecretVerifierConfigType, DeviceType, NewDeviceMetadataType } from '../shapes.ts';
import { findUserForAdmin } from './admin-users.ts';
import { getPool, poolSettings, seconds } from './pools.ts';

/** The unknown device: amazon-cognito-identity-js retries without its device key on a ResourceNotFoundException whose message says "device". */
export const DEVICE_NOT_FOUND = 'Device does not exist.';

export function deviceNotFound(): never {
  throw new ResourceNotFoundException(DEVICE_NOT_FOUND);
}

/** A pool tracks devices when it has a DeviceConfiguration (the console's "Always" and "User opt-in"). */
export function tracksDevices(pool: PoolRecord): boolean {
  const c = poolSettings(pool).DeviceConfiguration;
  return c !== undefined && c !== null;
}

/** The device's verifier as stored: hex of the bytes ConfirmDevice sent (base64). */
interface DeviceVerifier {
  saltHex: string;
  verifierHex: string;
}

/**
 * A new, unconfirmed device for the user, for a sign-in's NewDeviceMetadata: DeviceKey `{region}_{uuid}` (the pool's
 * region), DeviceGroupKey an opaque key the device uses as its SRP "pool name".
 */
export async function newDevice(deps: Pick<Deps, 'store' | 'random' | 'clock'>, pool: PoolRecord, user: UserRecord): Promise<NewDeviceMetadataType> {
  const region = pool.id.slice(0, pool.id.indexOf('_'));
  const now = deps.clock.now();
  // A taken key (a UUID collision) draws again; three in a row means the random source is broken.
  for (let tries = 0; tries < 3; tries++) {
    const d: DeviceRecord = {
      poolId: pool.id,
      usernameKey: user.usernameKey,
      deviceKey: `${region}_${deps.random.uuid()}`,
      groupKey: `-${deps.random.bytes(9).toString('base64url')}`,
      verifierSealed: null,
      status: null,
      name: null,
      lastIp: null,
      createdAt: now,
      updatedAt: now,
      lastAuthenticatedAt: null,
    };
    if (await deps.store.devices.create(d)) return { DeviceKey: d.deviceKey, DeviceGroupKey: d.groupKey };
  }
  throw new Error('could not draw a free device key');
}

/**
 * The pool and user of an Admin*Device request (Username: the username, an alias or the sub). AdminGetDevice and
 * AdminListDevices declare no UserNotFoundException in the service model: for them (`declaresUserNotFound` false) an
 * unknown user is ResourceNotFoundException with the same message.
 */
export async function adminDeviceOwner(
  deps: Pick<Deps, 'store'>,
  input: { UserPoolId: string; Username: string },
  declaresUserNotFound = true,
): Promise<{ pool: PoolRecord; user: UserRecord }> {
  const pool = await getPool(deps, input.UserPoolId);
  try {
    return { pool, user: await findUserForAdmin(deps, pool, input.Username) };
  } catch (e) {
    if (!declaresUserNotFound && e instanceof UserNotFoundException) throw new ResourceNotFoundException(e.message);
    throw e;
  }
}

/** The user's confirmed device with this key, else ResourceNotFoundException "Device does not exist.". */
export async function findDevice(deps: Pick<Deps, 'store'>, pool: PoolRecord, user: UserRecord, deviceKey: string): Promise<DeviceRecord> {
  const d = await deps.store.devices.get(pool.id, user.usernameKey, deviceKey);
  if (!d || d.verifierSealed === null) deviceNotFound();
  return d;
}

/**
 * Whether `deviceKey` is a device the user confirmed and that is remembered: such a device, once it has proved itself
 * by device SRP, excuses the user from MFA (§5.3 step 7). False for an unknown, unconfirmed or not-remembered device.
 */
/**
 * Whether a device that proved itself by device SRP excuses the sign-in from MFA: a remembered device, in a pool whose
 * DeviceConfiguration has ChallengeRequiredOnNewDevice true ("When true, a remembered device can sign in with device
 * authentication instead of SMS and TOTP factors for MFA"; when false, every sign-in a pool's MFA asks for answers it).
 */
export async function deviceSkipsMfa(deps: Pick<Deps, 'store'>, pool: PoolRecord, user: UserRecord, deviceKey: string): Promise<boolean> {
  return poolSettings(pool).DeviceConfiguration?.ChallengeRequiredOnNewDevice === true && (await rememberedDevice(deps, { pool }, user, deviceKey));
}

export async function rememberedDevice(deps: Pick<Deps, 'store'>, ctx: { pool: PoolRecord }, user: UserRecord, deviceKey: string): Promise<boolean> {
  const d = await deps.store.devices.get(ctx.pool.id, user.usernameKey, deviceKey);
  return d !== null && d.verifierSealed !== null && d.status === 'remembered';
}

export function openVerifier(deps: Pick<Deps, 'secrets'>, d: DeviceRecord): DeviceVerifier {
  return JSON.parse(deps.secrets.decryptString(d.verifierSealed ?? ''));
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const N = BigInt('0x' + SRP_N_HEX);

/** DeviceSecretVerifierConfig's two base64 members as hex; a verifier must be a number in 1 < v < N. */
function verifierOf(c: DeviceSecretVerifierConfigType | undefined): DeviceVerifier {
  const bad = () => new InvalidParameterException('Invalid DeviceSecretVerifierConfig.'); // ours
  if (!c?.PasswordVerifier || !c.Salt || !BASE64.test(c.PasswordVerifier) || !BASE64.test(c.Salt)) throw bad();
  const verifierHex = Buffer.from(c.PasswordVerifier, 'base64').toString('hex');
  const saltHex = Buffer.from(c.Salt, 'base64').toString('hex');
  if (!verifierHex || !saltHex || saltHex.length > 512) throw bad();
  const v = BigInt('0x' + verifierHex);
  if (v <= 1n || v >= N) throw bad();
  return { saltHex, verifierHex };
}

/**
 * ConfirmDevice: stores the device's SRP verifier (sealed) and name. With DeviceOnlyRememberedOnUserPrompt the device
 * starts not remembered and UserConfirmationNecessary is true (the app asks the user, then UpdateDeviceStatus);
 * otherwise it is remembered at once. A device confirmed already is DeviceKeyExistsException.
 */
export async function confirmDevice(
  deps: Pick<Deps, 'store' | 'secrets' | 'clock'>,
  pool: PoolRecord,
  user: UserRecord,
  input: { DeviceKey: string; DeviceSecretVerifierConfig?: DeviceSecretVerifierConfigType; DeviceName?: string },
  sourceIp: string,
): Promise<boolean> {
  const d = await deps.store.devices.get(pool.id, user.usernameKey, input.DeviceKey);
  if (!d) deviceNotFound();
  if (d.verifierSealed !== null) throw new DeviceKeyExistsException('Device key already exists.'); // ours
  const verifier = verifierOf(input.DeviceSecretVerifierConfig);
  const onPrompt = poolSettings(pool).DeviceConfiguration?.DeviceOnlyRememberedOnUserPrompt === true;
  const ok = await deps.store.devices.update({
    ...d,
    verifierSealed: deps.secrets.encrypt(JSON.stringify(verifier)),
    status: onPrompt ? 'not_remembered' : 'remembered',
    name: input.DeviceName ?? null,
    lastIp: sourceIp,
    updatedAt: deps.clock.now(),
    lastAuthenticatedAt: deps.clock.now(),
  });
  if (!ok) deviceNotFound();
  return onPrompt;
}

/** UpdateDeviceStatus / AdminUpdateDeviceStatus: remembered or not_remembered (absent: not_remembered — ours). */
export async function setDeviceStatus(
  deps: Pick<Deps, 'store' | 'clock'>,
  pool: PoolRecord,
  user: UserRecord,
  deviceKey: string,
  status: string | undefined,
): Promise<void> {
  const d = await findDevice(deps, pool, user, deviceKey);
  const next = status === 'remembered' ? 'remembered' : 'not_remembered';
  if (!(await deps.store.devices.update({ ...d, status: next, updatedAt: deps.clock.now() }))) deviceNotFound();
}

/** ForgetDevice / AdminForgetDevice: the device is deleted; its key no longer proves anything. */
export async function forgetDevice(deps: Pick<Deps, 'store'>, pool: PoolRecord, user: UserRecord, deviceKey: string): Promise<void> {
  await findDevice(deps, pool, user, deviceKey);
  if (!(await deps.store.devices.delete(pool.id, user.usernameKey, deviceKey))) deviceNotFound();
}

/** ListDevices / AdminListDevices: the user's confirmed devices; Limit 0–60 (the model's range; 0 or absent: 60 — ours). */
export async function listDevices(
  deps: Pick<Deps, 'store'>,
  pool: PoolRecord,
  user: UserRecord,
  limit: number | undefined,
  token: string | undefined,
): Promise<{ Devices: DeviceType[]; PaginationToken?: string }> {
  let page;
  try {
    page = await deps.store.devices.listConfirmed(pool.id, user.usernameKey, limit ? limit : 60, token);
  } catch (e) {
    if (e instanceof InvalidCursorError) throw new InvalidParameterException('Invalid pagination token.'); // ours
    throw e;
  }
  return { Devices: page.items.map(deviceType), ...(page.next ? { PaginationToken: page.next } : {}) };
}

/**
 * DeviceType as Cognito answers it (AWS CLI examples of admin-get-device / list-devices): device_status "valid",
 * device_name, dev:device_remembered_status and last_ip_used as attributes; dates in epoch seconds.
 */
export function deviceType(d: DeviceRecord): DeviceType {
  const attributes = [
    { Name: 'device_status', Value: 'valid' },
    ...(d.name !== null ? [{ Name: 'device_name', Value: d.name }] : []),
    { Name: 'dev:device_remembered_status', Value: d.status ?? 'not_remembered' },
    ...(d.lastIp !== null ? [{ Name: 'last_ip_used', Value: d.lastIp }] : []),
  ];
  return {
    DeviceKey: d.deviceKey,
    DeviceAttributes: attributes,
    DeviceCreateDate: seconds(d.createdAt),
    DeviceLastModifiedDate: seconds(d.updatedAt),
    ...(d.lastAuthenticatedAt !== null ? { DeviceLastAuthenticatedDate: seconds(d.lastAuthenticatedAt) } : {}),
  };
}

/**
 * A refresh of a session bound to a device (REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken): when the session's device
 * is confirmed, the request must name it (DEVICE_KEY / DeviceKey), as Cognito requires for device-bound refresh
 * tokens; otherwise "Invalid Refresh Token.". A session of no device, or of a device never confirmed, needs none.
 */
export async function checkRefreshDevice(
  deps: Pick<Deps, 'store'>,
  poolId: string,
  user: UserRecord,
  sessionDeviceKey: string | null,
  given: string | undefined,
  invalid: string,
): Promise<void> {
  if (sessionDeviceKey === null) return;
  const d = await deps.store.devices.get(poolId, user.usernameKey, sessionDeviceKey);
  if (!d || d.verifierSealed === null) return;
  if (given !== sessionDeviceKey) throw new NotAuthorizedException(invalid);
}
