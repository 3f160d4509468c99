// Sign-up rules shared by SignUp, ConfirmSignUp, ResendConfirmationCode and AdminConfirmSignUp: the public client and
// its SECRET_HASH, what a username may be in each kind of pool, and the answers about users and their status.
import type { Deps } from '../../deps.ts';
import type { ClientRecord, PoolRecord, UserRecord, UserStatus } from '../../storage/records.ts';
import {
  AliasExistsException,
  InvalidParameterException,
  NotAuthorizedException,
  TooManyRequestsException,
  UsernameExistsException,
  UserNotFoundException,
} from '../errors.ts';
import { isEmail, isPhoneNumber } from './attributes.ts';
import { clientNotFound, clientSecrets, preventUserExistenceErrors, verifySecretHash, type ClientSettings } from './clients.ts';
import { getPool, poolSettings } from './pools.ts';
import { isCaseInsensitive } from './usernames.ts';

/** The app client a public call names, and its pool. Unknown → ResourceNotFoundException "User pool client <id> does not exist.". */
export async function publicClient(deps: Pick<Deps, 'store'>, clientId: string): Promise<{ client: ClientRecord; pool: PoolRecord }> {
  const client = await deps.store.clients.get(clientId);
  if (!client) clientNotFound(clientId);
  return { client, pool: await getPool(deps, client.poolId) };
}

/**
 * SECRET_HASH for a client with a secret (§3.7): missing → NotAuthorizedException "Client <id> is configured for
 * secret but secret was not received"; not the hash of any of `names` (+ client id) under any active secret →
 * "Unable to verify secret hash for client <id>". A client without a secret ignores a hash it is sent.
 */
export function checkSecretHash(deps: Pick<Deps, 'secrets'>, client: ClientRecord, names: readonly string[], hash: string | undefined): void {
  if (!client.secrets.length) return;
  if (hash === undefined || hash === '')
    throw new NotAuthorizedException(`Client ${client.id} is configured for secret but secret was not received`);
  const secrets = clientSecrets(deps, client);
  if (!names.some((n) => verifySecretHash(secrets, n, client.id, hash)))
    throw new NotAuthorizedException(`Unable to verify secret hash for client ${client.id}`);
}

/** Every name a SECRET_HASH may have been computed over for an existing user (§3.7: be lenient). */
export function secretHashNames(given: string, user: UserRecord | null): string[] {
  if (!user) return [given];
  const names = [given, user.username, user.sub];
  for (const a of ['email', 'phone_number', 'preferred_username']) if (user.attributes[a]) names.push(user.attributes[a]!);
  return names;
}

export interface SignUpName {
  /** The internal username: as given, or a new UUID (= sub) in pools with UsernameAttributes. */
  username: string;
  /** The attribute the username stands for in UsernameAttributes pools (email or phone_number = the given name). */
  implied: Record<string, string>;
}

/**
 * What the username of a sign-up means in this pool.
 * - UsernameAttributes: it must be an email or phone number the pool signs in with ("Username should be either an
 *   email or a phone number." when both are allowed; "Username should be an email." when only email is (observed);
 *   "Username should be a phone number." by analogy). The user gets a UUID username (= sub) and the value as
 *   attribute.
 * - AliasAttributes with email / phone_number: the username may not look like one ("Username cannot be of email
 *   format, since user pool is configured for email alias.", observed; the phone wording by analogy).
 * - Otherwise the username is kept as given.
 */
export function signUpName(pool: PoolRecord, given: string, sub: string): SignUpName {
  const s = poolSettings(pool);
  const byAttr = s.UsernameAttributes ?? [];
  if (byAttr.length) {
    const email = byAttr.includes('email');
    const phone = byAttr.includes('phone_number');
    if (email && isEmail(given)) return { username: sub, implied: { email: given } };
    if (phone && isPhoneNumber(given)) return { username: sub, implied: { phone_number: given } };
    throw new InvalidParameterException(
      email && phone
        ? 'Username should be either an email or a phone number.'
        : email
          ? 'Username should be an email.'
          : 'Username should be a phone number.',
    );
  }
  const aliases = s.AliasAttributes ?? [];
  if (aliases.includes('email') && isEmail(given))
    throw new InvalidParameterException('Username cannot be of email format, since user pool is configured for email alias.');
  if (aliases.includes('phone_number') && isPhoneNumber(given))
    throw new InvalidParameterException('Username cannot be of phone number format, since user pool is configured for phone number alias.');
  return { username: given, implied: {} };
}

/**
 * In UsernameAttributes pools an email or phone number names one account: a second sign-up with it is
 * UsernameExistsException "An account with the given email already exists." (reported; "…phone_number…" likewise).
 * Emails compare case-insensitively, as everywhere in Cognito.
 */
export async function checkUsernameAttributeFree(deps: Pick<Deps, 'store'>, pool: PoolRecord, implied: Record<string, string>): Promise<void> {
  for (const [attr, value] of Object.entries(implied)) {
    const found = await deps.store.users.findByAttribute(pool.id, attr, value, attr === 'email' || isCaseInsensitive(pool));
    if (found.length) throw new UsernameExistsException(`An account with the given ${attr} already exists.`);
  }
}

/** Observed for a taken username. */
export const usernameExists = () => new UsernameExistsException('User already exists');

/** Public calls naming an unknown user (LEGACY client): "Username/client id combination not found." (observed). */
export const unknownUserForClient = () => new UserNotFoundException('Username/client id combination not found.');

/** Admin calls naming an unknown user: "User does not exist." (observed). */
export const userDoesNotExist = () => new UserNotFoundException('User does not exist.');

/** ConfirmSignUp / AdminConfirmSignUp on a user who is not UNCONFIRMED (reported wording). */
export const cannotConfirm = (status: UserStatus) => new NotAuthorizedException(`User cannot be confirmed. Current status is ${status}`);

/** Whether the client hides whether users exist (PreventUserExistenceErrors ENABLED). */
export function hidesUsers(client: ClientRecord): boolean {
  return preventUserExistenceErrors(client.settings) === 'ENABLED';
}

/**
 * A verified email or phone number belongs to one user of the pool (it signs them in). When `attr` is one the pool
 * signs in with (AliasAttributes or UsernameAttributes) and another user has the same value verified, confirming it
 * here is AliasExistsException "An account with the email already exists." (observed; "…phone_number…" likewise),
 * unless ForceAliasCreation: then the alias moves — the other user's `<attr>_verified` becomes false, so the value
 * no longer signs them in (API reference, ConfirmSignUp ForceAliasCreation).
 */
export async function claimAlias(
  deps: Pick<Deps, 'store' | 'clock'>,
  pool: PoolRecord,
  user: UserRecord,
  attr: string,
  value: string,
  force: boolean,
): Promise<void> {
  const s = poolSettings(pool);
  const signIn = [...(s.AliasAttributes ?? []), ...(s.UsernameAttributes ?? [])] as string[];
  if (!signIn.includes(attr)) return;
  const holders = (await deps.store.users.findByAttribute(pool.id, attr, value, attr === 'email' || isCaseInsensitive(pool))).filter(
    (u) => u.usernameKey !== user.usernameKey && u.attributes[`${attr}_verified`] === 'true',
  );
  if (!holders.length) return;
  if (!force) throw new AliasExistsException(`An account with the ${attr} already exists.`);
  for (const holder of holders)
    await changeUser(deps, pool, holder.usernameKey, (u) => ({ attributes: { ...u.attributes, [`${attr}_verified`]: 'false' } }));
}

/**
 * Applies `change` to the stored user with the store's optimistic update, re-reading on a lost race. `change` may
 * throw to refuse (e.g. the status moved on meanwhile). Returns the stored user, or null when the user is gone.
 */
export async function changeUser(
  deps: Pick<Deps, 'store' | 'clock'>,
  pool: PoolRecord,
  key: string,
  change: (u: UserRecord) => Partial<Pick<UserRecord, 'status' | 'attributes' | 'enabled'>>,
  attempts = 5,
): Promise<UserRecord | null> {
  for (let i = 0; i < attempts; i++) {
    const u = await deps.store.users.get(pool.id, key);
    if (!u) return null;
    const next: UserRecord = { ...u, ...change(u), updatedAt: deps.clock.now(), version: u.version + 1 };
    if (await deps.store.users.update(next)) return next;
  }
  throw new TooManyRequestsException('Too many concurrent changes to this user; retry.'); // wording ours
}

/**
 * UNCONFIRMED → CONFIRMED, marking `verified` (the attribute that received the code) `<attr>_verified: 'true'`.
 * A user no longer UNCONFIRMED gets "User cannot be confirmed. Current status is <status>".
 */
export async function confirmUser(
  deps: Pick<Deps, 'store' | 'clock'>,
  pool: PoolRecord,
  user: UserRecord,
  verified?: string,
): Promise<UserRecord> {
  const out = await changeUser(deps, pool, user.usernameKey, (u) => {
    if (u.status !== 'UNCONFIRMED') throw cannotConfirm(u.status);
    return { status: 'CONFIRMED', attributes: verified ? { ...u.attributes, [`${verified}_verified`]: 'true' } : u.attributes };
  });
  if (!out) throw new UserNotFoundException('User does not exist.');
  return out;
}
