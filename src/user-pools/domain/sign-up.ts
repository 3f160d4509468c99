// Sign-up rules shared by SignUp, ConfirmSignUp, ResendConfirmationCode and AdminConfirmSignUp: the public client and
// (its SECRET_HASH: secret-hash.ts), what a username may be in each kind of pool, and the answers about users and their status.
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
import { clientNotFound, effectiveAuthFlows } from './clients.ts';
import { getPool, poolSettings } from './pools.ts';
import { isCaseInsensitive } from './usernames.ts';
import { userNotFound } from './users.ts';

/** The app client a public call names, and its pool. Unknown → ResourceNotFoundException "User pool client <id> does not exist.". */
export async function publicClient(deps: Pick<Deps, 'store'>, clientId: string): Promise<{ client: ClientRecord; pool: PoolRecord }> {
  const client = await deps.store.clients.get(clientId);
  if (!client) clientNotFound(clientId);
  return { client, pool: await getPool(deps, client.poolId) };
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

/** ConfirmSignUp / AdminConfirmSignUp on a user who is not UNCONFIRMED (reported wording). */
export const cannotConfirm = (status: UserStatus) => new NotAuthorizedException(`User cannot be confirmed. Current status is ${status}`);

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
  if (!out) throw userNotFound();
  return out;
}

/**
 * Whether a SignUp makes a user without a password, or refuses it. Cognito requires a password unless (developer
 * guide, "Signing up and confirming user accounts", Passwords at sign-up): passwordless sign-in is active in the pool
 * (SignInPolicy.AllowedFirstAuthFactors EMAIL_OTP or SMS_OTP) and the app client (ALLOW_USER_AUTH); the user gives the
 * attribute of a one-time code the pool permits (email for EMAIL_OTP, phone_number for SMS_OTP); the pool verifies
 * that attribute automatically (AutoVerifiedAttributes); and the request has no Password. (The SignUp reference also
 * allows "a blank value", but the service model's PasswordType pattern refuses one at the edge, as it did before.)
 * `attributes`: the new user's, the username's implied one included.
 */
export function signsUpWithoutPassword(pool: PoolRecord, client: ClientRecord, password: string | undefined, attributes: Record<string, string>): boolean {
  if (password !== undefined) return false;
  const s = poolSettings(pool);
  const first = s.Policies?.SignInPolicy?.AllowedFirstAuthFactors ?? [];
  const factors = effectiveAuthFlows(client.settings).includes('ALLOW_USER_AUTH') ? first.filter((f) => f === 'EMAIL_OTP' || f === 'SMS_OTP') : [];
  if (!factors.length) {
    // The model's wording for a missing required member, as SignUp answered before passwordless sign-up.
    throw new InvalidParameterException("1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null");
  }
  const auto = s.AutoVerifiedAttributes ?? [];
  const usable = factors.some((f) => {
    const attribute = f === 'EMAIL_OTP' ? 'email' : 'phone_number';
    return Boolean(attributes[attribute]) && (auto as string[]).includes(attribute);
  });
  if (!usable) throw new InvalidParameterException(MSG_PASSWORDLESS_NEEDS_ATTRIBUTE(factors));
  return true;
}

/** ours: Cognito's wording for a passwordless sign-up without the attribute of a permitted one-time code is not documented. */
export const MSG_PASSWORDLESS_NEEDS_ATTRIBUTE = (factors: readonly string[]) =>
  `A password is required unless the user provides ${factors.map((f) => (f === 'EMAIL_OTP' ? 'an email address' : 'a phone number')).join(' or ')} that the user pool verifies automatically.`;
