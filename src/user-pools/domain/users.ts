// Users: finding one by the name a person signs in with (username, or an email/phone/preferred_username alias).
import type { Deps } from '../../deps.ts';
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import type { AttributeType } from '../shapes.ts';
import { UserNotFoundException } from '../errors.ts';
import { isEmail, isPhoneNumber } from './attributes.ts';
import { isCaseInsensitive, usernameKey } from './usernames.ts';

/** Cognito's answer for a call naming a user who does not exist: "User does not exist." (observed). */
export const MSG_USER_NOT_FOUND = 'User does not exist.';
export const userNotFound = () => new UserNotFoundException(MSG_USER_NOT_FOUND);

/**
 * The user a sign-in name means, as Cognito resolves it: the internal username first; then, in pools with
 * UsernameAttributes, the email/phone given as username; in pools with AliasAttributes, a *verified* email or
 * phone_number alias, or preferred_username. Null when none (or when an alias is ambiguous).
 */
export async function findUserBySignInName(deps: Pick<Deps, 'store'>, pool: PoolRecord, name: string): Promise<UserRecord | null> {
  const direct = await deps.store.users.get(pool.id, usernameKey(pool, name));
  if (direct) return direct;
  const s = pool.settings;
  const ci = isCaseInsensitive(pool);
  const candidates: { attr: string; requireVerified: boolean }[] = [];
  for (const a of s.UsernameAttributes ?? []) candidates.push({ attr: a, requireVerified: false });
  for (const a of s.AliasAttributes ?? []) candidates.push({ attr: a, requireVerified: a !== 'preferred_username' });
  for (const { attr, requireVerified } of candidates) {
    if (attr === 'email' && !isEmail(name)) continue;
    if (attr === 'phone_number' && !isPhoneNumber(name)) continue;
    // Emails match case-insensitively in Cognito; other aliases follow the pool's case setting.
    let found = await deps.store.users.findByAttribute(pool.id, attr, name, ci || attr === 'email');
    if (requireVerified) found = found.filter((u) => u.attributes[`${attr}_verified`] === 'true');
    if (found.length === 1) return found[0]!;
  }
  return null;
}

/**
 * A name as findUserBySignInName folds it: the username key (case-folded in case-insensitive pools), and an email
 * lower-cased where users sign in with their email (emails match case-insensitively). What counts per name for names
 * that are nobody's (ForgotPassword's limit at a hiding client), so that spellings of one name count as one.
 */
export function signInNameKey(pool: PoolRecord, name: string): string {
  const s = pool.settings;
  const byEmail = (s.UsernameAttributes ?? []).includes('email') || (s.AliasAttributes ?? []).includes('email');
  const key = usernameKey(pool, name);
  return byEmail && isEmail(name) ? key.toLowerCase() : key;
}

/** The user's attributes as Cognito lists them: sub first, then the rest by name. */
export function attributeList(user: UserRecord): AttributeType[] {
  return [
    { Name: 'sub', Value: user.sub },
    ...Object.keys(user.attributes)
      .sort()
      .map((Name) => ({ Name, Value: user.attributes[Name]! })),
  ];
}
