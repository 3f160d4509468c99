// Completing a sign-in with tokens: the user pool decides the claims (attributes the client may read, groups),
// tokens/mint.ts signs them. Used by every flow, GetTokensFromRefreshToken, and later the hosted UI and OAuth.
import type { Deps } from '../../deps.ts';
import type { AuthSessionRecord, ClientRecord, GroupRecord, PoolRecord, UserRecord } from '../../storage/records.ts';
import { mintTokens } from '../../tokens/mint.ts';
import type { AuthenticationResultType } from '../shapes.ts';
import { tokenValiditySeconds } from '../domain/clients.ts';
import { groupClaimsOf } from '../domain/groups.ts';
import type { TriggerCaller } from '../triggers/common.ts';
import { runPreTokenGeneration, type TokenCustomisation, type TokenGenerationSource } from '../triggers/pre-token-generation.ts';

/** The scope of every token the API flows (InitiateAuth, RespondToAuthChallenge, refresh) issue. */
export const ADMIN_SCOPE = 'aws.cognito.signin.user.admin';

export interface IssueInput {
  pool: PoolRecord;
  client: ClientRecord;
  user: UserRecord;
  /** The user's groups, when the caller read them with the user (UserStore.getWithGroups); else read here. */
  groups?: readonly GroupRecord[];
  deviceKey?: string | null;
  /** Set when refreshing: reuse the session (auth_time, origin_jti) and mint no new refresh token. */
  session?: AuthSessionRecord;
  /** OAuth flows name their scopes; the API flows get aws.cognito.signin.user.admin. */
  scopes?: string[];
  /** A new session's commit also clears this sign-in lockout key (the password attempt it ends). */
  clearLockout?: string;
  /** Runs the pool's PreTokenGeneration function, if it has one, as this source. */
  trigger?: { source: TokenGenerationSource; caller: TriggerCaller; clientMetadata?: Record<string, string> };
}

/** What a user's tokens say of them before any customisation (between sub and the reserved claims). */
export interface UserClaims {
  /** cognito:groups, cognito:roles, cognito:preferred_role (none when the user is in no group). */
  groups: Record<string, unknown>;
  /** The attributes the client may read, as claims. */
  attributes: Record<string, unknown>;
  scopes: string[];
}

/** The claims of each token: the ID token takes the group claims and attributes, the access token cognito:groups. */
export function tokenClaims(c: Pick<UserClaims, 'groups' | 'attributes'>): { id: Record<string, unknown>; access: Record<string, unknown> } {
  return {
    id: { ...c.groups, ...c.attributes },
    access: 'cognito:groups' in c.groups ? { 'cognito:groups': c.groups['cognito:groups'] } : {},
  };
}

/**
 * Mints ID + access tokens (and, for a new sign-in, a new session with its refresh token). Returns Cognito's
 * AuthenticationResultType {AccessToken, ExpiresIn, TokenType:'Bearer', RefreshToken?, IdToken}.
 */
export async function issueTokens(deps: Deps, input: IssueInput): Promise<AuthenticationResultType> {
  const { pool, client, user } = input;
  let claims = await userClaims(deps, input);
  let id: Record<string, unknown>;
  let access: Record<string, unknown>;
  const custom = input.trigger
    ? await runPreTokenGeneration(deps, pool, {
        source: input.trigger.source,
        user,
        caller: input.trigger.caller,
        groupConfiguration: groupConfigurationOf(claims.groups),
        scopes: claims.scopes,
        ...(input.trigger.clientMetadata ? { clientMetadata: input.trigger.clientMetadata } : {}),
      })
    : null;
  if (custom) ({ claims, id, access } = customise(claims, custom));
  else ({ id, access } = tokenClaims(claims));
  const minted = await mintTokens(deps, {
    poolId: pool.id,
    clientId: client.id,
    sub: user.sub,
    username: user.username,
    validity: tokenValiditySeconds(client.settings),
    idClaims: id,
    accessClaims: access,
    scopes: claims.scopes,
    ...(input.session ? { session: input.session } : {}),
    ...(input.deviceKey !== undefined ? { deviceKey: input.deviceKey } : {}),
    ...(input.clearLockout !== undefined ? { clearLockout: input.clearLockout } : {}),
  });
  // Member order as Cognito serializes AuthenticationResult.
  return {
    AccessToken: minted.accessToken,
    ExpiresIn: minted.expiresIn,
    TokenType: 'Bearer',
    ...(minted.refreshToken !== undefined ? { RefreshToken: minted.refreshToken } : {}),
    IdToken: minted.idToken,
  };
}

/** The claims Cognito puts in a user's tokens: group claims and readable attributes (ID), cognito:groups (access). */
export async function userClaims(deps: Pick<Deps, 'store'>, input: Pick<IssueInput, 'client' | 'user' | 'groups' | 'scopes'>): Promise<UserClaims> {
  return {
    groups: input.groups ? groupClaimsOf(input.groups) : await groupClaims(deps, input.user),
    attributes: attributeClaims(input.user, readableAttributes(input.client)),
    scopes: input.scopes && input.scopes.length ? [...input.scopes] : [ADMIN_SCOPE],
  };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The event's groupConfiguration: the user's groups, roles and preferred role as the tokens would carry them. */
function groupConfigurationOf(groups: Record<string, unknown>) {
  const preferred = groups['cognito:preferred_role'];
  return {
    groupsToOverride: strings(groups['cognito:groups']),
    iamRolesToOverride: strings(groups['cognito:roles']),
    preferredRole: typeof preferred === 'string' ? preferred : null,
  };
}

/**
 * Applies what a PreTokenGeneration function asked for (developer guide, "Pre token generation Lambda trigger"):
 * groupOverrideDetails replace the group claims of both tokens (an empty list removes the claim); then each token's
 * claimsToAddOrOverride and claimsToSuppress (V1_0 answers touch the ID token only), and the access token's
 * scopesToSuppress and scopesToAdd. Claims Cognito keeps fixed were dropped when the answer was read.
 */
export function customise(claims: UserClaims, c: TokenCustomisation): { claims: UserClaims; id: Record<string, unknown>; access: Record<string, unknown> } {
  const groups = { ...claims.groups };
  const set = (name: string, v: string | string[] | null | undefined) => {
    if (v === undefined) return;
    if (v === null || (Array.isArray(v) && v.length === 0)) delete groups[name];
    else groups[name] = v;
  };
  set('cognito:groups', c.groupOverride?.groupsToOverride);
  set('cognito:roles', c.groupOverride?.iamRolesToOverride);
  set('cognito:preferred_role', c.groupOverride?.preferredRole);
  const next: UserClaims = { ...claims, groups };
  const { id, access } = tokenClaims(next);
  const apply = (t: Record<string, unknown>, add: Record<string, unknown>, suppress: string[]) => {
    Object.assign(t, add);
    for (const k of suppress) delete t[k];
  };
  apply(id, c.idToken.claimsToAddOrOverride, c.idToken.claimsToSuppress);
  apply(access, c.accessToken.claimsToAddOrOverride, c.accessToken.claimsToSuppress);
  const suppressed = new Set(c.accessToken.scopesToSuppress);
  next.scopes = [...new Set([...claims.scopes.filter((s) => !suppressed.has(s)), ...c.accessToken.scopesToAdd])];
  return { claims: next, id, access };
}

/**
 * cognito:groups, cognito:roles and cognito:preferred_role, present only when the user is in at least one group
 * (read at every issuance, so a refresh reflects membership changes). The access token takes only cognito:groups.
 */
export async function groupClaims(deps: Pick<Deps, 'store'>, user: UserRecord): Promise<Record<string, unknown>> {
  return groupClaimsOf(await deps.store.groups.allForUser(user.poolId, user.usernameKey));
}

/** The attributes the client may read: its ReadAttributes, or every attribute when it has none. */
export function readableAttributes(client: ClientRecord): Set<string> | null {
  const read = client.settings.ReadAttributes;
  return read && read.length ? new Set(read) : null;
}

const BOOLEAN_CLAIMS = new Set(['email_verified', 'phone_number_verified']);

/**
 * User attributes as ID token claims: *_verified as JSON booleans, updated_at as a number, address as an object
 * {"formatted": …} (inferred from the OIDC standard claim), identities parsed, custom:* always strings.
 * Developer-only attributes (dev:custom:*) never appear in tokens.
 */
export function attributeClaims(user: UserRecord, readable: Set<string> | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(user.attributes)) {
    if (name === 'sub' || name.startsWith('dev:')) continue;
    if (readable && !readable.has(name)) continue;
    out[name] = claimValue(name, value);
  }
  return out;
}

function claimValue(name: string, value: string): unknown {
  if (BOOLEAN_CLAIMS.has(name)) return value === 'true';
  if (name === 'updated_at') {
    const n = Number(value);
    return Number.isFinite(n) ? n : value;
  }
  if (name === 'address') return { formatted: value };
  if (name === 'identities') {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}
