// User pool rules: ids, ARNs, lookups, the settings Create/UpdateUserPool leave a pool with, and the UserPoolType it describes as.
import type { Deps } from '../../deps.ts';
import type { DomainRecord, PoolRecord, PoolSettings, StoredPoolSettings } from '../../storage/records.ts';
import { ALNUM } from '../../runtime/random.ts';
import { InvalidParameterException, ResourceNotFoundException, TooManyRequestsException } from '../errors.ts';
import type {
  AccountRecoverySettingType,
  AdminCreateUserConfigType,
  CreateUserPoolRequest,
  DeviceConfigurationType,
  EmailConfigurationType,
  LambdaConfigType,
  PasswordPolicyType,
  SchemaAttributeType,
  SignInPolicyType,
  UpdateUserPoolRequest,
  UserAttributeUpdateSettingsType,
  UserPoolAddOnsType,
  UserPoolDescriptionType,
  UserPoolType,
  UsernameConfigurationType,
  VerificationMessageTemplateType,
} from '../shapes.ts';
import { buildSchema, STANDARD_SCHEMA } from './pool-schema.ts';
import { checkFirstFactorsUnderMfa, enabledFactors, MFA_NEEDS_SMS } from './pool-mfa.ts';
import type { PoolMfaSettings } from '../../storage/records.ts';

/** User pools per account and Region (quotas page: 1,000). */
export const MAX_POOLS = 1000;
/** Tags per user pool (AWS tagging limit: 50 user-defined tags per resource). */
export const MAX_TAGS = 50;

/** `<region>_` + 9 alphanumerics: amazon-cognito-identity-js checks /^[\w-]+_[0-9a-zA-Z]+$/. */
export function newPoolId(deps: Pick<Deps, 'config' | 'random'>): string {
  return `${deps.config.region}_${deps.random.string(9, ALNUM)}`;
}

export function poolArn(deps: Pick<Deps, 'config'>, poolId: string): string {
  return `arn:aws:cognito-idp:${deps.config.region}:${deps.config.accountId}:userpool/${poolId}`;
}

/** Observed Cognito answer for an unknown pool. */
export function poolNotFound(poolId: string): Error {
  return new ResourceNotFoundException(`User pool ${poolId} does not exist.`);
}

export async function getPool(deps: Pick<Deps, 'store'>, poolId: string): Promise<PoolRecord> {
  const pool = await deps.store.pools.get(poolId);
  if (!pool) throw poolNotFound(poolId);
  return pool;
}

/**
 * Applies `change` to the pool with the store's optimistic update, re-reading and re-applying when another
 * request wrote the pool in between. For additive changes (custom attributes, tags), whose operations
 * declare no ConcurrentModificationException; after `attempts` lost races the caller is asked to retry.
 */
export async function changePool(
  deps: Pick<Deps, 'store'>,
  poolId: string,
  change: (pool: PoolRecord) => Pick<PoolRecord, 'settings' | 'tags' | 'updatedAt'>,
  attempts = 5,
): Promise<PoolRecord> {
  for (let i = 0; i < attempts; i++) {
    const pool = await getPool(deps, poolId);
    const next = { ...pool, ...change(pool), version: pool.version + 1 };
    if (await deps.store.pools.update(next)) return next;
  }
  throw new TooManyRequestsException('Too many concurrent changes to this user pool; retry.'); // wording ours
}

/** The pool id an ARN names, or null when it is not a user pool ARN. */
export function poolIdOfArn(arn: string): string | null {
  const m = /^arn:[\w-]+:cognito-idp:[\w-]+:\d+:userpool\/([\w-]+_[0-9a-zA-Z]+)$/.exec(arn);
  return m ? m[1]! : null;
}

/** The pool a tagging request's ResourceArn names; it must be this account's ARN of an existing pool. */
export async function getPoolByArn(deps: Pick<Deps, 'store'>, arn: string): Promise<PoolRecord> {
  const id = poolIdOfArn(arn);
  const pool = id ? await deps.store.pools.get(id) : null;
  // Wording ours: Cognito's text for a tagging call on a missing resource was not found.
  if (!pool || pool.arn !== arn) throw new ResourceNotFoundException(`Resource ${arn} does not exist.`);
  return pool;
}

/** Epoch seconds with millisecond fraction, as Cognito's timestamps. */
export const seconds = (ms: number) => ms / 1000;

// ---------------------------------------------------------------------------------------------------------
// Settings

export type { PoolSettings } from '../../storage/records.ts';

/** The members UpdateUserPool sets (and, left out, resets to their defaults). */
type Updatable = Pick<
  CreateUserPoolRequest,
  | 'Policies'
  | 'DeletionProtection'
  | 'LambdaConfig'
  | 'AutoVerifiedAttributes'
  | 'SmsVerificationMessage'
  | 'EmailVerificationMessage'
  | 'EmailVerificationSubject'
  | 'VerificationMessageTemplate'
  | 'SmsAuthenticationMessage'
  | 'UserAttributeUpdateSettings'
  | 'MfaConfiguration'
  | 'DeviceConfiguration'
  | 'EmailConfiguration'
  | 'SmsConfiguration'
  | 'AdminCreateUserConfig'
  | 'UserPoolAddOns'
  | 'AccountRecoverySetting'
>;

/** Cognito's password policy when none is given (console and API default). */
export const DEFAULT_PASSWORD_POLICY: Required<Omit<PasswordPolicyType, 'PasswordHistorySize'>> = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
  TemporaryPasswordValidityDays: 7,
};

/**
 * A given PasswordPolicy keeps what it says; booleans left out are false (BooleanType, not boxed, in the
 * model; boto/boto3#2516 shows such a pool), the length 8 and temporary passwords 7 days.
 */
function passwordPolicy(p: PasswordPolicyType | undefined): PasswordPolicyType {
  if (!p) return { ...DEFAULT_PASSWORD_POLICY };
  return {
    MinimumLength: p.MinimumLength ?? 8,
    RequireUppercase: p.RequireUppercase ?? false,
    RequireLowercase: p.RequireLowercase ?? false,
    RequireNumbers: p.RequireNumbers ?? false,
    RequireSymbols: p.RequireSymbols ?? false,
    ...(p.PasswordHistorySize !== undefined ? { PasswordHistorySize: p.PasswordHistorySize } : {}),
    TemporaryPasswordValidityDays: p.TemporaryPasswordValidityDays ?? 7,
  };
}

const copy = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

/**
 * The legacy message members and VerificationMessageTemplate name the same settings; Cognito fills each
 * from the other (inferred from the API reference: the template "replaces" the legacy members).
 */
function messages(i: Updatable): Pick<PoolSettings, 'SmsVerificationMessage' | 'EmailVerificationMessage' | 'EmailVerificationSubject' | 'VerificationMessageTemplate'> {
  const t: VerificationMessageTemplateType = { ...i.VerificationMessageTemplate };
  const SmsVerificationMessage = i.SmsVerificationMessage ?? t.SmsMessage;
  const EmailVerificationMessage = i.EmailVerificationMessage ?? t.EmailMessage;
  const EmailVerificationSubject = i.EmailVerificationSubject ?? t.EmailSubject;
  const template: VerificationMessageTemplateType = {
    ...(SmsVerificationMessage !== undefined ? { SmsMessage: t.SmsMessage ?? SmsVerificationMessage } : {}),
    ...(EmailVerificationMessage !== undefined ? { EmailMessage: t.EmailMessage ?? EmailVerificationMessage } : {}),
    ...(EmailVerificationSubject !== undefined ? { EmailSubject: t.EmailSubject ?? EmailVerificationSubject } : {}),
    ...(t.EmailMessageByLink !== undefined ? { EmailMessageByLink: t.EmailMessageByLink } : {}),
    ...(t.EmailSubjectByLink !== undefined ? { EmailSubjectByLink: t.EmailSubjectByLink } : {}),
    DefaultEmailOption: t.DefaultEmailOption ?? 'CONFIRM_WITH_CODE',
  };
  return { SmsVerificationMessage, EmailVerificationMessage, EmailVerificationSubject, VerificationMessageTemplate: template };
}

/** The updatable members with Cognito's defaults for those left out (COGNITO-API.md §9.5). */
function updatableSettings(i: Updatable): Omit<PoolSettings, 'SchemaAttributes' | 'UserPoolTier' | 'MfaConfiguration'> & {
  MfaConfiguration: PoolSettings['MfaConfiguration'];
} {
  return {
    Policies: {
      PasswordPolicy: passwordPolicy(i.Policies?.PasswordPolicy),
      SignInPolicy: copy(i.Policies?.SignInPolicy) ?? { AllowedFirstAuthFactors: ['PASSWORD'] },
    },
    DeletionProtection: i.DeletionProtection ?? 'INACTIVE',
    LambdaConfig: copy(i.LambdaConfig) ?? {},
    AutoVerifiedAttributes: copy(i.AutoVerifiedAttributes),
    ...messages(i),
    SmsAuthenticationMessage: i.SmsAuthenticationMessage,
    UserAttributeUpdateSettings: copy(i.UserAttributeUpdateSettings),
    MfaConfiguration: i.MfaConfiguration ?? 'OFF',
    DeviceConfiguration: copy(i.DeviceConfiguration),
    EmailConfiguration: { ...i.EmailConfiguration, EmailSendingAccount: i.EmailConfiguration?.EmailSendingAccount ?? 'COGNITO_DEFAULT' },
    SmsConfiguration: copy(i.SmsConfiguration),
    AdminCreateUserConfig: {
      AllowAdminCreateUserOnly: i.AdminCreateUserConfig?.AllowAdminCreateUserOnly ?? false,
      UnusedAccountValidityDays: i.AdminCreateUserConfig?.UnusedAccountValidityDays ?? 7,
      ...(i.AdminCreateUserConfig?.InviteMessageTemplate ? { InviteMessageTemplate: { ...i.AdminCreateUserConfig.InviteMessageTemplate } } : {}),
    },
    UserPoolAddOns: copy(i.UserPoolAddOns),
    AccountRecoverySetting: copy(i.AccountRecoverySetting),
  };
}

/**
 * MFA ON/OPTIONAL needs a factor. At creation only SMS can be one (TOTP and email are set with
 * SetUserPoolMfaConfig afterwards), so Cognito asks for an SmsConfiguration; on update a factor set
 * before counts too. The auto-verification half of Cognito's message is not enforced (inferred).
 * MFA ON allows no passwordless first factor (pool-mfa.ts checkFirstFactorsUnderMfa).
 */
function checkMfa(s: PoolMfaSettings & Pick<PoolSettings, 'Policies'>): void {
  if (s.MfaConfiguration !== 'OFF' && !enabledFactors(s).length) throw new InvalidParameterException(MFA_NEEDS_SMS);
  // Measured for UpdateUserPool; CreateUserPool is taken to answer alike (inferred).
  checkFirstFactorsUnderMfa(s.MfaConfiguration, s.Policies?.SignInPolicy?.AllowedFirstAuthFactors);
}

/** Cognito's answer, as quoted by a policy linter (not confirmed by a capture). */
export const ALIAS_AND_USERNAME = 'Only one of the aliasAttributes or usernameAttributes can be set in a User pool.';

export function checkTags(tags: Record<string, string>): void {
  const n = Object.keys(tags).length;
  // Wording ours (Cognito's text for too many tags was not found).
  if (n > MAX_TAGS) throw new InvalidParameterException(`A user pool can have at most ${MAX_TAGS} tags; the request gives ${n}.`);
}

/** The settings CreateUserPool leaves a pool with; throws Cognito's InvalidParameterException for bad combinations. */
export function createSettings(input: Omit<CreateUserPoolRequest, 'PoolName' | 'UserPoolTags'>): PoolSettings {
  if (input.AliasAttributes?.length && input.UsernameAttributes?.length) throw new InvalidParameterException(ALIAS_AND_USERNAME);
  const u = updatableSettings(input);
  const s: PoolSettings = {
    ...u,
    SchemaAttributes: buildSchema(input.Schema),
    AliasAttributes: copy(input.AliasAttributes),
    UsernameAttributes: copy(input.UsernameAttributes),
    UsernameConfiguration: copy(input.UsernameConfiguration),
    UserPoolTier: input.UserPoolTier ?? 'ESSENTIALS',
    // With MFA on at creation, SMS is the factor (the only one CreateUserPool can configure).
    SmsMfaEnabled: u.MfaConfiguration !== 'OFF' && u.SmsConfiguration !== undefined,
  };
  checkMfa(s);
  return s;
}

/**
 * The settings UpdateUserPool leaves a pool with. As the API reference says, "If you don't provide a value
 * for an attribute, it will be set to the default value": every updatable member left out goes back to its
 * default. Kept as they were: the schema, UsernameAttributes, AliasAttributes, UsernameConfiguration (not
 * updatable), the TOTP/email/WebAuthn factors (SetUserPoolMfaConfig's), and UserPoolTier when left out
 * (a billing plan is not reset by omission; inferred).
 */
export function updateSettings(current: PoolSettings, input: Omit<UpdateUserPoolRequest, 'UserPoolId' | 'PoolName' | 'UserPoolTags'>): PoolSettings {
  const u = updatableSettings(input);
  const s: PoolSettings = {
    ...u,
    SchemaAttributes: current.SchemaAttributes,
    AliasAttributes: current.AliasAttributes,
    UsernameAttributes: current.UsernameAttributes,
    UsernameConfiguration: current.UsernameConfiguration,
    UserPoolTier: input.UserPoolTier ?? current.UserPoolTier,
    SmsMfaEnabled: u.SmsConfiguration !== undefined && (current.SmsMfaEnabled === true || u.MfaConfiguration !== 'OFF'),
    SoftwareTokenMfaConfiguration: current.SoftwareTokenMfaConfiguration,
    EmailMfaConfiguration: current.EmailMfaConfiguration,
    WebAuthnConfiguration: current.WebAuthnConfiguration,
  };
  checkMfa(s);
  return s;
}

/** Settings as createSettings/updateSettings write them (every defaulted member present). */
function isComplete(s: StoredPoolSettings): s is PoolSettings {
  return Array.isArray(s.SchemaAttributes) && !!s.Policies && !!s.VerificationMessageTemplate;
}

/**
 * A pool's settings with every default in place. A record whose settings were not written by
 * createSettings (raw CreateUserPool members, or `{}` from a test fixture) reads as a pool created with
 * those members; a Schema that would be refused reads as the standard schema.
 */
export function poolSettings(pool: PoolRecord): PoolSettings {
  const s = pool.settings;
  if (isComplete(s)) return s;
  const u = updatableSettings(s);
  return {
    ...u,
    SchemaAttributes: s.SchemaAttributes ?? buildSchema(undefined),
    AliasAttributes: s.AliasAttributes,
    UsernameAttributes: s.UsernameAttributes,
    UsernameConfiguration: s.UsernameConfiguration,
    UserPoolTier: s.UserPoolTier ?? 'ESSENTIALS',
    SmsMfaEnabled: s.SmsMfaEnabled ?? (u.MfaConfiguration !== 'OFF' && u.SmsConfiguration !== undefined),
    SoftwareTokenMfaConfiguration: s.SoftwareTokenMfaConfiguration,
    EmailMfaConfiguration: s.EmailMfaConfiguration,
    WebAuthnConfiguration: s.WebAuthnConfiguration,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Descriptions

export interface DescribeExtras {
  /** The pool's domains (a prefix one shows as Domain, a custom one as CustomDomain). */
  domains?: readonly DomainRecord[];
  estimatedNumberOfUsers?: number;
}

const present = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The UserPoolType DescribeUserPool, CreateUserPool answer: modelled members only, in the model's order. */
export function describePool(pool: PoolRecord, extras: DescribeExtras = {}): UserPoolType {
  const s = poolSettings(pool);
  const prefix = extras.domains?.find((d) => !d.custom);
  const custom = extras.domains?.find((d) => d.custom);
  return present<UserPoolType>({
    Id: pool.id,
    Name: pool.name,
    Policies: copy(s.Policies),
    DeletionProtection: s.DeletionProtection,
    LambdaConfig: copy(s.LambdaConfig),
    LastModifiedDate: seconds(pool.updatedAt),
    CreationDate: seconds(pool.createdAt),
    SchemaAttributes: copy(s.SchemaAttributes),
    AutoVerifiedAttributes: copy(s.AutoVerifiedAttributes),
    AliasAttributes: copy(s.AliasAttributes),
    UsernameAttributes: copy(s.UsernameAttributes),
    SmsVerificationMessage: s.SmsVerificationMessage,
    EmailVerificationMessage: s.EmailVerificationMessage,
    EmailVerificationSubject: s.EmailVerificationSubject,
    VerificationMessageTemplate: copy(s.VerificationMessageTemplate),
    SmsAuthenticationMessage: s.SmsAuthenticationMessage,
    UserAttributeUpdateSettings: copy(s.UserAttributeUpdateSettings),
    MfaConfiguration: s.MfaConfiguration,
    DeviceConfiguration: copy(s.DeviceConfiguration),
    EstimatedNumberOfUsers: extras.estimatedNumberOfUsers ?? 0,
    EmailConfiguration: copy(s.EmailConfiguration),
    SmsConfiguration: copy(s.SmsConfiguration),
    UserPoolTags: Object.keys(pool.tags).length ? { ...pool.tags } : undefined,
    Domain: prefix?.domain,
    CustomDomain: custom?.domain,
    AdminCreateUserConfig: copy(s.AdminCreateUserConfig),
    UserPoolAddOns: copy(s.UserPoolAddOns),
    UsernameConfiguration: copy(s.UsernameConfiguration),
    Arn: pool.arn,
    AccountRecoverySetting: copy(s.AccountRecoverySetting),
    UserPoolTier: s.UserPoolTier,
  });
}

/** ListUserPools' short form (Status is deprecated and left out). */
export function describePoolBriefly(pool: PoolRecord): UserPoolDescriptionType {
  return {
    Id: pool.id,
    Name: pool.name,
    LambdaConfig: copy(poolSettings(pool).LambdaConfig),
    LastModifiedDate: seconds(pool.updatedAt),
    CreationDate: seconds(pool.createdAt),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Deletion

/** Observed answers (aws-cli / localstack#11947; terraform-provider-aws#16479). */
export const DELETION_PROTECTED =
  'The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.';
export const HAS_DOMAIN = 'User pool cannot be deleted. It has a domain configured that should be deleted first.';

export function checkDeletable(pool: PoolRecord, domains: readonly DomainRecord[]): void {
  if (poolSettings(pool).DeletionProtection === 'ACTIVE') throw new InvalidParameterException(DELETION_PROTECTED);
  if (domains.length) throw new InvalidParameterException(HAS_DOMAIN);
}
