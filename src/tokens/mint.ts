// Minting JWTs from plain claim inputs: the ID and access tokens (RS256, one key per use) and the opaque refresh
// token of a sign-in session. Knows nothing of users, groups or app clients: the caller decides the claims.
//
// Claim order follows observed Cognito tokens (COGNITO-API §3.2–3.6): `sub`, then the caller's claims (groups,
// attributes, device_key…), then the reserved claims this module owns (iss, aud/client_id, token_use, times, ids).
import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Deps } from '../deps.ts';
import type { Random } from '../runtime/random.ts';
import type { AuthSessionRecord, SigningKeyRecord } from '../storage/records.ts';
import { activeKey } from './keys.ts';

export type TokenDeps = Pick<Deps, 'store' | 'clock' | 'random' | 'privateKeys' | 'config'>;

/** Lifetimes in seconds. */
export interface TokenValidity {
  id: number;
  access: number;
  refresh: number;
}

export interface MintRequest {
  poolId: string;
  clientId: string;
  /** The subject: `sub` and the internal username (`cognito:username`, `username`). */
  sub: string;
  username: string;
  validity: TokenValidity;
  /** Claims of the ID token between `sub` and the reserved ones. */
  idClaims: Record<string, unknown>;
  /** Claims of the access token between `sub` and the reserved ones. */
  accessClaims: Record<string, unknown>;
  scopes: string[];
  /** Refresh: continue this session (auth_time, origin_jti) and mint no new refresh token. */
  session?: AuthSessionRecord;
  /** The remembered device of a new session (kept with it, shown as `device_key` in access tokens). */
  deviceKey?: string | null;
  /** A new session's transaction also clears this sign-in lockout key (sessions.create's clearLockout). */
  clearLockout?: string;
}

export interface MintedTokens {
  idToken: string;
  accessToken: string;
  /** Only for a new session. */
  refreshToken?: string;
  /** The access token's lifetime, seconds. */
  expiresIn: number;
  session: AuthSessionRecord;
  /** The payloads signed, for callers that show or log them. */
  idPayload: Record<string, unknown>;
  accessPayload: Record<string, unknown>;
}

/** Claims the caller cannot set: this module owns them (and Cognito ignores attempts to override them). */
export const RESERVED_CLAIMS = new Set([
  'sub', 'iss', 'aud', 'client_id', 'origin_jti', 'event_id', 'token_use', 'scope', 'auth_time', 'exp', 'iat', 'nbf', 'jti',
  'cognito:username', 'username', 'device_key',
]);

/** The issuer of a pool's tokens: `{public-url}/{UserPoolId}`. */
export function issuerOf(publicUrl: string, poolId: string): string {
  return `${publicUrl}/${poolId}`;
}

/**
 * Mints ID + access tokens; for a new sign-in also a session and its opaque refresh token (stored only as a
 * sha256 hash).
 */
export async function mintTokens(deps: TokenDeps, req: MintRequest): Promise<MintedTokens> {
  const now = deps.clock.now();
  const iat = Math.floor(now / 1000);

  // Read once for this request: other processes may rotate the pool's keys at any time.
  const keys = await deps.store.keys.listForPool(req.poolId);
  const idKey = activeKey(keys, 'id');
  const accessKey = activeKey(keys, 'access');
  if (!idKey || !accessKey) throw new Error(`user pool ${req.poolId} has no active signing keys`);

  let session = req.session;
  let refreshToken: string | undefined;
  if (!session) {
    refreshToken = newRefreshToken(deps.random);
    const expiresAt = now + req.validity.refresh * 1000;
    session = {
      originJti: deps.random.uuid(),
      poolId: req.poolId,
      clientId: req.clientId,
      username: req.username,
      authTime: now,
      createdAt: now,
      expiresAt,
      revokedAt: null,
      deviceKey: req.deviceKey ?? null,
    };
    await deps.store.sessions.create(session, {
      tokenHash: refreshTokenHash(refreshToken),
      originJti: session.originJti,
      createdAt: now,
      expiresAt,
      supersededAt: null,
    }, req.clearLockout !== undefined ? { clearLockout: req.clearLockout } : undefined);
  }

  const iss = issuerOf(deps.config.publicUrl, req.poolId);
  const authTime = Math.floor(session.authTime / 1000);
  // One authentication event per issuance; a refresh is an event of its own.
  const eventId = deps.random.uuid();
  const deviceKey = req.deviceKey ?? session.deviceKey ?? null;
  const idPayload = {
    sub: req.sub,
    ...unreserved(req.idClaims),
    iss,
    'cognito:username': req.username,
    origin_jti: session.originJti,
    aud: req.clientId,
    event_id: eventId,
    token_use: 'id',
    auth_time: authTime,
    exp: iat + req.validity.id,
    iat,
    jti: deps.random.uuid(),
  };
  const accessPayload = {
    sub: req.sub,
    ...unreserved(req.accessClaims),
    ...(deviceKey ? { device_key: deviceKey } : {}),
    iss,
    client_id: req.clientId,
    origin_jti: session.originJti,
    event_id: eventId,
    token_use: 'access',
    scope: req.scopes.join(' '),
    auth_time: authTime,
    exp: iat + req.validity.access,
    iat,
    jti: deps.random.uuid(),
    username: req.username,
  };
  const [idToken, accessToken] = await Promise.all([sign(deps, idKey, idPayload), sign(deps, accessKey, accessPayload)]);
  return {
    idToken,
    accessToken,
    ...(refreshToken !== undefined ? { refreshToken } : {}),
    expiresIn: req.validity.access,
    session,
    idPayload,
    accessPayload,
  };
}

/**
 * The access token of a client_credentials grant (COGNITO-API §3.3, machine-to-machine): no user and no session, so
 * `sub` is the client id, no username, origin_jti or event_id; `version` 2 as the OAuth endpoints' tokens carry.
 * Claim order as observed in Cognito's: sub, token_use, scope, auth_time, iss, exp, iat, version, jti, client_id.
 */
export async function mintClientToken(
  deps: TokenDeps,
  req: {
    poolId: string;
    clientId: string;
    scopes: readonly string[];
    validitySeconds: number;
    /** A PreTokenGeneration function's claims to add (reserved ones are not taken) and to suppress. */
    claims?: Record<string, unknown>;
    suppress?: readonly string[];
  },
): Promise<{ accessToken: string; expiresIn: number; payload: Record<string, unknown> }> {
  const iat = Math.floor(deps.clock.now() / 1000);
  const key = activeKey(await deps.store.keys.listForPool(req.poolId), 'access');
  if (!key) throw new Error(`user pool ${req.poolId} has no active signing keys`);
  const payload = {
    sub: req.clientId,
    token_use: 'access',
    scope: req.scopes.join(' '),
    auth_time: iat,
    iss: issuerOf(deps.config.publicUrl, req.poolId),
    exp: iat + req.validitySeconds,
    iat,
    version: 2,
    jti: deps.random.uuid(),
    client_id: req.clientId,
    ...unreserved(req.claims ?? {}),
  } as Record<string, unknown>;
  for (const k of req.suppress ?? []) if (!RESERVED_CLAIMS.has(k)) delete payload[k];
  return { accessToken: await sign(deps, key, payload), expiresIn: req.validitySeconds, payload };
}

function unreserved(claims: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(claims)) if (!RESERVED_CLAIMS.has(k)) out[k] = v;
  return out;
}

/** Header {"kid","alg"} in Cognito's order. */
async function sign(deps: TokenDeps, key: SigningKeyRecord, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ kid: key.kid, alg: 'RS256' }).sign(deps.privateKeys.get(key));
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
