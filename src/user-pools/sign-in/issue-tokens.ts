// Completing a sign-in with tokens: the user pool decides the claims (attributes the client may read, groups),
// tokens/mint.ts signs them. Used by every flow, GetTokensFromRefreshToken, and later the hosted UI and OAuth.
import type { Deps } from '../../deps.ts';
import type { AuthSessionRecord, ClientRecord, PoolRecord, UserRecord } from '../../storage/records.ts';
import { mintTokens } from '../../tokens/mint.ts';
import type { AuthenticationResultType } from '../shapes.ts';
import { tokenValiditySeconds, type ClientSettings } from '../domain/clients.ts';
import { groupClaimsOf } from '../domain/groups.ts';

/** The scope of every token the API flows (InitiateAuth, RespondToAuthChallenge, refresh) issue. */
export const ADMIN_SCOPE = 'aws.cognito.signin.user.admin';

export interface IssueInput {
  pool: PoolRecord;
  client: ClientRecord;
  user: UserRecord;
  deviceKey?: string | null;
  /** Set when refreshing: reuse the session (auth_time, origin_jti) and mint no new refresh token. */
  session?: AuthSessionRecord;
  /** OAuth flows name their scopes; the API flows get aws.cognito.signin.user.admin. */
  scopes?: string[];
}

/** The claims of a user's tokens before any customisation: ID token and access token (between sub and the reserved claims). */
export interface UserClaims {
  id: Record<string, unknown>;
  access: Record<string, unknown>;
  scopes: string[];
}

/**
 * Mints ID + access tokens (and, for a new sign-in, a new session with its refresh token). Returns Cognito's
 * AuthenticationResultType {AccessToken, ExpiresIn, TokenType:'Bearer', RefreshToken?, IdToken}.
 */
export async function issueTokens(deps: Deps, input: IssueInput): Promise<AuthenticationResultType> {
  const { pool, client, user } = input;
  const claims = await userClaims(deps, input);
  const minted = await mintTokens(deps, {
    poolId: pool.id,
    clientId: client.id,
    sub: user.sub,
    username: user.username,
    validity: tokenValiditySeconds(client.settings as ClientSettings),
    idClaims: claims.id,
    accessClaims: claims.access,
    scopes: claims.scopes,
    ...(input.session ? { session: input.session } : {}),
    ...(input.deviceKey !== undefined ? { deviceKey: input.deviceKey } : {}),
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
export async function userClaims(deps: Pick<Deps, 'store'>, input: Pick<IssueInput, 'client' | 'user' | 'scopes'>): Promise<UserClaims> {
  const groups = await groupClaims(deps, input.user);
  return {
    id: { ...groups, ...attributeClaims(input.user, readableAttributes(input.client)) },
    access: 'cognito:groups' in groups ? { 'cognito:groups': groups['cognito:groups'] } : {},
    scopes: input.scopes && input.scopes.length ? [...input.scopes] : [ADMIN_SCOPE],
  };
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
  const read = (client.settings as ClientSettings).ReadAttributes;
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
