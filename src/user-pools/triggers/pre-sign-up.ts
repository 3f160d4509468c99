// Pre sign-up trigger (PreSignUp_SignUp, PreSignUp_AdminCreateUser, PreSignUp_ExternalProvider): may refuse the new
// user (a throw), or answer autoConfirmUser / autoVerifyEmail / autoVerifyPhone.
import type { Deps } from '../../deps.ts';
import type { PoolRecord } from '../../storage/records.ts';
import { InvalidParameterException } from '../errors.ts';
import { booleanMember, invokeTrigger, nameValueMap, triggerEvent, type StringMap, type TriggerCaller } from './common.ts';

export type PreSignUpSource = 'PreSignUp_SignUp' | 'PreSignUp_AdminCreateUser' | 'PreSignUp_ExternalProvider';

export interface PreSignUpInput {
  source: PreSignUpSource;
  userName: string;
  caller: TriggerCaller;
  /** The attributes the new user would get (the user does not exist yet: no sub, no status). */
  userAttributes: StringMap;
  validationData?: StringMap;
  clientMetadata?: StringMap;
}

export interface PreSignUpOutcome {
  autoConfirmUser: boolean;
  autoVerifyEmail: boolean;
  autoVerifyPhone: boolean;
}

/** obs (aws/aws-sdk-java#1049); the error type is ours. */
export const AUTO_VERIFY_NEEDS_CONFIRM = 'Phone or email cannot be auto verified, when user is not being auto confirmed.';

export function preSignUpEvent(pool: PoolRecord, i: PreSignUpInput) {
  return triggerEvent(
    pool,
    i.source,
    i.userName,
    i.caller,
    { userAttributes: i.userAttributes, validationData: i.validationData ?? null, clientMetadata: i.clientMetadata ?? null },
    { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  );
}

/**
 * Runs the pool's PreSignUp function; null when there is none. autoVerify* need autoConfirmUser ("Phone or email
 * cannot be auto verified, when user is not being auto confirmed.") and the attribute to verify: "If autoVerifyEmail
 * is set to true, the email attribute must have a valid, non-null value. Otherwise an error will occur" (developer
 * guide; wording ours).
 */
export async function runPreSignUp(deps: Pick<Deps, 'triggers'>, pool: PoolRecord, i: PreSignUpInput): Promise<PreSignUpOutcome | null> {
  const r = await invokeTrigger(deps, pool, 'PreSignUp', preSignUpEvent(pool, i));
  if (!r) return null;
  const out = {
    autoConfirmUser: booleanMember(r, 'autoConfirmUser') === true,
    autoVerifyEmail: booleanMember(r, 'autoVerifyEmail') === true,
    autoVerifyPhone: booleanMember(r, 'autoVerifyPhone') === true,
  };
  if ((out.autoVerifyEmail || out.autoVerifyPhone) && !out.autoConfirmUser && i.source === 'PreSignUp_SignUp')
    throw new InvalidParameterException(AUTO_VERIFY_NEEDS_CONFIRM);
  if (out.autoVerifyEmail && !i.userAttributes.email) throw new InvalidParameterException('Cannot auto verify email: the user has no email.'); // ours
  if (out.autoVerifyPhone && !i.userAttributes.phone_number)
    throw new InvalidParameterException('Cannot auto verify phone number: the user has no phone_number.'); // ours
  return out;
}

/**
 * SignUp's and AdminCreateUser's use: runs PreSignUp for the new user's `attributes` with the request's
 * ValidationData and ClientMetadata, and returns the attributes with `email_verified` / `phone_number_verified`
 * set where the function auto-verified them, and whether it auto-confirmed the user.
 */
export async function preSignUpFor(
  deps: Pick<Deps, 'triggers'>,
  pool: PoolRecord,
  source: PreSignUpSource,
  userName: string,
  caller: TriggerCaller,
  attributes: StringMap,
  input: { ValidationData?: { Name: string; Value?: string }[]; ClientMetadata?: StringMap },
): Promise<{ attributes: StringMap; autoConfirmUser: boolean }> {
  const validationData = nameValueMap(input.ValidationData);
  const out = await runPreSignUp(deps, pool, { source, userName, caller, userAttributes: attributes, validationData, clientMetadata: input.ClientMetadata });
  const verified: StringMap = {};
  if (out?.autoVerifyEmail) verified.email_verified = 'true';
  if (out?.autoVerifyPhone) verified.phone_number_verified = 'true';
  return { attributes: { ...attributes, ...verified }, autoConfirmUser: out?.autoConfirmUser === true };
}
