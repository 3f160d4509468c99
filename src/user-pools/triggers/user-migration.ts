// User migration trigger (UserMigration_Authentication, UserMigration_ForgotPassword): a name the pool does not know
// is looked up by the function in the old user directory; its answer creates the user here (migrateUser).
import { createHmac } from 'node:crypto';
import { uuidFromBytes } from '../../lib/uuid.ts';
import type { Deps } from '../../deps.ts';
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import { InvalidLambdaResponseException, UserLambdaValidationException, UserNotFoundException, UsernameExistsException } from '../errors.ts';
import { adminUserAttributes } from '../domain/admin-users.ts';
import { newCredentials } from '../domain/passwords.ts';
import { poolSettings } from '../domain/pools.ts';
import { checkUsernameAttributeFree, claimAlias, signUpName } from '../domain/sign-up.ts';
import { usernameKey } from '../domain/usernames.ts';
import { booleanMember, invokeTrigger, LAMBDA_MSG, stringMember, triggerArn, triggerEvent, type StringMap, type TriggerCaller } from './common.ts';

export type UserMigrationSource = 'UserMigration_Authentication' | 'UserMigration_ForgotPassword';

export interface UserMigrationInput {
  source: UserMigrationSource;
  /** The name the user gave (username or alias). */
  userName: string;
  caller: TriggerCaller;
  /** The password the user signed in with (UserMigration_Authentication only). */
  password?: string;
  validationData?: StringMap;
  clientMetadata?: StringMap;
}

/** The function's answer: the attributes of the user to create and how to create them. */
export interface MigrationAnswer {
  userAttributes: StringMap;
  finalUserStatus?: 'CONFIRMED' | 'RESET_REQUIRED';
  messageAction?: 'RESEND' | 'SUPPRESS';
  desiredDeliveryMediums?: ('SMS' | 'EMAIL')[];
  forceAliasCreation: boolean;
  enableSMSMFA?: boolean;
}

/**
 * A function that throws (the usual "user not found" answer of a migration function) fails the sign-in or reset as an
 * unknown user: UserNotFoundException "Exception migrating user in app client <client id>" (reported).
 */
export const MIGRATION_FAILED = (clientId: string | null) => `Exception migrating user in app client ${clientId ?? ''}`.trimEnd();

export function userMigrationEvent(pool: PoolRecord, i: UserMigrationInput) {
  const request: Record<string, unknown> = {};
  if (i.source === 'UserMigration_Authentication') request.password = i.password ?? '';
  request.validationData = i.validationData ?? null;
  request.clientMetadata = i.clientMetadata ?? null;
  return triggerEvent(pool, i.source, i.userName, i.caller, request, {
    userAttributes: null,
    finalUserStatus: null,
    messageAction: null,
    desiredDeliveryMediums: null,
    forceAliasCreation: null,
    enableSMSMFA: null,
  });
}

const bad = () => new InvalidLambdaResponseException(LAMBDA_MSG.unrecognizable);

function oneOf<T extends string>(v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) throw bad();
  return v as T;
}

/** Reads the function's response; null when it answered no userAttributes (the user is not migrated). */
export function readMigrationAnswer(r: Record<string, unknown>): MigrationAnswer | null {
  const attrs = r.userAttributes;
  if (attrs === undefined || attrs === null) return null;
  if (typeof attrs !== 'object' || Array.isArray(attrs)) throw bad();
  const userAttributes: StringMap = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    // Values arrive as strings; booleans and numbers (email_verified: true) are taken as their text.
    if (typeof v !== 'string' && typeof v !== 'boolean' && typeof v !== 'number') throw bad();
    userAttributes[k] = String(v);
  }
  const mediums = r.desiredDeliveryMediums;
  if (mediums !== undefined && mediums !== null && (!Array.isArray(mediums) || mediums.some((m) => m !== 'SMS' && m !== 'EMAIL'))) throw bad();
  return {
    userAttributes,
    finalUserStatus: oneOf(stringMember(r, 'finalUserStatus'), ['CONFIRMED', 'RESET_REQUIRED'] as const),
    messageAction: oneOf(stringMember(r, 'messageAction'), ['RESEND', 'SUPPRESS'] as const),
    desiredDeliveryMediums: (mediums as MigrationAnswer['desiredDeliveryMediums']) ?? undefined,
    forceAliasCreation: booleanMember(r, 'forceAliasCreation') === true,
    enableSMSMFA: booleanMember(r, 'enableSMSMFA'),
  };
}

/**
 * Asks the pool's UserMigration function about a name the pool does not know. Null when the pool has no such
 * function, or when it answered no userAttributes. A function error is UserNotFoundException (MIGRATION_FAILED);
 * other failures as invokeTrigger.
 */
export async function runUserMigration(deps: Pick<Deps, 'triggers'>, pool: PoolRecord, i: UserMigrationInput): Promise<MigrationAnswer | null> {
  if (!triggerArn(pool, 'UserMigration')) return null;
  let r: Record<string, unknown> | null;
  try {
    r = await invokeTrigger(deps, pool, 'UserMigration', userMigrationEvent(pool, i));
  } catch (e) {
    if (e instanceof UserLambdaValidationException) throw new UserNotFoundException(MIGRATION_FAILED(i.caller.clientId));
    throw e;
  }
  return r ? readMigrationAnswer(r) : null;
}

/**
 * Creates the migrated user from the function's answer, as Cognito does: the attributes it answered (administrator
 * rules: the verified flags may be set), the verified email / phone claimed as aliases (ForceAliasCreation moves
 * them from another user, else AliasExistsException). With `password` (UserMigration_Authentication) the user gets
 * it and ends finalUserStatus (default CONFIRMED); without (UserMigration_ForgotPassword) the user has no password
 * and is RESET_REQUIRED, to set one with the reset code. In pools with UsernameAttributes the user gets a UUID
 * username (derived from the name under a deployment key, so that two first sign-ins racing each other make one
 * user) and the name as their email / phone number; elsewhere the name as given is the username.
 *
 * Nothing is stored when anything refuses: the attributes, every UsernameAttributes value (no other user may hold
 * it), the aliases and `accept` (the caller's own check of the new user) are checked before the user is created,
 * and a forced alias moves only once the user exists. When the same user was created meanwhile (a racing first
 * sign-in), that user is answered.
 *
 * Not done yet: the welcome message (messageAction, desiredDeliveryMediums) and enableSMSMFA.
 */
export async function migrateUser(
  deps: Pick<Deps, 'store' | 'clock' | 'random' | 'secrets' | 'hashing' | 'storedKeys'>,
  pool: PoolRecord,
  name: string,
  answer: MigrationAnswer,
  o: { password?: string; accept?: (user: UserRecord) => void } = {},
): Promise<UserRecord> {
  const settings = poolSettings(pool);
  const usernameAttributes = (settings.UsernameAttributes ?? []) as string[];
  const byAttribute = usernameAttributes.length > 0;
  const id = byAttribute ? await migratedUserId(deps, pool, name) : deps.random.uuid();
  const n = byAttribute ? signUpName(pool, name, id) : { username: name, implied: {} };
  const given = Object.entries(answer.userAttributes)
    .filter(([k]) => k !== 'sub' && k !== 'username' && !k.startsWith('cognito:'))
    .map(([Name, Value]) => ({ Name, Value }));
  const attributes = adminUserAttributes(pool, given, n.implied);
  // Every value the pool signs in with must be free, not only the name given (another user's phone number, say).
  const signInValues = Object.fromEntries(usernameAttributes.filter((a) => attributes[a]).map((a) => [a, attributes[a]!]));
  await checkUsernameAttributeFree(deps, pool, signInValues);
  const key = usernameKey(pool, n.username);
  // A racing migration of the same name got there first: carry on with the user it made.
  const made = (other: UserRecord | null): UserRecord => {
    if (other && Object.entries(n.implied).every(([a, v]) => other.attributes[a]?.toLowerCase() === v.toLowerCase())) return other;
    throw new UsernameExistsException('User already exists');
  };
  const existing = await deps.store.users.get(pool.id, key);
  if (existing) return made(existing);
  const now = deps.clock.now();
  const password = o.password;
  const user: UserRecord = {
    poolId: pool.id,
    username: n.username,
    usernameKey: key,
    sub: id,
    status: password === undefined ? 'RESET_REQUIRED' : (answer.finalUserStatus ?? 'CONFIRMED'),
    enabled: true,
    attributes,
    credentialsSealed: password === undefined ? null : await newCredentials(deps, pool, n.username, password),
    mfa: {},
    passwordSetAt: password === undefined ? null : now,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  o.accept?.(user);
  const aliases = ['email', 'phone_number'].filter((attr) => attributes[attr] && attributes[`${attr}_verified`] === 'true');
  // Without ForceAliasCreation this only checks (AliasExistsException, nothing moved).
  if (!answer.forceAliasCreation) for (const attr of aliases) await claimAlias(deps, pool, user, attr, attributes[attr]!, false);
  if ((await deps.store.users.create(user)) !== 'ok') return made(await deps.store.users.get(pool.id, key));
  if (answer.forceAliasCreation) for (const attr of aliases) await claimAlias(deps, pool, user, attr, attributes[attr]!, true);
  return user;
}

/** A UUID for the user migrated under `name` (case-folded as sign-in names match), the same in every process. */
async function migratedUserId(deps: Pick<Deps, 'storedKeys'>, pool: PoolRecord, name: string): Promise<string> {
  const key = await deps.storedKeys.get('migration_key');
  return uuidFromBytes(createHmac('sha256', key).update(`migrated-user\0${pool.id}\0${name.toLowerCase()}`).digest());
}
