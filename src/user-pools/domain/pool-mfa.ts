// A user pool's MFA configuration: the mode (OFF/ON/OPTIONAL) and its factors, as Get/SetUserPoolMfaConfig see them.
import { InvalidParameterException } from '../errors.ts';
import type {
  EmailMfaConfigType,
  GetUserPoolMfaConfigResponse,
  SetUserPoolMfaConfigRequest,
  SmsConfigurationType,
  SoftwareTokenMfaConfigType,
  WebAuthnConfigurationType,
} from '../shapes.ts';

import type { MfaMode, PoolMfaSettings } from '../../storage/records.ts';
export type { MfaMode, PoolMfaSettings };

/** Cognito's answers (observed: aws/aws-sdk-js#4186, lgallard/terraform-aws-cognito-user-pool#74). */
export const MFA_NONE_ENABLED = "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration.";
export const MFA_OFF_WITH_FACTOR = "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.";
/** CreateUserPool/UpdateUserPool with MFA on and no factor (observed, e.g. aws-cloudformation/cloudformation-coverage-roadmap#769). */
export const MFA_NEEDS_SMS = 'SMS configuration and Auto verification for phone_number are required when MFA is required/optional';

/**
 * MFA ON in a pool whose SignInPolicy allows a one-time code (EMAIL_OTP, SMS_OTP) as first factor: measured against
 * Cognito (us-east-1, go-to-k/cdkd#1975 and its pre-flight notes): SetUserPoolMfaConfig ON on such a pool, and
 * UpdateUserPool adding the factor to a pool at ON, are refused with this InvalidParameterException; OPTIONAL is
 * accepted. (A passwordless sign-in would be one factor only, which required MFA forbids.)
 */
export const MFA_PASSWORDLESS_FIRST_FACTOR = 'Only PASSWORD and WEB_AUTHN (if configured) can be enabled as an auth factor if MFA is enabled';

/** Refuses MfaConfiguration ON together with EMAIL_OTP or SMS_OTP among the allowed first factors. */
export function checkFirstFactorsUnderMfa(mode: MfaMode | undefined, allowedFirstFactors: readonly string[] | undefined): void {
  if (mode === 'ON' && allowedFirstFactors?.some((f) => f === 'EMAIL_OTP' || f === 'SMS_OTP'))
    throw new InvalidParameterException(MFA_PASSWORDLESS_FIRST_FACTOR);
}

/** Factors that can satisfy MFA: SMS, TOTP, email (WebAuthn is a sign-in factor here, not an MFA one). */
export function enabledFactors(m: Omit<PoolMfaSettings, 'MfaConfiguration'>): ('SMS' | 'TOTP' | 'EMAIL')[] {
  const out: ('SMS' | 'TOTP' | 'EMAIL')[] = [];
  if (m.SmsMfaEnabled) out.push('SMS');
  if (m.SoftwareTokenMfaConfiguration?.Enabled) out.push('TOTP');
  if (m.EmailMfaConfiguration) out.push('EMAIL');
  return out;
}

/** GetUserPoolMfaConfig's answer; a factor never configured is left out. */
export function mfaConfigOf(m: PoolMfaSettings): GetUserPoolMfaConfigResponse {
  const out: GetUserPoolMfaConfigResponse = {};
  if (m.SmsMfaEnabled) {
    out.SmsMfaConfiguration = {
      ...(m.SmsAuthenticationMessage !== undefined ? { SmsAuthenticationMessage: m.SmsAuthenticationMessage } : {}),
      ...(m.SmsConfiguration ? { SmsConfiguration: { ...m.SmsConfiguration } } : {}),
    };
  }
  if (m.SoftwareTokenMfaConfiguration) out.SoftwareTokenMfaConfiguration = { ...m.SoftwareTokenMfaConfiguration };
  if (m.EmailMfaConfiguration) out.EmailMfaConfiguration = { ...m.EmailMfaConfiguration };
  out.MfaConfiguration = m.MfaConfiguration;
  if (m.WebAuthnConfiguration) out.WebAuthnConfiguration = { ...m.WebAuthnConfiguration };
  return out;
}

/**
 * SetUserPoolMfaConfig. The factor configurations are replaced as a whole: one left out of the request is
 * cleared (aws/aws-sdk-js#4186: a request with only MfaConfiguration, on a pool whose SMS factor was set in
 * the console, is refused as "can't disable all MFAs"). MfaConfiguration left out keeps the pool's mode and
 * WebAuthnConfiguration left out keeps the passkey settings (both inferred: they are not MFA factors lists).
 */
export function applyMfaConfig(current: PoolMfaSettings, input: Omit<SetUserPoolMfaConfigRequest, 'UserPoolId'>): PoolMfaSettings {
  const mode = input.MfaConfiguration ?? current.MfaConfiguration;
  const next: PoolMfaSettings = {
    MfaConfiguration: mode,
    SmsConfiguration: input.SmsMfaConfiguration?.SmsConfiguration ?? current.SmsConfiguration,
    SmsAuthenticationMessage: input.SmsMfaConfiguration?.SmsAuthenticationMessage ?? current.SmsAuthenticationMessage,
    SmsMfaEnabled: input.SmsMfaConfiguration !== undefined,
    SoftwareTokenMfaConfiguration: input.SoftwareTokenMfaConfiguration,
    EmailMfaConfiguration: input.EmailMfaConfiguration,
    WebAuthnConfiguration: input.WebAuthnConfiguration ?? current.WebAuthnConfiguration,
  };
  const factors = enabledFactors(next);
  if (mode === 'OFF' && factors.length) throw new InvalidParameterException(MFA_OFF_WITH_FACTOR);
  if (mode !== 'OFF' && !factors.length) throw new InvalidParameterException(MFA_NONE_ENABLED);
  return next;
}
