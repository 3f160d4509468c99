// App client rules: ids and secrets, the settings Cognito stores and echoes, their validation, SECRET_HASH.
//
// What DescribeUserPoolClient answers for a client created with only ClientName (observed on the real
// service, 2023 and 2024 captures):
//   {"UserPoolId","ClientName","ClientId","LastModifiedDate","CreationDate","RefreshTokenValidity":30,
//    "TokenValidityUnits":{},"AllowedOAuthFlowsUserPoolClient":false,"EnableTokenRevocation":true,
//    "EnablePropagateAdditionalUserContextData":false,"AuthSessionValidity":3}
// so AccessTokenValidity, IdTokenValidity, ExplicitAuthFlows and PreventUserExistenceErrors are absent
// unless given; their effective defaults (60 minutes, SRP + custom + refresh, LEGACY) are applied by the
// helpers at the end of this file, which the sign-in code uses.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { LOWER_ALNUM, type Random } from '../../runtime/random.ts';
import type { ClientRecord, ClientSettings, PoolRecord } from '../../storage/records.ts';
import {
  InvalidOAuthFlowException,
  InvalidParameterException,
  ResourceNotFoundException,
  ScopeDoesNotExistException,
} from '../errors.ts';
import type {
  CreateUserPoolClientRequest,
  TokenValidityUnitsType,
  UserPoolClientDescription,
  UserPoolClientType,
} from '../shapes.ts';
import { poolSettings, seconds } from './pools.ts';
import { STANDARD_SCHEMA } from './pool-schema.ts';

/** App clients per user pool (Cognito quota, §9.2). */
export const MAX_CLIENTS = 1000;
/** ListUserPoolClients page size when MaxResults is not given. */
export const DEFAULT_LIST_LIMIT = 60;

/** 26 characters [a-z0-9], like `26cb2c60kq7nbmas7rbme9b6pp`. */
export function newClientId(random: Random): string {
  return random.string(26, LOWER_ALNUM);
}

/** 52 characters [a-z0-9], like Cognito's generated secrets. */
export function newClientSecret(random: Random): string {
  return random.string(52, LOWER_ALNUM);
}

export type { ClientSettings };

/** Input members that are settings (everything but ids, name and secret choice), in the model's order. */
const SETTING_KEYS = [
  'RefreshTokenValidity',
  'AccessTokenValidity',
  'IdTokenValidity',
  'TokenValidityUnits',
  'ReadAttributes',
  'WriteAttributes',
  'ExplicitAuthFlows',
  'SupportedIdentityProviders',
  'CallbackURLs',
  'LogoutURLs',
  'DefaultRedirectURI',
  'AllowedOAuthFlows',
  'AllowedOAuthScopes',
  'AllowedOAuthFlowsUserPoolClient',
  'AnalyticsConfiguration',
  'PreventUserExistenceErrors',
  'EnableTokenRevocation',
  'EnablePropagateAdditionalUserContextData',
  'AuthSessionValidity',
  'RefreshTokenRotation',
] as const satisfies readonly (keyof ClientSettings)[];
type SettingKey = (typeof SETTING_KEYS)[number];

/**
 * The settings a Create or Update request leaves the client with. Members not given take Cognito's
 * defaults — UpdateUserPoolClient documents "If you don't provide a value for an attribute, Amazon
 * Cognito sets it to its default value", so an update is a full replacement, not a patch.
 */
export function settingsFrom(input: Partial<Record<SettingKey, unknown>>): ClientSettings {
  const given: Record<string, unknown> = {};
  for (const k of SETTING_KEYS) {
    const v = input[k];
    if (v === undefined || v === null) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    given[k] = v;
  }
  // "You can't set RefreshTokenValidity to 0. If you do, Amazon Cognito overrides the value with the
  // default value of 30 days." (API reference)
  if (!given.RefreshTokenValidity) delete given.RefreshTokenValidity;
  return inModelOrder({ ...SETTING_DEFAULTS, ...given });
}

/** What a client created with only ClientName shows (see the top of this file). */
const SETTING_DEFAULTS: ClientSettings = {
  RefreshTokenValidity: 30,
  TokenValidityUnits: {},
  AllowedOAuthFlowsUserPoolClient: false,
  EnableTokenRevocation: true,
  EnablePropagateAdditionalUserContextData: false,
  AuthSessionValidity: 3,
};

/** The settings with their members in the model's order, as Cognito serializes them. */
function inModelOrder(s: Record<string, unknown>): ClientSettings {
  const out: Record<string, unknown> = {};
  for (const k of SETTING_KEYS) if (s[k] !== undefined) out[k] = s[k];
  return out as ClientSettings;
}

// ---------------------------------------------------------------------------------------------------------
// Validation (the edge has already checked lengths, patterns, enums and ranges of each member)

export type ClientAction = 'creating' | 'updating';

const UNIT_SECONDS = { seconds: 1, minutes: 60, hours: 3600, days: 86400 } as const;
type TimeUnit = keyof typeof UNIT_SECONDS;

const ACCESS_MIN = 5 * 60;
const ACCESS_MAX = 86400;
const REFRESH_MIN = 60 * 60;
const REFRESH_MAX = 3650 * 86400;

/** Token lifetimes in seconds, with Cognito's defaults (60 minutes, 60 minutes, 30 days). */
export function tokenValiditySeconds(s: ClientSettings): { access: number; id: number; refresh: number } {
  const u: TokenValidityUnitsType = s.TokenValidityUnits ?? {};
  const secs = (v: number | undefined, unit: TimeUnit | undefined, def: TimeUnit, fallback: number) =>
    v ? v * UNIT_SECONDS[unit ?? def] : fallback;
  return {
    access: secs(s.AccessTokenValidity, u.AccessToken, 'hours', 3600),
    id: secs(s.IdTokenValidity, u.IdToken, 'hours', 3600),
    refresh: secs(s.RefreshTokenValidity, u.RefreshToken, 'days', 30 * 86400),
  };
}

/**
 * Ranges in the units given (§3.6): access and ID tokens 5 minutes – 1 day, refresh tokens 60 minutes –
 * 3650 days, and the refresh token must outlive the others. Cognito answers every violation with
 * "Invalid range for token validity." (observed for out-of-range values in CloudFormation/Terraform
 * reports; reused, unconfirmed, for refresh ≤ access/ID).
 */
function checkTokenValidity(s: ClientSettings): void {
  const t = tokenValiditySeconds(s);
  const bad =
    t.access < ACCESS_MIN ||
    t.access > ACCESS_MAX ||
    t.id < ACCESS_MIN ||
    t.id > ACCESS_MAX ||
    t.refresh < REFRESH_MIN ||
    t.refresh > REFRESH_MAX ||
    t.refresh <= t.access ||
    t.refresh <= t.id;
  if (bad) throw new InvalidParameterException('Invalid range for token validity.');
}

const LEGACY_FLOWS = new Set(['ADMIN_NO_SRP_AUTH', 'CUSTOM_AUTH_FLOW_ONLY', 'USER_PASSWORD_AUTH']);

/** "You can't assign these legacy ExplicitAuthFlows values to user pool clients at the same time as values that begin with ALLOW_" (API reference). */
function checkAuthFlows(s: ClientSettings): void {
  const flows = s.ExplicitAuthFlows ?? [];
  const legacy = flows.some((f) => LEGACY_FLOWS.has(f));
  const allow = flows.some((f) => f.startsWith('ALLOW_'));
  if (legacy && allow)
    // Wording not confirmed against the real service.
    throw new InvalidParameterException('ExplicitAuthFlows cannot contain both legacy values and values that begin with ALLOW_.');
}

/** The standard attributes of every pool (§9.5), in schema order. */
export const STANDARD_ATTRIBUTES: readonly string[] = STANDARD_SCHEMA.map((a) => a.Name!);
const STANDARD = new Set<string>(STANDARD_ATTRIBUTES);

/** Attributes no app client may write: Cognito rejects them in WriteAttributes (observed for email_verified). */
const NEVER_WRITABLE = new Set(['sub', 'email_verified', 'phone_number_verified']);

interface SchemaEntry {
  Name?: string;
  Required?: boolean;
  DeveloperOnlyAttribute?: boolean;
}

/** A schema entry's attribute name as clients see it: custom attributes carry `custom:`. */
function attributeName(e: SchemaEntry): string | null {
  if (!e.Name) return null;
  if (STANDARD.has(e.Name) || e.Name.startsWith('custom:')) return e.Name;
  if (e.Name.startsWith('dev:custom:')) return null;
  return `custom:${e.Name}`;
}

/** The pool's attributes an app client may name, and those the pool requires. */
export function poolAttributes(pool: PoolRecord): { names: Set<string>; required: Set<string> } {
  const names = new Set<string>(STANDARD_ATTRIBUTES);
  const required = new Set<string>();
  for (const e of poolSettings(pool).SchemaAttributes) {
    if (e.DeveloperOnlyAttribute) continue;
    const n = attributeName(e);
    if (!n) continue;
    names.add(n);
    if (e.Required && n !== 'sub') required.add(n);
  }
  return { names, required };
}

/**
 * ReadAttributes/WriteAttributes must name attributes of the pool, writes must leave out the
 * never-writable ones and include every required attribute ("all app clients can write user pool
 * required attributes"). Cognito's answer: "Invalid read attributes specified while creating a client" /
 * "Invalid write attributes specified while updating a client" (observed).
 */
function checkAttributes(s: ClientSettings, pool: PoolRecord, action: ClientAction): void {
  const { names, required } = poolAttributes(pool);
  if (s.ReadAttributes && s.ReadAttributes.some((a) => !names.has(a)))
    throw new InvalidParameterException(`Invalid read attributes specified while ${action} a client`);
  if (s.WriteAttributes) {
    const w = new Set(s.WriteAttributes);
    const bad = s.WriteAttributes.some((a) => !names.has(a) || NEVER_WRITABLE.has(a)) || [...required].some((r) => !w.has(r));
    if (bad) throw new InvalidParameterException(`Invalid write attributes specified while ${action} a client`);
  }
}

/**
 * Only COGNITO exists until identity providers do. Cognito: "The provider Google does not exist for User
 * Pool us-east-1_XXXXXXXXX" (observed, InvalidParameterException).
 */
function checkProviders(s: ClientSettings, pool: PoolRecord, providers: ReadonlySet<string>): void {
  for (const p of s.SupportedIdentityProviders ?? [])
    if (p !== 'COGNITO' && !providers.has(p)) throw new InvalidParameterException(`The provider ${p} does not exist for User Pool ${pool.id}`);
}

/** Scopes every pool has (§7.8); anything else must be a resource server's `identifier/scope`. */
export const STANDARD_SCOPES = new Set(['phone', 'email', 'openid', 'profile', 'aws.cognito.signin.user.admin']);

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Redirect URLs must use HTTPS, except http://localhost (and, since August 2025, the loopback IP
 * literals); app schemes such as myapp://example are allowed. Cognito: "http://localhost.com/ cannot use
 * the HTTP protocol." (observed, InvalidParameterException).
 */
function checkRedirectUrl(url: string): void {
  if (!/^http:/i.test(url)) return;
  let host = '';
  try {
    host = new URL(url).host.replace(/:\d+$/, '').toLowerCase();
  } catch {
    /* an unparseable http URL is not a loopback one */
  }
  if (!LOOPBACK_HOSTS.has(host)) throw new InvalidParameterException(`${url} cannot use the HTTP protocol.`);
}

/**
 * The OAuth rules Cognito enforces on an app client (messages observed in CloudFormation/Terraform
 * errors unless noted).
 */
function checkOAuth(s: ClientSettings, hasSecret: boolean, resourceScopes: ReadonlySet<string>): void {
  const flows = s.AllowedOAuthFlows ?? [];
  const scopes = s.AllowedOAuthScopes ?? [];
  if (s.AllowedOAuthFlowsUserPoolClient && (flows.length === 0 || scopes.length === 0))
    throw new InvalidParameterException(
      'AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.',
    );
  for (const scope of scopes)
    if (!STANDARD_SCOPES.has(scope) && !resourceScopes.has(scope))
      throw new ScopeDoesNotExistException(`Invalid scope requested: ${scope}`);
  const cc = flows.includes('client_credentials');
  if (cc && flows.some((f) => f !== 'client_credentials'))
    throw new InvalidOAuthFlowException('client_credentials flow can not be selected along with code flow or implicit flow.');
  if (cc && !hasSecret)
    throw new InvalidOAuthFlowException('client_credentials flow can not be selected if client does not have a client secret.');
  if (cc)
    for (const scope of scopes)
      if (STANDARD_SCOPES.has(scope))
        // Observed for openid ("openid is not supported with client_credentials flow"); the error name is inferred.
        throw new InvalidOAuthFlowException(`${scope} is not supported with client_credentials flow`);
  const callbacks = s.CallbackURLs ?? [];
  if (flows.some((f) => f === 'code' || f === 'implicit') && callbacks.length === 0)
    throw new InvalidOAuthFlowException('CallbackUrls can not be empty when code flow or implicit flow is selected');
  for (const url of callbacks) checkRedirectUrl(url);
  if (s.DefaultRedirectURI !== undefined) {
    checkRedirectUrl(s.DefaultRedirectURI);
    if (!callbacks.includes(s.DefaultRedirectURI))
      // Wording not confirmed against the real service.
      throw new InvalidParameterException('DefaultRedirectURI must be one of the CallbackURLs.');
  }
}

export interface ClientContext {
  pool: PoolRecord;
  action: ClientAction;
  /** Whether the client has (or is about to have) a secret. */
  hasSecret: boolean;
  /** Identity provider names of the pool (none exist yet). */
  providers?: ReadonlySet<string>;
  /** `identifier/scope` of the pool's resource servers. */
  resourceScopes?: ReadonlySet<string>;
}

/** Throws the error Cognito answers for the first rule the settings break. */
export function validateSettings(s: ClientSettings, ctx: ClientContext): void {
  checkAttributes(s, ctx.pool, ctx.action);
  checkProviders(s, ctx.pool, ctx.providers ?? new Set());
  checkTokenValidity(s);
  checkAuthFlows(s);
  checkOAuth(s, ctx.hasSecret, ctx.resourceScopes ?? new Set());
}

/** CreateUserPoolClient's secret choice: the given ClientSecret, a generated one, or none. */
export function initialSecret(input: Pick<CreateUserPoolClientRequest, 'GenerateSecret' | 'ClientSecret'>, random: Random): string | null {
  if (input.ClientSecret !== undefined) return input.ClientSecret;
  return input.GenerateSecret ? newClientSecret(random) : null;
}

// ---------------------------------------------------------------------------------------------------------
// Lookups and descriptions

/** "User pool client <id> does not exist." also when the client belongs to another pool. */
export function clientNotFound(clientId: string): never {
  throw new ResourceNotFoundException(`User pool client ${clientId} does not exist.`);
}

/** The client if it exists in `poolId`; ResourceNotFoundException otherwise. */
export async function getClient(deps: Pick<Deps, 'store'>, poolId: string, clientId: string): Promise<ClientRecord> {
  const client = await deps.store.clients.get(clientId);
  if (!client || client.poolId !== poolId) clientNotFound(clientId);
  return client;
}

/** The decrypted secrets of the client (oldest first); empty for a public client. */
export function clientSecrets(deps: Pick<Deps, 'secrets'>, client: ClientRecord): string[] {
  return [...client.secrets].sort((a, b) => a.createdAt - b.createdAt).map((s) => deps.secrets.decryptString(s.sealed));
}

/** UserPoolClientType as Cognito answers it; `secret` is the decrypted ClientSecret, if any. */
export function describeClient(client: ClientRecord, secret?: string): UserPoolClientType {
  return {
    UserPoolId: client.poolId,
    ClientName: client.name,
    ClientId: client.id,
    ...(secret !== undefined ? { ClientSecret: secret } : {}),
    LastModifiedDate: seconds(client.updatedAt),
    CreationDate: seconds(client.createdAt),
    ...inModelOrder(client.settings),
  };
}

export function summarizeClient(client: ClientRecord): UserPoolClientDescription {
  return { ClientId: client.id, UserPoolId: client.poolId, ClientName: client.name };
}

// ---------------------------------------------------------------------------------------------------------
// What the sign-in code needs

/** "If you don't specify a value for ExplicitAuthFlows, your app client supports ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH, and ALLOW_CUSTOM_AUTH." */
export const DEFAULT_AUTH_FLOWS = ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH'] as const;

export function effectiveAuthFlows(s: { ExplicitAuthFlows?: readonly string[] }): string[] {
  return s.ExplicitAuthFlows && s.ExplicitAuthFlows.length ? [...s.ExplicitAuthFlows] : [...DEFAULT_AUTH_FLOWS];
}

/** LEGACY unless the client says ENABLED (the API default; the console sets ENABLED). */
export function preventUserExistenceErrors(s: ClientSettings): 'LEGACY' | 'ENABLED' {
  return s.PreventUserExistenceErrors ?? 'LEGACY';
}

/** SECRET_HASH = Base64(HMAC-SHA256(key = secret, message = username + clientId)) (§3.7). */
export function secretHash(secret: string, username: string, clientId: string): string {
  return createHmac('sha256', secret).update(username + clientId).digest('base64');
}

/** Whether `hash` is the SECRET_HASH of username+clientId under any of `secrets`; constant-time per secret. */
export function verifySecretHash(secrets: readonly string[], username: string, clientId: string, hash: string): boolean {
  const given = Buffer.from(hash, 'utf8');
  let ok = false;
  for (const secret of secrets) {
    const expected = Buffer.from(secretHash(secret, username, clientId), 'utf8');
    // Compare equal-length buffers only; a length mismatch is already a mismatch.
    const same = expected.length === given.length && timingSafeEqual(expected, given);
    ok = ok || same;
  }
  return ok;
}

/** Whether the client hides whether users exist (PreventUserExistenceErrors ENABLED). */
export function hidesUsers(client: Pick<ClientRecord, 'settings'>): boolean {
  return preventUserExistenceErrors(client.settings) === 'ENABLED';
}

/**
 * Whether `given` is one of the client's secrets (raw, as GetTokensFromRefreshToken and RevokeToken take it; up to two
 * are active, AddUserPoolClientSecret). Constant-time per secret.
 */
export function clientSecretMatches(secrets: readonly string[], given: string | undefined): boolean {
  if (given === undefined) return false;
  const g = createHash('sha256').update(given, 'utf8').digest();
  let ok = false;
  for (const s of secrets) ok = timingSafeEqual(createHash('sha256').update(s, 'utf8').digest(), g) || ok;
  return ok;
}
