// Changing and deleting the attributes of an existing user ((Admin)UpdateUserAttributes, (Admin)DeleteUserAttributes),
// and verifying email / phone number values (GetUserAttributeVerificationCode, VerifyUserAttribute).
//
// What Cognito does (API reference and developer guide unless noted):
// - A blank value deletes the attribute; DeleteUserAttributes is the same as sending the names with blank values.
// - App clients write only what their WriteAttributes allow (NotAuthorizedException "A client attempted to write
//   unauthorized attribute"); never sub, the *_verified flags or developer-only attributes. Administrators write any
//   mutable attribute, developer-only ones and the *_verified flags ("this API can also be used to mark phone and
//   email as verified").
// - Immutable attributes (schema Mutable false, e.g. sub) can be set only when the user is created.
// - A new email or phone number is unverified; when the attribute is in AutoVerifiedAttributes a code goes to the new
//   value. With UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate naming the attribute, "Amazon
//   Cognito doesn't change the value of the attribute until your user responds to the verification message and
//   confirms the new value … Your user can sign in and receive messages with the original attribute value until they
//   verify the new value"; VerifyUserAttribute, or AdminUpdateUserAttributes setting <attr>_verified true, applies it.
//   The pending value lives in the verification code's data (CodeRecord.data), never in the user's attributes.
// - A value that becomes verified must not be another user's verified alias: AliasExistsException "An account with
//   the email already exists." (observed).
//
// Error texts. Observed: "user.custom:x: Attribute does not exist in the schema.\n" one line per attribute
// (amplify-flutter#1531, UpdateUserAttributes); "user.email: Attribute cannot be updated.\n" (amplify-swift#3981,
// amplify-js#3526); "user.email: Required attribute cannot be deleted." (aws-sdk-ios#4251). As getmoto/moto and
// jagregory/cognito-local answer them (not confirmed against Cognito): "Email is required to verify/un-verify an
// email", "Phone Number is required to verify/un-verify a phone number". Constraint violations and email / phone
// formats are checked by attributes.ts with SignUp's wordings (Cognito's wording on updates was not found).
import type { Deps } from '../../deps.ts';
import type { ClientRecord, CodeRecord, PoolRecord, UserRecord } from '../../storage/records.ts';
import { AliasExistsException, InvalidParameterException } from '../errors.ts';
import type { AttributeType, CodeDeliveryDetailsType, SchemaAttributeType } from '../shapes.ts';
import { adminUserAttributes } from './admin-users.ts';
import { checkClientWritable } from './attributes.ts';
import { CODE_TTL_MS, issueCode } from './codes.ts';
import { codeDeliveryDetails, deliveryFailure, sendVerificationCode, type VerificationTarget } from './messages.ts';
import type { TriggerCaller } from '../triggers/common.ts';
import type { MessageTrigger } from '../triggers/custom-message.ts';
import { poolSettings } from './pools.ts';
import { changeUser, claimAlias } from './sign-up.ts';
import { isCaseInsensitive } from './usernames.ts';
import { userNotFound } from './users.ts';

export type VerifiableAttribute = 'email' | 'phone_number';
export const VERIFIABLE: readonly VerifiableAttribute[] = ['email', 'phone_number'];
export const isVerifiable = (name: string): name is VerifiableAttribute => name === 'email' || name === 'phone_number';

/** The code purpose of an attribute verification (CodeRecord.purpose). */
export const verifyPurpose = (attr: VerifiableAttribute) => `verify:${attr}`;

/** What a verification code is for (CodeRecord.data). */
export interface VerificationData {
  /** The value the code was sent to. */
  value: string;
  /** True when the value is not the user's yet (AttributesRequireVerificationBeforeUpdate): verifying applies it. */
  pending: boolean;
}

export function verificationData(record: CodeRecord | null): VerificationData | null {
  const d = record?.data;
  return d && typeof d.value === 'string' ? { value: d.value, pending: d.pending === true } : null;
}

/** Who writes: an app client on behalf of its signed-in user, or an administrator. */
export type Writer = { kind: 'client'; client: ClientRecord } | { kind: 'admin' };

const VERIFIED_FLAGS: Record<string, VerifiableAttribute> = { email_verified: 'email', phone_number_verified: 'phone_number' };
const MSG_VERIFY_NEEDS = {
  email: 'Email is required to verify/un-verify an email',
  phone_number: 'Phone Number is required to verify/un-verify a phone number',
} as const;

/** InvalidParameterException with one "user.<name>: <problem>\n" line per problem. */
const updateError = (lines: readonly string[]) => new InvalidParameterException(lines.map((l) => `user.${l}\n`).join(''));

/** The result of applying a request to a user, before anything is stored. */
export interface AttributePlan {
  /** The user's attributes afterwards. */
  attributes: Record<string, string>;
  /** Codes to send: to the new value of a changed email / phone number, pending or applied. */
  verify: { attribute: VerifiableAttribute; value: string; pending: boolean }[];
  /** Verification codes that no longer mean anything (their value was replaced, deleted or applied). */
  dropCodes: VerifiableAttribute[];
  /** Values that become verified by this request: they must not be another user's verified alias. */
  claims: { attribute: VerifiableAttribute; value: string }[];
}

/**
 * Checks a request's attributes and works out what it does to `user` (pure; `pending` are the values awaiting
 * verification, from the users' verification codes). Throws Cognito's errors; see the top of this file.
 */
export function planAttributeChange(
  pool: PoolRecord,
  user: UserRecord,
  given: readonly AttributeType[],
  writer: Writer,
  pending: Partial<Record<VerifiableAttribute, string>> = {},
): AttributePlan {
  const request = new Map<string, string>();
  for (const a of given) request.set(a.Name, a.Value ?? '');
  const names = [...request.keys()];
  if (writer.kind === 'client') checkClientWritable(writer.client, names);

  const s = poolSettings(pool);
  const schema = new Map<string, SchemaAttributeType>(s.SchemaAttributes.map((a) => [a.Name!, a]));
  const unknown: string[] = [];
  const immutable: string[] = [];
  for (const name of names) {
    const entry = schema.get(name);
    if (!entry) unknown.push(`${name}: Attribute does not exist in the schema.`);
    // Immutable attributes are written only at creation (even ones the user never had).
    else if (entry.Mutable === false) immutable.push(`${name}: Attribute cannot be updated.`);
  }
  if (unknown.length || immutable.length) throw updateError([...unknown, ...immutable]);

  const cleared = names.filter((n) => request.get(n) === '');
  const required = cleared.find((n) => schema.get(n)!.Required);
  if (required) throw new InvalidParameterException(`user.${required}: Required attribute cannot be deleted.`);

  // Values: the schema's constraints, the email / phone formats and the verified flags ('true' / 'false', any case),
  // checked as for a user an administrator creates (admin-users.ts; nothing required: the user's other attributes
  // are not in the request). App clients never get this far with a flag or a developer-only attribute.
  const nonBlank = names.filter((n) => request.get(n) !== '').map((Name) => ({ Name, Value: request.get(Name)! }));
  const values = adminUserAttributes(pool, nonBlank, {});
  const flags = new Map<VerifiableAttribute, string>();
  for (const [flagName, attr] of Object.entries(VERIFIED_FLAGS)) if (values[flagName] !== undefined) flags.set(attr, values[flagName]!);

  const attributes = { ...user.attributes };
  const plan: AttributePlan = { attributes, verify: [], dropCodes: [], claims: [] };
  const auto = s.AutoVerifiedAttributes ?? [];
  const beforeUpdate = s.UserAttributeUpdateSettings?.AttributesRequireVerificationBeforeUpdate ?? [];

  for (const name of names) {
    const value = values[name] ?? '';
    if (VERIFIED_FLAGS[name]) {
      if (value === '') delete attributes[name]; // a set flag is applied with its attribute below
      continue;
    }
    if (value === '') {
      delete attributes[name];
      if (isVerifiable(name)) {
        delete attributes[`${name}_verified`];
        plan.dropCodes.push(name);
      }
      continue;
    }
    if (!isVerifiable(name)) {
      attributes[name] = value;
      continue;
    }
    const flag = flags.get(name);
    if (user.attributes[name] === value && flag === undefined) {
      // Unchanged: nothing to verify, and a different value awaiting verification is given up.
      if (pending[name] !== undefined) plan.dropCodes.push(name);
      continue;
    }
    if (flag !== undefined) {
      // An administrator says whether the new value is verified: no code.
      attributes[name] = value;
      attributes[`${name}_verified`] = flag;
      plan.dropCodes.push(name);
      if (flag === 'true') plan.claims.push({ attribute: name, value });
    } else if (beforeUpdate.includes(name) && user.attributes[name] && user.attributes[`${name}_verified`] === 'true') {
      // The verified value stays (and keeps signing the user in) until the new one is verified. Inferred: with no
      // verified value to keep, the new one applies at once, unverified.
      plan.verify.push({ attribute: name, value, pending: true });
    } else {
      attributes[name] = value;
      attributes[`${name}_verified`] = 'false';
      if (auto.includes(name)) plan.verify.push({ attribute: name, value, pending: false });
      else plan.dropCodes.push(name);
    }
  }

  // *_verified flags without a new value (administrators only).
  for (const [attr, flag] of flags) {
    if (request.has(attr)) continue;
    const waiting = pending[attr];
    if (flag === 'true' && waiting !== undefined) {
      // Marking verified applies the value awaiting verification (API reference, UserAttributeUpdateSettingsType).
      attributes[attr] = waiting;
      attributes[`${attr}_verified`] = 'true';
      plan.dropCodes.push(attr);
      plan.claims.push({ attribute: attr, value: waiting });
      continue;
    }
    if (!attributes[attr] || request.get(attr) === '') throw new InvalidParameterException(MSG_VERIFY_NEEDS[attr]);
    attributes[`${attr}_verified`] = flag;
    if (flag === 'true' && user.attributes[`${attr}_verified`] !== 'true') plan.claims.push({ attribute: attr, value: attributes[attr]! });
  }
  return plan;
}

/** The values of `user` awaiting verification (from their verification codes). */
export async function pendingValues(deps: Pick<Deps, 'store'>, user: UserRecord): Promise<Partial<Record<VerifiableAttribute, string>>> {
  const out: Partial<Record<VerifiableAttribute, string>> = {};
  for (const attr of VERIFIABLE) {
    const d = verificationData(await deps.store.codes.get(user.poolId, user.username, verifyPurpose(attr)));
    if (d?.pending) out[attr] = d.value;
  }
  return out;
}

/**
 * In pools that sign users in with email / phone number (UsernameAttributes), a value names one account whether
 * verified or not: changing to another user's value is AliasExistsException (inferred from SignUp's
 * UsernameExistsException for the same case). Checked for values that change without becoming verified.
 */
async function checkUsernameAttributes(deps: Pick<Deps, 'store'>, pool: PoolRecord, user: UserRecord, next: Record<string, string>): Promise<void> {
  for (const attr of poolSettings(pool).UsernameAttributes ?? []) {
    const value = next[attr];
    if (!value || value === user.attributes[attr]) continue;
    const holders = await deps.store.users.findByAttribute(pool.id, attr, value, attr === 'email' || isCaseInsensitive(pool));
    if (holders.some((u) => u.usernameKey !== user.usernameKey)) throw new AliasExistsException(`An account with the ${attr} already exists.`);
  }
}

export interface ChangeOutcome {
  user: UserRecord;
  /** One entry per code sent (UpdateUserAttributes' CodeDeliveryDetailsList). */
  deliveries: CodeDeliveryDetailsType[];
}

/**
 * Applies a request to the user: checks, stores the attributes (optimistically, re-planning on a lost race), then
 * issues and sends the verification codes. `failOnDelivery`: a code that could not be sent is
 * CodeDeliveryFailureException (UpdateUserAttributes declares it; AdminUpdateUserAttributes does not).
 */
export async function changeAttributes(
  deps: Deps,
  pool: PoolRecord,
  user: UserRecord,
  given: readonly AttributeType[],
  writer: Writer,
  o: { failOnDelivery: boolean; caller?: TriggerCaller; clientMetadata?: Record<string, string> },
): Promise<ChangeOutcome> {
  const pending = await pendingValues(deps, user);
  const first = planAttributeChange(pool, user, given, writer, pending);
  for (const c of first.claims) await claimAlias(deps, pool, user, c.attribute, c.value, false);
  await checkUsernameAttributes(deps, pool, user, first.attributes);

  let plan = first;
  const stored = await changeUser(deps, pool, user.usernameKey, (u) => {
    plan = u.version === user.version ? first : planAttributeChange(pool, u, given, writer, pending);
    return { attributes: plan.attributes };
  });
  if (!stored) throw userNotFound();

  for (const attr of new Set(plan.dropCodes)) await deps.store.codes.delete(pool.id, stored.username, verifyPurpose(attr));
  const deliveries: CodeDeliveryDetailsType[] = [];
  for (const v of plan.verify) {
    const target = targetOf(v.attribute, v.value);
    const sent = await sendAttributeCode(deps, pool, stored, target, v.pending, {
      source: 'CustomMessage_UpdateUserAttribute',
      user: stored,
      caller: o.caller ?? { clientId: null },
      clientMetadata: o.clientMetadata,
    });
    if (sent) deliveries.push(codeDeliveryDetails(target));
    else if (o.failOnDelivery) throw deliveryFailure(target);
  }
  return { user: stored, deliveries };
}

export function targetOf(attribute: VerifiableAttribute, to: string): VerificationTarget {
  return { attribute, medium: attribute === 'email' ? 'EMAIL' : 'SMS', to };
}

/** Issues a verification code for `target` (replacing the live one) and sends it; false when it could not be sent. */
export async function sendAttributeCode(
  deps: Deps,
  pool: PoolRecord,
  user: UserRecord,
  target: VerificationTarget,
  pending: boolean,
  trigger?: MessageTrigger,
): Promise<boolean> {
  const data: VerificationData = { value: target.to, pending };
  const code = await issueCode(deps, {
    poolId: pool.id,
    username: user.username,
    purpose: verifyPurpose(target.attribute),
    ttlMs: CODE_TTL_MS.verify,
    data: { ...data },
  });
  const sent = await sendVerificationCode(deps, pool, target, code, trigger);
  return !sent.error;
}

/**
 * Marks `value` verified for `attr` (VerifyUserAttribute): applies a pending value, or verifies the current one if
 * it is still the value the code went to. The value must not be another user's verified alias. Returns null when the
 * current value is no longer the one the code was for.
 */
export async function markVerified(
  deps: Pick<Deps, 'store' | 'clock'>,
  pool: PoolRecord,
  user: UserRecord,
  attr: VerifiableAttribute,
  data: VerificationData,
): Promise<UserRecord | null> {
  if (!data.pending && user.attributes[attr] !== data.value) return null;
  await claimAlias(deps, pool, user, attr, data.value, false);
  if (data.pending) await checkUsernameAttributes(deps, pool, user, { ...user.attributes, [attr]: data.value });
  let stale = false;
  const out = await changeUser(deps, pool, user.usernameKey, (u) => {
    if (!data.pending && u.attributes[attr] !== data.value) {
      stale = true;
      return {};
    }
    return { attributes: { ...u.attributes, [attr]: data.value, [`${attr}_verified`]: 'true' } };
  });
  if (!out) throw userNotFound();
  return stale ? null : out;
}
