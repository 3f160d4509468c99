// Records as Cognate stores them: our own shapes, normalised for the queries the domain makes.
// Times are epoch milliseconds. Settings documents hold a resource's configuration, never wire responses.

import type {
  AccountRecoverySettingType,
  AdminCreateUserConfigType,
  CustomDomainConfigType,
  DeviceConfigurationType,
  EmailConfigurationType,
  EmailMfaConfigType,
  LambdaConfigType,
  PasswordPolicyType,
  SchemaAttributeType,
  SignInPolicyType,
  SmsConfigurationType,
  SoftwareTokenMfaConfigType,
  UserAttributeUpdateSettingsType,
  UserPoolAddOnsType,
  UserPoolClientType,
  UserPoolPolicyType,
  UsernameConfigurationType,
  VerificationMessageTemplateType,
  WebAuthnConfigurationType,
} from '../user-pools/shapes.ts';

export type MfaMode = 'OFF' | 'ON' | 'OPTIONAL';

/** The MFA part of a pool's settings. SMS MFA reuses the pool's SmsConfiguration and SmsAuthenticationMessage. */
export interface PoolMfaSettings {
  MfaConfiguration: MfaMode;
  SmsConfiguration?: SmsConfigurationType;
  SmsAuthenticationMessage?: string;
  /** Whether SMS is an MFA factor (SetUserPoolMfaConfig's SmsMfaConfiguration, or CreateUserPool with MFA and SMS). */
  SmsMfaEnabled?: boolean;
  SoftwareTokenMfaConfiguration?: SoftwareTokenMfaConfigType;
  EmailMfaConfiguration?: EmailMfaConfigType;
  WebAuthnConfiguration?: WebAuthnConfigurationType;
}

/**
 * A pool's configuration in AWS member names with Cognito's defaults filled in, plus the MFA factors: what
 * createSettings/updateSettings (user-pools/domain/pools.ts) write. Never the wire response.
 */
export interface PoolSettings extends PoolMfaSettings {
  Policies: { PasswordPolicy: PasswordPolicyType; SignInPolicy: SignInPolicyType };
  DeletionProtection: 'ACTIVE' | 'INACTIVE';
  LambdaConfig: LambdaConfigType;
  /** Standard attributes first, then custom ones under their full names (`custom:x`, `dev:custom:x`). */
  SchemaAttributes: SchemaAttributeType[];
  AutoVerifiedAttributes?: ('phone_number' | 'email')[];
  AliasAttributes?: ('phone_number' | 'email' | 'preferred_username')[];
  UsernameAttributes?: ('phone_number' | 'email')[];
  SmsVerificationMessage?: string;
  EmailVerificationMessage?: string;
  EmailVerificationSubject?: string;
  VerificationMessageTemplate: VerificationMessageTemplateType;
  UserAttributeUpdateSettings?: UserAttributeUpdateSettingsType;
  DeviceConfiguration?: DeviceConfigurationType;
  EmailConfiguration: EmailConfigurationType;
  AdminCreateUserConfig: AdminCreateUserConfigType;
  UserPoolAddOns?: UserPoolAddOnsType;
  UsernameConfiguration?: UsernameConfigurationType;
  AccountRecoverySetting?: AccountRecoverySettingType;
  UserPoolTier: 'LITE' | 'ESSENTIALS' | 'PLUS';
}

/**
 * PoolRecord.settings as stored: PoolSettings when Cognate wrote them, but a record written another way (a
 * fixture's `{}`, or an older record) may lack members; poolSettings(pool) reads it with every default in place.
 */
export type StoredPoolSettings = Partial<Omit<PoolSettings, 'Policies'>> & { Policies?: UserPoolPolicyType };

/** The members of Create/UpdateUserPoolClient that make up a client's stored configuration (AWS names). */
export type ClientSettings = Omit<UserPoolClientType, 'UserPoolId' | 'ClientName' | 'ClientId' | 'ClientSecret' | 'LastModifiedDate' | 'CreationDate'>;

/** What a DomainRecord's settings hold (other members are kept as stored; Cognate writes none). */
export interface DomainSettings {
  ManagedLoginVersion?: number;
  CustomDomainConfig?: CustomDomainConfigType;
  [member: string]: unknown;
}

export interface PoolRecord {
  id: string;
  name: string;
  arn: string;
  createdAt: number;
  updatedAt: number;
  /** Bumped on every update; updates are conditional on it (optimistic concurrency across processes). */
  version: number;
  settings: StoredPoolSettings;
  tags: Record<string, string>;
}

/** The members of an identity pool besides its id, name and tags, in AWS names (what Create/UpdateIdentityPool set). */
export interface IdentityPoolSettings {
  AllowUnauthenticatedIdentities: boolean;
  AllowClassicFlow?: boolean;
  SupportedLoginProviders?: Record<string, string>;
  DeveloperProviderName?: string;
  OpenIdConnectProviderARNs?: string[];
  CognitoIdentityProviders?: { ProviderName?: string; ClientId?: string; ServerSideTokenCheck?: boolean }[];
  SamlProviderARNs?: string[];
  /** SetIdentityPoolRoles: 'authenticated' / 'unauthenticated' → role ARN */
  Roles?: Record<string, string>;
  /** SetIdentityPoolRoles: provider → role mapping (Type Token | Rules), as given */
  RoleMappings?: Record<string, { Type: string; AmbiguousRoleResolution?: string; RulesConfiguration?: { Rules: { Claim: string; MatchType: string; Value: string; RoleARN: string }[] } }>;
  /** SetPrincipalTagAttributeMap: login provider → its principal tags (tag → claim), or the defaults */
  PrincipalTagMaps?: Record<string, { UseDefaults: boolean; PrincipalTags: Record<string, string> }>;
}

/** Stored as a user pool is (the same columns, in its own table), with its own settings. */
export interface IdentityPoolRecord extends Omit<PoolRecord, 'settings'> {
  /** `id` is `<region>:<uuid>`. */
  settings: IdentityPoolSettings;
}

export interface ClientSecretRecord {
  id: string;
  /** Sealed by the master key (SecretBox). */
  sealed: string;
  createdAt: number;
}

export interface ClientRecord {
  id: string;
  poolId: string;
  name: string;
  secrets: ClientSecretRecord[];
  createdAt: number;
  updatedAt: number;
  version: number;
  /** The client's configuration (CreateUserPoolClient members, AWS names); the store keeps any other member as given. */
  settings: ClientSettings & { [member: string]: unknown };
}

export interface DomainRecord {
  domain: string;
  poolId: string;
  /** true when a CustomDomainConfig was given (a full host name), false for a prefix domain. */
  custom: boolean;
  createdAt: number;
  updatedAt: number;
  settings: DomainSettings;
}

export type KeyUse = 'id' | 'access' | 'saml';

export interface SigningKeyRecord {
  kid: string;
  poolId: string;
  use: KeyUse;
  alg: string;
  /** Public JWK (kty, n, e, …) without kid/alg/use. */
  publicJwk: Record<string, unknown>;
  /** PKCS#8 PEM private key, sealed by the master key. */
  privateSealed: string;
  /** PEM X.509 certificate, for keys that have one (SAML signing). */
  certificate: string | null;
  createdAt: number;
  /** Set when the key is rotated out: it still verifies (stays in the JWKS) until then, but signs nothing. */
  retiresAt: number | null;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, absent on the last. */
  next?: string;
}

export type UserStatus =
  | 'UNCONFIRMED'
  | 'CONFIRMED'
  | 'FORCE_CHANGE_PASSWORD'
  | 'RESET_REQUIRED'
  | 'ARCHIVED'
  | 'COMPROMISED'
  | 'EXTERNAL_PROVIDER'
  | 'UNKNOWN';

/** Secrets a user signs in with. Stored sealed as one document (SecretBox JSON): never logged, never returned. */
export interface UserCredentials {
  /** argon2id PHC string. */
  passwordHash?: string;
  /** SRP salt and verifier (hex), computed over the internal username. */
  srpSaltHex?: string;
  srpVerifierHex?: string;
  /** argon2id hashes of earlier passwords, newest first (PasswordHistorySize). */
  history?: string[];
  /** TOTP seed (base32), once verified. */
  totpSecret?: string;
}

export interface UserRecord {
  poolId: string;
  /** The internal username as created (a UUID equal to sub in pools with UsernameAttributes). */
  username: string;
  /** The lookup key: username lower-cased when the pool is case-insensitive, else as is. Unique per pool. */
  usernameKey: string;
  sub: string;
  status: UserStatus;
  enabled: boolean;
  /** Every attribute but sub (e.g. email, email_verified:'true', custom:x). Stored one row per attribute, indexed. */
  attributes: Record<string, string>;
  /** Sealed UserCredentials (SecretBox), or null when the user has no password (federated). */
  credentialsSealed: string | null;
  /** MFA settings: preferred method, enabled methods, SMS/email MFA flags (our own shape). */
  mfa: Record<string, unknown>;
  /** When the password was last set (ms); temporary passwords expire from here. */
  passwordSetAt: number | null;
  createdAt: number;
  updatedAt: number;
  version: number;
}

/** A one-time code sent to a user: sign-up confirmation, attribute verification, forgot password, MFA. */
export interface CodeRecord {
  poolId: string;
  username: string;
  /** 'signup' | 'verify:email' | 'verify:phone_number' | 'forgot' | … : one live code per (user, purpose). */
  purpose: string;
  /** HMAC of the code, never the code itself. */
  codeHash: string;
  createdAt: number;
  expiresAt: number;
  attempts: number;
  /** Extra data bound to the code (e.g. the new attribute value awaiting verification). */
  data: Record<string, unknown>;
}

/** One signed-in session (an authentication event): the refresh token and every token minted from it share origin_jti. */
export interface AuthSessionRecord {
  originJti: string;
  poolId: string;
  clientId: string;
  username: string;
  authTime: number;
  createdAt: number;
  /** When the refresh token of this session expires. */
  expiresAt: number;
  revokedAt: number | null;
  deviceKey: string | null;
}

export interface RefreshTokenRecord {
  /** sha256 (hex) of the opaque token: the token itself is never stored. */
  tokenHash: string;
  originJti: string;
  createdAt: number;
  expiresAt: number;
  /** Set when rotation replaced it; still accepted until supersededAt + grace. */
  supersededAt: number | null;
}

/**
 * A message Cognate kept in the outbox (one no transport delivered, or any in --dev mode). Its subject and body carry
 * codes and temporary passwords, so they are stored only sealed by the master key, and the row lives only as long as
 * the code it carries (expiresAt); list() leaves out expired rows and purgeExpired() drops them.
 */
export interface OutboxRecord {
  id: string;
  poolId: string | null;
  channel: 'email' | 'sms';
  to: string;
  /** JSON {subject, body} sealed by the master key (runtime/delivery.ts seals and opens it). */
  sealed: string;
  sentAt: number;
  /** When the code or temporary password in the message stops working; the row is gone after. */
  expiresAt: number;
  /** 'sent' | 'outbox-only' | 'failed: …' */
  delivery: string;
}

export interface GroupRecord {
  poolId: string;
  name: string;
  description: string | null;
  roleArn: string | null;
  precedence: number | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * A device of a user (remembered devices, COGNITO-API §4.5): created untracked when a sign-in hands out its
 * NewDeviceMetadata, confirmed by ConfirmDevice (which stores its SRP verifier, sealed), then remembered or not.
 */
export interface DeviceRecord {
  poolId: string;
  /** The user's username key (the device goes with the user). */
  usernameKey: string;
  /** `{region}_{uuid}`. */
  deviceKey: string;
  /** The device's SRP "pool name". */
  groupKey: string;
  /** The device's SRP salt and verifier (hex), sealed with the master key; null until ConfirmDevice. */
  verifierSealed: string | null;
  /** DeviceRememberedStatus: null until confirmed. */
  status: 'remembered' | 'not_remembered' | null;
  name: string | null;
  lastIp: string | null;
  createdAt: number;
  updatedAt: number;
  lastAuthenticatedAt: number | null;
}
