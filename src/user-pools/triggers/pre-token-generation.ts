// Pre token generation trigger, V1_0 (ID token claims, groups), V2_0 (also access token claims and scopes) and
// V3_0 (also machine-to-machine, TokenGeneration_ClientCredentials): the event, and the answer read into a plain
// TokenCustomisation for the token minting to apply.
import type { Deps } from '../../deps.ts';
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import { InvalidLambdaResponseException } from '../errors.ts';
import {
  invokeTrigger,
  LAMBDA_MSG,
  triggerArn,
  triggerEvent,
  triggerUserAttributes,
  type PreTokenVersion,
  type StringMap,
  type TriggerCaller,
} from './common.ts';

export type TokenGenerationSource =
  | 'TokenGeneration_HostedAuth'
  | 'TokenGeneration_Authentication'
  | 'TokenGeneration_NewPasswordChallenge'
  | 'TokenGeneration_AuthenticateDevice'
  | 'TokenGeneration_RefreshTokens'
  | 'TokenGeneration_ClientCredentials';

export interface GroupConfiguration {
  groupsToOverride: string[];
  iamRolesToOverride: string[];
  preferredRole: string | null;
}

export interface PreTokenGenerationInput {
  source: TokenGenerationSource;
  /** Absent for TokenGeneration_ClientCredentials (no user). */
  user?: UserRecord;
  caller: TriggerCaller;
  /** The user's groups (names), their role ARNs and the preferred role, as the tokens would carry them. */
  groupConfiguration: GroupConfiguration;
  /** The access token's scopes (V2_0 and V3_0 events). */
  scopes: string[];
  clientMetadata?: StringMap;
}

/** What the function asked for; every member optional (absent = leave the token as it is). */
export interface TokenCustomisation {
  idToken: { claimsToAddOrOverride: Record<string, unknown>; claimsToSuppress: string[] };
  accessToken: { claimsToAddOrOverride: Record<string, unknown>; claimsToSuppress: string[]; scopesToAdd: string[]; scopesToSuppress: string[] };
  /** groupOverrideDetails: replaces cognito:groups, cognito:roles, cognito:preferred_role where given. */
  groupOverride?: Partial<GroupConfiguration>;
}

/**
 * Claims a function cannot add, change or suppress; Cognito ignores such overrides (developer guide, pre token
 * generation, "Excluded claims"; COGNITO-API.md §6). Access tokens also keep client_id, scope (use scopesToAdd /
 * scopesToSuppress) and username.
 */
export const FIXED_CLAIMS = new Set([
  'acr',
  'amr',
  'aud',
  'at_hash',
  'auth_time',
  'azp',
  'cognito:username',
  'exp',
  'iat',
  'identities',
  'iss',
  'jti',
  'nbf',
  'nonce',
  'origin_jti',
  'sub',
  'token_use',
]);
const FIXED_ACCESS_CLAIMS = new Set([...FIXED_CLAIMS, 'client_id', 'scope', 'username']);

const EVENT_VERSION: Record<PreTokenVersion, string> = { V1_0: '1', V2_0: '2', V3_0: '3' };

/** The version the pool's function takes, or null when the pool has none (or none for this source: M2M needs V3_0). */
export function preTokenVersion(pool: PoolRecord, source: TokenGenerationSource): PreTokenVersion | null {
  const fn = triggerArn(pool, 'PreTokenGeneration');
  if (!fn) return null;
  if (source === 'TokenGeneration_ClientCredentials' && fn.version !== 'V3_0') return null;
  return fn.version;
}

export function preTokenGenerationEvent(pool: PoolRecord, version: PreTokenVersion, i: PreTokenGenerationInput) {
  const request: Record<string, unknown> = {
    userAttributes: i.user ? triggerUserAttributes(pool, i.user) : {},
    groupConfiguration: i.groupConfiguration,
  };
  if (version !== 'V1_0') request.scopes = i.scopes;
  request.clientMetadata = i.clientMetadata ?? null;
  const response = version === 'V1_0' ? { claimsOverrideDetails: null } : { claimsAndScopeOverrideDetails: null };
  // M2M events have no user: userName is the app client (ours).
  return triggerEvent(pool, i.source, i.user?.username ?? i.caller.clientId ?? '', i.caller, request, response, EVENT_VERSION[version]);
}

const bad = () => new InvalidLambdaResponseException(LAMBDA_MSG.unrecognizable);

function objectOf(v: unknown): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw bad();
  return v as Record<string, unknown>;
}

function stringsOf(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad();
  return v as string[];
}

function claimsOf(v: unknown, fixed: Set<string>, stringsOnly: boolean): Record<string, unknown> {
  const o = objectOf(v) ?? {};
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(o)) {
    if (fixed.has(k)) continue;
    // V1_0 claims are a string map.
    if (stringsOnly && typeof val !== 'string') throw bad();
    out[k] = val;
  }
  return out;
}

function groupsOf(v: unknown): Partial<GroupConfiguration> | undefined {
  const g = objectOf(v);
  if (!g) return undefined;
  const out: Partial<GroupConfiguration> = {};
  if (g.groupsToOverride !== undefined && g.groupsToOverride !== null) out.groupsToOverride = stringsOf(g.groupsToOverride);
  if (g.iamRolesToOverride !== undefined && g.iamRolesToOverride !== null) out.iamRolesToOverride = stringsOf(g.iamRolesToOverride);
  if (g.preferredRole !== undefined) {
    if (g.preferredRole !== null && typeof g.preferredRole !== 'string') throw bad();
    out.preferredRole = g.preferredRole as string | null;
  }
  return out;
}

/**
 * Scopes as RFC 6749 §3.3 writes them: one scope-token each (printable ASCII but space, `"` and `\\`); others are
 * dropped, so that one entry cannot become several scopes in the space-separated `scope` claim (ours).
 */
function scopeTokens(v: unknown): string[] {
  return stringsOf(v).filter((x) => /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(x));
}

/** Reads a function's `response` into a TokenCustomisation (claims Cognito keeps fixed are dropped silently). */
export function readTokenCustomisation(version: PreTokenVersion, response: Record<string, unknown>): TokenCustomisation {
  const out: TokenCustomisation = {
    idToken: { claimsToAddOrOverride: {}, claimsToSuppress: [] },
    accessToken: { claimsToAddOrOverride: {}, claimsToSuppress: [], scopesToAdd: [], scopesToSuppress: [] },
  };
  if (version === 'V1_0') {
    const d = objectOf(response.claimsOverrideDetails);
    if (!d) return out;
    out.idToken.claimsToAddOrOverride = claimsOf(d.claimsToAddOrOverride, FIXED_CLAIMS, true);
    out.idToken.claimsToSuppress = stringsOf(d.claimsToSuppress).filter((c) => !FIXED_CLAIMS.has(c));
    out.groupOverride = groupsOf(d.groupOverrideDetails);
    return out;
  }
  const d = objectOf(response.claimsAndScopeOverrideDetails);
  if (!d) return out;
  const id = objectOf(d.idTokenGeneration) ?? {};
  const access = objectOf(d.accessTokenGeneration) ?? {};
  out.idToken.claimsToAddOrOverride = claimsOf(id.claimsToAddOrOverride, FIXED_CLAIMS, false);
  out.idToken.claimsToSuppress = stringsOf(id.claimsToSuppress).filter((c) => !FIXED_CLAIMS.has(c));
  out.accessToken.claimsToAddOrOverride = claimsOf(access.claimsToAddOrOverride, FIXED_ACCESS_CLAIMS, false);
  out.accessToken.claimsToSuppress = stringsOf(access.claimsToSuppress).filter((c) => !FIXED_ACCESS_CLAIMS.has(c));
  out.accessToken.scopesToAdd = scopeTokens(access.scopesToAdd);
  out.accessToken.scopesToSuppress = scopeTokens(access.scopesToSuppress);
  out.groupOverride = groupsOf(d.groupOverrideDetails);
  return out;
}

/**
 * Runs the pool's PreTokenGeneration function (the version its configuration names) and returns what to change in
 * the tokens; null when there is no function for this source. Errors as invokeTrigger ("PreTokenGeneration failed
 * with error …").
 */
export async function runPreTokenGeneration(
  deps: Pick<Deps, 'triggers'>,
  pool: PoolRecord,
  i: PreTokenGenerationInput,
): Promise<TokenCustomisation | null> {
  const version = preTokenVersion(pool, i.source);
  if (!version) return null;
  const response = await invokeTrigger(deps, pool, 'PreTokenGeneration', preTokenGenerationEvent(pool, version, i));
  return response ? readTokenCustomisation(version, response) : null;
}
