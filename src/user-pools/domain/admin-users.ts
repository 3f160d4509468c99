// Administering users: the user an admin call names, the attributes an administrator sets, temporary passwords and
// the invitation (AdminCreateUser), the account-recovery channel (AdminResetUserPassword), and the UserType shapes.
import type { Deps } from '../../deps.ts';
import type { ClientRecord, PoolRecord, UserRecord, UserStatus } from '../../storage/records.ts';
import {
  CodeDeliveryFailureException,
  InvalidParameterException,
  NotAuthorizedException,
  TooManyRequestsException,
} from '../errors.ts';
import type { AdminGetUserResponse, AttributeType, MFAOptionType, UserType } from '../shapes.ts';
import { newUserAttributes, schemaError } from './attributes.ts';
import { CODE_TTL_MS, issueCode } from './codes.ts';
import { CODE_PLACEHOLDER, fillTemplate, sendVerificationCode, type DeliveryMedium, type VerificationTarget } from './messages.ts';
import { passwordPolicyOf, temporaryPasswordExpiresAt } from './passwords.ts';
import { poolSettings, seconds } from './pools.ts';
import { attributeList, findUserBySignInName, userNotFound } from './users.ts';
import { MSG } from '../sign-in/context.ts';
import type { TriggerCaller } from '../triggers/common.ts';
import { customMessageTemplates, type MessageTrigger } from '../triggers/custom-message.ts';
import { customSender, invokeCustomSender } from '../triggers/custom-sender.ts';

// ---------------------------------------------------------------------------------------------------------
// Messages ("obs" = seen in real-service output, "rep" = reported, "ours" = guessed)

export const ADMIN_MSG = {
  /** AdminCreateUser on a taken username: obs (aws CLI output quoted in localstack#4465). */
  userExists: 'User account already exists',
  /** rep: the wording two Cognito emulators use for RESEND to a user not awaiting a new password (no capture found). */
  resendNotPossible: (username: string) => `Resend not possible. ${username} status is not FORCE_CHANGE_PASSWORD`,
  /** obs (InvalidParameterException, rahulpsd18/cognito-backup-restore#25). */
  noEmail: 'No email provided but desired delivery medium was Email',
  /** ours, by analogy with the email message. */
  noPhone: 'No phone_number provided but desired delivery medium was Sms',
  /** obs (ForgotPassword, aws CLI in AWS re:Post; the same check for AdminResetUserPassword). */
  noRecoveryContact: 'Cannot reset password for the user as there is no registered/verified email or phone_number',
  /** obs for ForgotPassword on a FORCE_CHANGE_PASSWORD user (amplify-flutter#3048); reported for the admin reset too. */
  cannotReset: 'User password cannot be reset in the current state.',
  /** rep (amazon-cognito-identity-js#373: AdminResetUserPassword of a disabled user); the sign-in wording. */
  disabled: MSG.disabled,
  /** ours: a pool whose AccountRecoverySetting is admin_only has no self-service recovery to start. */
  adminOnlyRecovery:
    'This user pool recovers accounts by administrator only (AccountRecoverySetting admin_only): set the password with AdminSetUserPassword.',
  /** ours (Cognito's answer for writing sub was not found). */
  subNotWritable: 'Cannot modify the non-mutable attribute sub',
} as const;

// ---------------------------------------------------------------------------------------------------------
// Finding the user

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The user an admin operation's Username names. The API reference (AdminGetUser and every Admin* user call): "typically
 * your user's username, but it can be any of their alias attributes. If username isn't an alias attribute in your user
 * pool, this value must be the sub of a local user". So: the username or an alias (findUserBySignInName), then the sub.
 * Unknown → UserNotFoundException "User does not exist." (observed).
 */
export async function findUserForAdmin(deps: Pick<Deps, 'store'>, pool: PoolRecord, name: string): Promise<UserRecord> {
  const user =
    (await findUserBySignInName(deps, pool, name)) ?? (UUID.test(name) ? await deps.store.users.getBySub(pool.id, name.toLowerCase()) : null);
  if (!user) throw userNotFound();
  return user;
}

// ---------------------------------------------------------------------------------------------------------
// Attributes an administrator sets

/** Attributes only administrators write: the verified flags and developer-only attributes (API reference). */
const adminOnly = (name: string) => name === 'email_verified' || name === 'phone_number_verified' || name.startsWith('dev:');

/** An administrator writes like an app client without WriteAttributes: every attribute of the schema. */
const ANY_CLIENT: Pick<ClientRecord, 'settings'> = { settings: {} };

/**
 * The attributes of a user an administrator creates: the schema, its constraints and the email / phone formats, as for
 * SignUp (attributes.ts), plus the verified flags ('true'/'false', any case) and developer-only attributes. Required
 * attributes are not enforced: "Administrators can create users without giving values for required attributes by
 * using the AdminCreateUser API" (Cognito developer guide); the user supplies them in NEW_PASSWORD_REQUIRED.
 */
export function adminUserAttributes(pool: PoolRecord, given: readonly AttributeType[] | undefined, implied: Record<string, string>): Record<string, string> {
  const s = poolSettings(pool);
  const schema = new Map(s.SchemaAttributes.map((a) => [a.Name!, a]));
  const plain: AttributeType[] = [];
  const extra: Record<string, string> = {};
  const problems: string[] = [];
  for (const a of given ?? []) {
    if (a.Name === 'sub') throw new InvalidParameterException(ADMIN_MSG.subNotWritable);
    if (!adminOnly(a.Name)) {
      plain.push(a);
      continue;
    }
    const entry = schema.get(a.Name);
    const value = a.Value ?? '';
    if (!entry) problems.push(`${a.Name}: Attribute does not exist in the schema.`);
    else if (entry.AttributeDataType === 'Boolean' && !/^(true|false)$/i.test(value)) problems.push(`${a.Name}: Boolean expected`);
    else if (value !== '') extra[a.Name] = entry.AttributeDataType === 'Boolean' ? value.toLowerCase() : value;
  }
  if (problems.length) throw schemaError(problems);
  const relaxed: PoolRecord = {
    ...pool,
    settings: { ...s, SchemaAttributes: s.SchemaAttributes.map((a) => ({ ...a, Required: false })) },
  };
  return { ...newUserAttributes(relaxed, ANY_CLIENT, { given: plain, implied }), ...extra };
}

// ---------------------------------------------------------------------------------------------------------
// Temporary passwords

const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
/** Symbols of Cognito's set that need no quoting in a shell, a URL or a message template. */
const SYMBOLS = '!#$%*+-=?@^_~';

/**
 * A temporary password Cognito would accept under the pool's policy: at least MinimumLength (and at least 12)
 * characters, with a lower-case letter, an upper-case letter, a digit and a symbol whatever the policy asks, drawn and
 * shuffled with deps.random. Look-alike characters (l, I, O, 0, 1) are left out: people type these from a message.
 */
export function generateTemporaryPassword(deps: Pick<Deps, 'random'>, pool: PoolRecord): string {
  const length = Math.max(passwordPolicyOf(pool).MinimumLength ?? 8, 12);
  const all = LOWER + UPPER + DIGITS + SYMBOLS;
  const chars = [LOWER, UPPER, DIGITS, SYMBOLS].map((set) => deps.random.string(1, set));
  while (chars.length < length) chars.push(deps.random.string(1, all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = deps.random.int(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/**
 * Stores a new password: the sealed credentials, the status, and the time it was set (temporary passwords expire
 * TemporaryPasswordValidityDays from it). Optimistic on the user's version, re-reading on a lost race.
 */
export async function storePassword(
  deps: Pick<Deps, 'store' | 'clock'>,
  pool: PoolRecord,
  user: UserRecord,
  credentialsSealed: string,
  status: UserStatus,
  attempts = 5,
): Promise<UserRecord> {
  let u: UserRecord | null = user;
  for (let i = 0; i < attempts && u; i++) {
    const now = deps.clock.now();
    const next: UserRecord = { ...u, credentialsSealed, status, passwordSetAt: now, updatedAt: now, version: u.version + 1 };
    if (await deps.store.users.update(next)) return next;
    u = await deps.store.users.get(pool.id, user.usernameKey);
  }
  if (!u) throw userNotFound();
  throw new TooManyRequestsException('Too many concurrent changes to this user; retry.'); // wording ours
}

// ---------------------------------------------------------------------------------------------------------
// The invitation (AdminCreateUserConfig.InviteMessageTemplate)

/**
 * Cognito's invitation when the pool sets no InviteMessageTemplate, as the AWS CDK documents the defaults
 * (UserInvitationConfig): email "Your username is {username} and temporary password is {####}." with the subject
 * "Your temporary password"; SMS the same sentence without the full stop.
 */
export const DEFAULT_INVITE_EMAIL_SUBJECT = 'Your temporary password';
export const DEFAULT_INVITE_EMAIL_MESSAGE = 'Your username is {username} and temporary password is {####}.';
export const DEFAULT_INVITE_SMS_MESSAGE = 'Your username is {username} and temporary password is {####}';

export function inviteTemplates(pool: PoolRecord): { emailSubject: string; emailMessage: string; smsMessage: string } {
  const t = poolSettings(pool).AdminCreateUserConfig?.InviteMessageTemplate ?? {};
  return {
    emailSubject: t.EmailSubject ?? DEFAULT_INVITE_EMAIL_SUBJECT,
    emailMessage: t.EmailMessage ?? DEFAULT_INVITE_EMAIL_MESSAGE,
    smsMessage: t.SMSMessage ?? DEFAULT_INVITE_SMS_MESSAGE,
  };
}

/**
 * Where the invitation goes. DesiredDeliveryMediums given: each medium needs its attribute ("No email provided but
 * desired delivery medium was Email", observed). Left out, the API reference says SMS; a user without a phone number
 * then gets the email instead, and a user with neither gets no message (inferred: the AWS CLI's admin-create-user
 * with only an email attribute invites by email, and creating a user without either succeeds).
 */
export function invitationTargets(attributes: Record<string, string>, mediums: readonly DeliveryMedium[] | undefined): VerificationTarget[] {
  const email = attributes.email;
  const phone = attributes.phone_number;
  if (!mediums || !mediums.length) {
    if (phone) return [{ attribute: 'phone_number', medium: 'SMS', to: phone }];
    if (email) return [{ attribute: 'email', medium: 'EMAIL', to: email }];
    return [];
  }
  const out: VerificationTarget[] = [];
  for (const m of new Set(mediums)) {
    if (m === 'EMAIL') {
      if (!email) throw new InvalidParameterException(ADMIN_MSG.noEmail);
      out.push({ attribute: 'email', medium: 'EMAIL', to: email });
    } else {
      if (!phone) throw new InvalidParameterException(ADMIN_MSG.noPhone);
      out.push({ attribute: 'phone_number', medium: 'SMS', to: phone });
    }
  }
  return out;
}

/** How long the outbox keeps an invitation whose temporary password never expires (TemporaryPasswordValidityDays 0). */
const INVITATION_KEPT_MS = 7 * 86_400_000;

/**
 * Sends the invitation with `{username}` (the name the administrator gave, which the user signs in with) and `{####}`
 * (the temporary password). A template without `{####}` sends nothing: "If your template doesn't have this
 * placeholder, Amazon Cognito doesn't deliver the invitation message" (API reference). A failed delivery is
 * CodeDeliveryFailureException; the user stays created, as in Cognito (aws/aws-sdk#438).
 */
export async function sendInvitation(
  deps: Pick<Deps, 'delivery' | 'triggers' | 'clock' | 'config' | 'logger' | 'admin'>,
  pool: PoolRecord,
  targets: readonly VerificationTarget[],
  username: string,
  temporaryPassword: string,
  trigger?: MessageTrigger,
): Promise<void> {
  if (!targets.length) return;
  // A kept invitation lasts as long as its temporary password (the default 7 days when that never expires).
  const now = deps.clock.now();
  const expiresAt = temporaryPasswordExpiresAt(pool, now) ?? now + INVITATION_KEPT_MS;
  // A custom sender gets the temporary password (encrypted) instead of the invitation (CustomEmailSender_AdminCreateUser).
  const plain: VerificationTarget[] = [];
  for (const target of targets) {
    const sender = trigger ? customSender(pool, target.medium) : null;
    if (sender && trigger) await invokeCustomSender(deps, pool, sender, trigger, temporaryPassword);
    else plain.push(target);
  }
  if (!plain.length) return;
  // CustomMessage_AdminCreateUser may rewrite the invitation (its texts keep {username} and {####}).
  const t = trigger ? await customMessageTemplates(deps, pool, trigger, inviteTemplates(pool)) : inviteTemplates(pool);
  let failed: VerificationTarget | null = null;
  for (const target of plain) {
    const template = target.medium === 'SMS' ? t.smsMessage : t.emailMessage;
    if (!template.includes(CODE_PLACEHOLDER)) continue;
    const sent = await deps.delivery.send({
      poolId: pool.id,
      channel: target.medium === 'SMS' ? 'sms' : 'email',
      to: target.to,
      subject: target.medium === 'EMAIL' ? t.emailSubject : undefined,
      body: fillTemplate(template, { code: temporaryPassword, username }),
      expiresAt,
    });
    if (sent.error) failed ??= target;
  }
  if (failed)
    throw new CodeDeliveryFailureException(
      failed.medium === 'SMS' ? 'Invalid phone number provided/Unable to send the message.' : 'Invalid email provided/Unable to send the email',
    );
}

// ---------------------------------------------------------------------------------------------------------
// Account recovery (AdminResetUserPassword; ForgotPassword picks its channel the same way)

/** The CodeRecord purpose of password-reset codes: ConfirmForgotPassword checks codes of this purpose. */
export const RESET_CODE_PURPOSE = 'forgot';

/**
 * The verified email or phone number a password-reset code goes to, by the pool's AccountRecoverySetting: its
 * RecoveryMechanisms in Priority order, skipping the phone when the user has SMS MFA and the email when the user has
 * email MFA ("SMS doesn't qualify … if the user also has SMS multi-factor authentication (MFA) activated. Email MFA is
 * also disqualifying for account recovery with email"). Without the setting, Cognito's legacy order: "SMS is preferred
 * over email". 'admin_only' when the pool allows no self-service recovery; null when the user has no verified contact.
 */
export function recoveryTarget(pool: PoolRecord, user: UserRecord): VerificationTarget | 'admin_only' | null {
  const a = user.attributes;
  const mfa = new Set(((user.mfa as { UserMFASettingList?: string[] }).UserMFASettingList ?? []) as string[]);
  const phone: VerificationTarget | null =
    a.phone_number && a.phone_number_verified === 'true' ? { attribute: 'phone_number', medium: 'SMS', to: a.phone_number } : null;
  const email: VerificationTarget | null = a.email && a.email_verified === 'true' ? { attribute: 'email', medium: 'EMAIL', to: a.email } : null;
  const mechanisms = poolSettings(pool).AccountRecoverySetting?.RecoveryMechanisms;
  if (!mechanisms?.length) return phone ?? email;
  const ordered = [...mechanisms].sort((x, y) => x.Priority - y.Priority);
  if (ordered.some((m) => m.Name === 'admin_only')) return 'admin_only';
  for (const m of ordered) {
    if (m.Name === 'verified_phone_number' && phone && !mfa.has('SMS_MFA')) return phone;
    if (m.Name === 'verified_email' && email && !mfa.has('EMAIL_OTP')) return email;
  }
  return null;
}

/**
 * Starts a password reset: checks the user may be reset, issues a 'forgot' code (1 hour) and sends it with the pool's
 * verification message to the recovery channel. Disabled → NotAuthorizedException "User is disabled."; holding a
 * temporary password (FORCE_CHANGE_PASSWORD) → NotAuthorizedException "User password cannot be reset in the current
 * state." (as ForgotPassword, recovery.ts; an administrator replaces a temporary password with AdminCreateUser RESEND
 * or AdminSetUserPassword); no channel → InvalidParameterException. Returns where the code went and whether the
 * delivery failed.
 */
export async function sendResetCode(
  deps: Pick<Deps, 'store' | 'storedKeys' | 'random' | 'clock' | 'delivery' | 'triggers' | 'config' | 'logger' | 'admin'>,
  pool: PoolRecord,
  user: UserRecord,
  caller: TriggerCaller = { clientId: null },
): Promise<{ target: VerificationTarget; failed: boolean }> {
  if (!user.enabled) throw new NotAuthorizedException(ADMIN_MSG.disabled);
  if (user.status === 'FORCE_CHANGE_PASSWORD') throw new NotAuthorizedException(ADMIN_MSG.cannotReset);
  const target = recoveryTarget(pool, user);
  if (target === 'admin_only') throw new InvalidParameterException(ADMIN_MSG.adminOnlyRecovery);
  if (!target) throw new InvalidParameterException(ADMIN_MSG.noRecoveryContact);
  const sent = await issueAndSendResetCode(deps, pool, user, target, caller);
  return { target, failed: !!sent.error };
}

/** Issues a reset code for `user` (replacing any earlier one) and sends it to `target` with the reset message. */
export async function issueAndSendResetCode(
  deps: Pick<Deps, 'store' | 'storedKeys' | 'random' | 'clock' | 'delivery' | 'triggers' | 'config' | 'logger' | 'admin'>,
  pool: PoolRecord,
  user: UserRecord,
  target: VerificationTarget,
  caller: TriggerCaller,
  clientMetadata?: Record<string, string>,
) {
  const code = await issueCode(deps, {
    poolId: pool.id,
    username: user.username,
    purpose: RESET_CODE_PURPOSE,
    ttlMs: CODE_TTL_MS.forgot,
    data: { attribute: target.attribute, value: target.to },
  });
  // The reset message uses the pool's verification templates (Cognito's default CustomMessage_ForgotPassword text).
  return sendVerificationCode(deps, pool, target, code, { source: 'CustomMessage_ForgotPassword', user, caller, clientMetadata });
}

// ---------------------------------------------------------------------------------------------------------
// Shapes

/**
 * MFAOptions, PreferredMfaSetting and UserMFASettingList, each only when the user has one (Cognito leaves them out for
 * users without MFA), read under their AWS names from the user's MFA settings — as GetUser answers.
 */
export function mfaMembers(user: UserRecord): Pick<AdminGetUserResponse, 'MFAOptions' | 'PreferredMfaSetting' | 'UserMFASettingList'> {
  const m = user.mfa as { MFAOptions?: MFAOptionType[]; PreferredMfaSetting?: string; UserMFASettingList?: string[] };
  return {
    ...(m.MFAOptions?.length ? { MFAOptions: m.MFAOptions } : {}),
    ...(m.PreferredMfaSetting ? { PreferredMfaSetting: m.PreferredMfaSetting } : {}),
    ...(m.UserMFASettingList?.length ? { UserMFASettingList: m.UserMFASettingList } : {}),
  };
}

/** UserType (AdminCreateUser, and ListUsers' entries): dates in epoch seconds, attributes with sub first. */
export function userType(user: UserRecord): UserType {
  const { MFAOptions } = mfaMembers(user);
  return {
    Username: user.username,
    Attributes: attributeList(user),
    UserCreateDate: seconds(user.createdAt),
    UserLastModifiedDate: seconds(user.updatedAt),
    Enabled: user.enabled,
    UserStatus: user.status as UserType['UserStatus'],
    ...(MFAOptions ? { MFAOptions } : {}),
  };
}

/** AdminGetUser's answer. */
export function adminGetUserResponse(user: UserRecord): AdminGetUserResponse {
  return {
    Username: user.username,
    UserAttributes: attributeList(user),
    UserCreateDate: seconds(user.createdAt),
    UserLastModifiedDate: seconds(user.updatedAt),
    Enabled: user.enabled,
    UserStatus: user.status as AdminGetUserResponse['UserStatus'],
    ...mfaMembers(user),
  };
}
