// A user's MFA: the factors they turned on and prefer (SetUserMFAPreference, legacy SetUserSettings), their TOTP
// authenticator (seed sealed at rest, each code accepted once), and which factors a sign-in may ask for.
//
// Stored in UserRecord.mfa under the AWS member names GetUser answers with (MFAOptions, PreferredMfaSetting,
// UserMFASettingList, read by admin-users.ts mfaMembers), plus `totp`: { seed sealed by the master key, whether a
// code from it was verified, the friendly device name, the last time step a code was accepted for }, and
// `totpPending`, a new authenticator until its first code is verified.
import { TOTP, Secret } from 'otpauth';
import type { Deps } from '../../deps.ts';
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import { CodeMismatchException, InvalidParameterException, TooManyRequestsException } from '../errors.ts';
import type { MFAOptionType, SetUserMFAPreferenceRequest } from '../shapes.ts';
import { enabledFactors } from './pool-mfa.ts';
import { poolSettings } from './pools.ts';
import { userNotFound } from './users.ts';

export type MfaFactor = 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA' | 'EMAIL_OTP';

export interface UserTotp {
  seedSealed: string;
  verified: boolean;
  friendlyName?: string;
  /** The last 30-second step a code was accepted for: codes of that step or earlier are refused (no replay). */
  lastStep?: number;
}

export interface UserMfa {
  MFAOptions?: MFAOptionType[];
  PreferredMfaSetting?: MfaFactor;
  UserMFASettingList?: MfaFactor[];
  totp?: UserTotp;
  /**
   * An authenticator associated but not verified yet (AssociateSoftwareToken): it replaces `totp` only once a code of
   * it is verified, so an abandoned association never turns off the authenticator the user has.
   */
  totpPending?: UserTotp;
}

/** Observed wording for a wrong MFA code at sign-in (COGNITO-API §10). */
export const MSG_MFA_CODE_MISMATCH = 'Invalid code or auth state for the user.';
/**
 * Turning on a factor the user cannot receive: observed for SOFTWARE_TOKEN_MFA without a verified authenticator
 * (aws/aws-sdk-js-v3#4645); the same form is used for SMS_MFA and EMAIL_OTP (older answers for SMS read "User does
 * not have a phone_number set to turn on SMS MFA", aws-amplify/amplify-js#5766).
 */
export const MSG_NO_DELIVERY = (f: MfaFactor) => `User does not have delivery config set to turn on ${f}`;
export const MSG_TOTP_NOT_VERIFIED = MSG_NO_DELIVERY('SOFTWARE_TOKEN_MFA');
/** VerifySoftwareToken before AssociateSoftwareToken (wording ours; the error is the model's). */
export const MSG_NO_SOFTWARE_TOKEN = 'User has not associated a software token.';

export const TOTP_PERIOD_S = 30;

export function userMfa(user: UserRecord): UserMfa {
  return (user.mfa ?? {}) as UserMfa;
}

/** The pool's factors under their challenge names. */
export function poolFactors(pool: PoolRecord): MfaFactor[] {
  return enabledFactors(poolSettings(pool)).map((f) => (f === 'SMS' ? 'SMS_MFA' : f === 'TOTP' ? 'SOFTWARE_TOKEN_MFA' : 'EMAIL_OTP'));
}

/** Whether the user has what `f` needs: a phone number, an email, a verified authenticator. */
export function userCanUse(user: UserRecord, f: MfaFactor): boolean {
  if (f === 'SMS_MFA') return !!user.attributes.phone_number;
  if (f === 'EMAIL_OTP') return !!user.attributes.email;
  return !!userMfa(user).totp?.verified;
}

/** The factors a sign-in may ask for: those the user turned on, the pool offers and the user can receive. */
export function usableFactors(pool: PoolRecord, user: UserRecord): MfaFactor[] {
  const offered = new Set(poolFactors(pool));
  return (userMfa(user).UserMFASettingList ?? []).filter((f) => offered.has(f) && userCanUse(user, f));
}

/**
 * Whether the user has MFA active: a factor turned on (TOTP, SMS or email, preferred or not) or SMS by the legacy
 * MFAOptions. Such a user may not sign in by a one-time code alone (flows/user-auth.ts userFirstFactors).
 */
export function userHasMfaActive(user: UserRecord): boolean {
  const m = userMfa(user);
  return Boolean(m.UserMFASettingList?.length || m.MFAOptions?.length || m.PreferredMfaSetting);
}

/** A new TOTP seed: 20 random bytes (SHA-1's block of key material), shown to the user in base32. */
export function newTotpSeed(deps: Pick<Deps, 'random'>): string {
  return Secret.fromHex(deps.random.bytes(20).toString('hex')).base32;
}

function totpFor(seedBase32: string): TOTP {
  return new TOTP({ secret: Secret.fromBase32(seedBase32), algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_S });
}

/** AssociateSoftwareToken: a new pending authenticator (replacing any pending one); returns the seed (SecretCode). */
export function associateTotp(deps: Pick<Deps, 'random' | 'secrets'>, mfa: UserMfa): { mfa: UserMfa; secretCode: string } {
  const secretCode = newTotpSeed(deps);
  return { mfa: { ...mfa, totpPending: { seedSealed: deps.secrets.encrypt(secretCode), verified: false } }, secretCode };
}

/** VerifySoftwareToken's success: the pending authenticator becomes the user's (its accepted step kept). */
export function promotePendingTotp(m: UserMfa, friendlyName: string | undefined): UserMfa {
  const { totpPending, ...rest } = m;
  if (!totpPending) return m;
  return { ...rest, totp: { ...totpPending, verified: true, ...(friendlyName !== undefined ? { friendlyName } : {}) } };
}

/**
 * The time step `code` is valid for under the user's seed, ±1 step of skew, or null. Steps at or before the last
 * accepted one are refused, so a code (or an older one) cannot be used twice.
 */
export function totpStep(deps: Pick<Deps, 'secrets' | 'clock'>, totp: UserTotp, code: string): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const seed = deps.secrets.decryptString(totp.seedSealed);
  const now = deps.clock.now();
  const delta = totpFor(seed).validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  const step = Math.floor(now / 1000 / TOTP_PERIOD_S) + delta;
  if (totp.lastStep !== undefined && step <= totp.lastStep) return null;
  return step;
}

/**
 * Checks a TOTP code and records its step in the same optimistic write (a concurrent use of the same code loses the
 * race and is re-checked against the step the winner stored). `onVerified` may change the MFA settings further
 * (VerifySoftwareToken checks the pending authenticator, `which`, and promotes it). Wrong, reused or no
 * authenticator → `mismatch()`.
 */
export async function useTotpCode(
  deps: Pick<Deps, 'store' | 'clock' | 'secrets'>,
  pool: PoolRecord,
  usernameKey: string,
  code: string,
  mismatch: () => Error,
  onVerified: (m: UserMfa) => UserMfa = (m) => m,
  which: 'totp' | 'totpPending' = 'totp',
): Promise<UserRecord> {
  const u = await changeUserMfa(deps, pool, usernameKey, (u) => {
    const totp = userMfa(u)[which];
    if (!totp || (which === 'totp' && !totp.verified)) throw mismatch();
    const step = totpStep(deps, totp, code);
    if (step === null) throw mismatch();
    return onVerified({ ...userMfa(u), [which]: { ...totp, lastStep: step } });
  });
  if (!u) throw mismatch();
  return u;
}

export function withFactor(m: UserMfa, f: MfaFactor, preferred = false): UserMfa {
  const list = new Set(m.UserMFASettingList ?? []);
  list.add(f);
  return { ...m, UserMFASettingList: [...list], ...(preferred ? { PreferredMfaSetting: f } : {}) };
}

export function withoutFactor(m: UserMfa, f: MfaFactor): UserMfa {
  const { PreferredMfaSetting, UserMFASettingList, ...rest } = m;
  const list = (UserMFASettingList ?? []).filter((x) => x !== f);
  return {
    ...rest,
    ...(list.length ? { UserMFASettingList: list } : {}),
    ...(PreferredMfaSetting && PreferredMfaSetting !== f ? { PreferredMfaSetting } : {}),
    // SMS was the factor the legacy MFAOptions turned on: they go with it.
    ...(f === 'SMS_MFA' ? { MFAOptions: undefined } : {}),
  };
}

/**
 * AdminDeleteSoftwareToken: the user's authenticator (and one associated but not verified yet) is gone, and with it
 * TOTP as a turned-on or preferred factor; the other factors stay as they were (API reference: "Removes the user's
 * software token registration and any preference for TOTP MFA. It doesn't deactivate the other MFA factors").
 */
export function withoutTotp(m: UserMfa): UserMfa {
  const { totp: _totp, totpPending: _pending, ...rest } = withoutFactor(m, 'SOFTWARE_TOKEN_MFA');
  return dropUndefined(rest);
}

type Preference = Pick<SetUserMFAPreferenceRequest, 'SMSMfaSettings' | 'SoftwareTokenMfaSettings' | 'EmailMfaSettings'>;

/**
 * (Admin)SetUserMFAPreference: each settings member given turns its factor on or off and may make it the preferred
 * one; members left out are unchanged. Turning TOTP on needs a verified authenticator, SMS a phone number, email an
 * email address. PreferredMfa on a factor turned off is not a preference.
 */
export function applyMfaPreference(user: UserRecord, input: Preference): UserMfa {
  const members: [MfaFactor, { Enabled?: boolean; PreferredMfa?: boolean } | undefined][] = [
    ['SMS_MFA', input.SMSMfaSettings],
    ['SOFTWARE_TOKEN_MFA', input.SoftwareTokenMfaSettings],
    ['EMAIL_OTP', input.EmailMfaSettings],
  ];
  const preferred = members.filter(([, s]) => s?.PreferredMfa && s.Enabled !== false);
  if (preferred.length > 1) throw new InvalidParameterException('Only one MFA method can be preferred.'); // wording ours
  let m = userMfa(user);
  for (const [f, s] of members) {
    if (!s) continue;
    if (s.Enabled === false) {
      m = withoutFactor(m, f);
      continue;
    }
    if (s.Enabled === undefined && !s.PreferredMfa) continue;
    if (!userCanUse(user, f)) throw new InvalidParameterException(f === 'SOFTWARE_TOKEN_MFA' ? MSG_TOTP_NOT_VERIFIED : MSG_NO_DELIVERY(f));
    m = withFactor(m, f, !!s.PreferredMfa);
    if (!s.PreferredMfa && m.PreferredMfaSetting === f) m = { ...m, PreferredMfaSetting: undefined };
  }
  return dropUndefined(m);
}

/**
 * (Admin)SetUserSettings, the legacy API: MFAOptions with an SMS entry for phone_number turns SMS MFA on, an empty
 * list turns it off. Only SMS to phone_number is accepted (the API reference: "SMS is the only supported option").
 */
export function applyUserSettings(user: UserRecord, options: MFAOptionType[]): UserMfa {
  for (const o of options)
    if (o.DeliveryMedium !== 'SMS' || (o.AttributeName !== undefined && o.AttributeName !== 'phone_number'))
      throw new InvalidParameterException('Only SMS MFA to phone_number can be set with MFAOptions.'); // wording ours
  const m = userMfa(user);
  if (!options.length) return dropUndefined(withoutFactor(m, 'SMS_MFA'));
  if (!user.attributes.phone_number) throw new InvalidParameterException(MSG_NO_DELIVERY('SMS_MFA'));
  return dropUndefined({ ...withFactor(m, 'SMS_MFA'), MFAOptions: [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }] });
}

function dropUndefined(m: UserMfa): UserMfa {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as UserMfa;
}

/** Stores new MFA settings computed from the current user, re-reading on a lost race. */
export async function changeUserMfa(
  deps: Pick<Deps, 'store' | 'clock'>,
  pool: PoolRecord,
  usernameKey: string,
  change: (u: UserRecord) => UserMfa,
): Promise<UserRecord | null> {
  for (let i = 0; i < 5; i++) {
    const u = await deps.store.users.get(pool.id, usernameKey);
    if (!u) return null;
    const next: UserRecord = { ...u, mfa: { ...change(u) }, updatedAt: deps.clock.now(), version: u.version + 1 };
    if (await deps.store.users.update(next)) return next;
  }
  throw new TooManyRequestsException('Too many concurrent changes to this user; retry.'); // wording ours
}

export const mfaCodeMismatch = () => new CodeMismatchException(MSG_MFA_CODE_MISMATCH);

/** changeUserMfa for an operation on a user it found: a user deleted meanwhile is UserNotFoundException. */
export async function updateUserMfa(
  deps: Pick<Deps, 'store' | 'clock'>,
  pool: PoolRecord,
  user: UserRecord,
  change: (u: UserRecord) => UserMfa,
): Promise<UserRecord> {
  const out = await changeUserMfa(deps, pool, user.usernameKey, change);
  if (!out) throw userNotFound();
  return out;
}
