// Minting user pool tokens: the ID and access JWTs (RS256, one key per use) and the opaque refresh token of a sign-in session.
//
// Claims follow what Cognito puts in its tokens (developer guide "Understanding the identity token" /
// "…access token", aws-jwt-verify's jwt-model, observed tokens): see COGNITO-API §3.2–3.6.
import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Deps } from '../deps.ts';
import type { Random } from '../runtime/random.ts';
import type { AuthSessionRecord, ClientRecord, PoolRecord, SigningKeyRecord, UserRecord } from '../storage/records.ts';
import { tokenValiditySeconds, type ClientSettings } from '../user-pools/domain/clients.ts';
import { groupClaimsOf } from '../user-pools/domain/groups.ts';
import type { AuthenticationResultType } from '../user-pools/shapes.ts';
import { activeKey } from './keys.ts';
import { issuerOf } from './well-known.ts';

/** The scope of every token the API flows (InitiateAuth, RespondToAuthChallenge, refresh) issue. */
export const ADMIN_SCOPE = 'aws.cognito.signin.user.admin';

export interface MintInput {
  pool: PoolRecord;
  client: ClientRecord;
  user: UserRecord;
  deviceKey?: string | null;
  /** set when refreshing: reuse session (auth_time, origin_jti) and mint no new refresh token */
  session?: AuthSessionRecord;
  scopes?: string[];
}

/**
 * Mints ID + access tokens (and, for a new sign-in, a new session + opaque refresh token stored only as a sha256
 * hash). Returns Cognito's AuthenticationResultType {AccessToken, ExpiresIn, TokenType:'Bearer', RefreshToken?,
 * IdToken, NewDeviceMetadata?}.
 */
export async function issueTokens(deps: Deps, input: MintInput): Promise<AuthenticationResultType> {
  const { pool, client, user } = input;
  const now = deps.clock.now();
  const iat = Math.floor(now / 1000);
  const validity = tokenValiditySeconds(client.settings as ClientSettings);

  // Read once for this request: other processes may rotate the pool's keys at any time.
  const keys = await deps.store.keys.listForPool(pool.id);
  const idKey = activeKey(keys, 'id');
  const accessKey = activeKey(keys, 'access');
  if (!idKey || !accessKey) throw new Error(`user pool ${pool.id} has no active signing keys`);

  let session = input.session;
  let refreshToken: string | undefined;
  if (!session) {
    refreshToken = newRefreshToken(deps.random);
    const expiresAt = now + validity.refresh * 1000;
    session = {
      originJti: deps.random.uuid(),
      poolId: pool.id,
      clientId: client.id,
      username: user.username,
      authTime: now,
      createdAt: now,
      expiresAt,
      revokedAt: null,
      deviceKey: input.deviceKey ?? null,
    };
    await deps.store.sessions.create(session, {
      tokenHash: refreshTokenHash(refreshToken),
      originJti: session.originJti,
      createdAt: now,
      expiresAt,
      supersededAt: null,
    });
  }

  const common: TokenContext = {
    iss: issuerOf(deps, pool.id),
    authTime: Math.floor(session.authTime / 1000),
    iat,
    originJti: session.originJti,
    // One authentication event per issuance; a refresh is an event of its own.
    eventId: deps.random.uuid(),
    groups: await groupClaims(deps, user),
  };
  const deviceKey = input.deviceKey ?? session.deviceKey ?? null;
  const idClaims = idTokenClaims(common, { client, user, exp: iat + validity.id, jti: deps.random.uuid() });
  const accessClaims = accessTokenClaims(common, {
    client,
    user,
    exp: iat + validity.access,
    jti: deps.random.uuid(),
    scope: (input.scopes && input.scopes.length ? input.scopes : [ADMIN_SCOPE]).join(' '),
    deviceKey,
  });

  const [IdToken, AccessToken] = await Promise.all([sign(deps, idKey, idClaims), sign(deps, accessKey, accessClaims)]);
  // Member order as Cognito serializes AuthenticationResult.
  return {
    AccessToken,
    ExpiresIn: validity.access,
    TokenType: 'Bearer',
    ...(refreshToken !== undefined ? { RefreshToken: refreshToken } : {}),
    IdToken,
  };
}

/** Header {"kid","alg"} in Cognito's order. */
async function sign(deps: Deps, key: SigningKeyRecord, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ kid: key.kid, alg: 'RS256' }).sign(deps.privateKeys.get(key));
}

interface TokenContext {
  iss: string;
  authTime: number;
  iat: number;
  originJti: string;
  eventId: string;
  groups: Record<string, unknown>;
}

/**
 * cognito:groups, cognito:roles and cognito:preferred_role, present only when the user is in at least one group
 * (read at every issuance, so a refresh reflects membership changes). The access token takes only cognito:groups.
 */
export async function groupClaims(deps: Deps, user: UserRecord): Promise<Record<string, unknown>> {
  return groupClaimsOf(await deps.store.groups.allForUser(user.poolId, user.usernameKey));
}

/** ID token payload, in the member order of observed Cognito ID tokens. */
export function idTokenClaims(
  c: TokenContext,
  t: { client: ClientRecord; user: UserRecord; exp: number; jti: string },
): Record<string, unknown> {
  return {
    sub: t.user.sub,
    ...c.groups,
    ...attributeClaims(t.user, readableAttributes(t.client)),
    iss: c.iss,
    'cognito:username': t.user.username,
    origin_jti: c.originJti,
    aud: t.client.id,
    event_id: c.eventId,
    token_use: 'id',
    auth_time: c.authTime,
    exp: t.exp,
    iat: c.iat,
    jti: t.jti,
  };
}

/** Access token payload, in the member order of observed Cognito access tokens. */
export function accessTokenClaims(
  c: TokenContext,
  t: { client: ClientRecord; user: UserRecord; exp: number; jti: string; scope: string; deviceKey: string | null },
): Record<string, unknown> {
  return {
    sub: t.user.sub,
    ...('cognito:groups' in c.groups ? { 'cognito:groups': c.groups['cognito:groups'] } : {}),
    ...(t.deviceKey ? { device_key: t.deviceKey } : {}),
    iss: c.iss,
    client_id: t.client.id,
    origin_jti: c.originJti,
    event_id: c.eventId,
    token_use: 'access',
    scope: t.scope,
    auth_time: c.authTime,
    exp: t.exp,
    iat: c.iat,
    jti: t.jti,
    username: t.user.username,
  };
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

// ---------------------------------------------------------------------------------------------------------
// Refresh tokens

/**
 * Cognito's refresh tokens are JWE compact serializations with header {"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}
 * (observed). Ours only look like one: the same header, then random segments the sizes RSA-OAEP-2048 and A256GCM
 * give (encrypted key 256 bytes, IV 12, ciphertext, tag 16). Nothing is encrypted in them; the server keeps the
 * state, and only the sha256 of the token.
 */
const JWE_HEADER = Buffer.from(JSON.stringify({ cty: 'JWT', enc: 'A256GCM', alg: 'RSA-OAEP' })).toString('base64url');
const SEGMENT_BYTES = [256, 12, 128, 16] as const;
export const REFRESH_TOKEN_RANDOM_BYTES = SEGMENT_BYTES.reduce((a, b) => a + b, 0);

/** A new opaque refresh token from `random`. */
export function newRefreshToken(random: Random): string {
  return refreshTokenFromBytes(random.bytes(REFRESH_TOKEN_RANDOM_BYTES));
}

/** Shapes REFRESH_TOKEN_RANDOM_BYTES bytes as a JWE compact serialization. */
export function refreshTokenFromBytes(bytes: Buffer): string {
  if (bytes.length < REFRESH_TOKEN_RANDOM_BYTES) throw new Error('not enough bytes for a refresh token');
  const parts = [JWE_HEADER];
  let at = 0;
  for (const n of SEGMENT_BYTES) {
    parts.push(bytes.subarray(at, at + n).toString('base64url'));
    at += n;
  }
  return parts.join('.');
}

/** Whether a token has the shape of a refresh token (five segments), as opposed to a JWT (three). */
export function looksLikeRefreshToken(token: string): boolean {
  return token.split('.').length === 5;
}

/** What the store keeps of a refresh token: its sha256, hex. */
export function refreshTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
