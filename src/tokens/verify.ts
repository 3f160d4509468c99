// Verifying access tokens for the self-service operations (GetUser, GlobalSignOut, …): signature, expiry, scope, session.
import { createPublicKey, verify as verifySignature, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Deps } from '../deps.ts';
import type { AuthSessionRecord, PoolRecord, SigningKeyRecord, UserRecord } from '../storage/records.ts';
import { NotAuthorizedException } from '../user-pools/errors.ts';
import { ADMIN_SCOPE } from './mint.ts';
import { publishedKeys } from './keys.ts';

/**
 * Cognito's messages for refused access tokens. "Access Token has been revoked" is observed (amplify-js#2205,
 * localstack#8775); the others are the commonly reported wordings (COGNITO-API §5.6, §10), unconfirmed.
 */
export const ACCESS_TOKEN_MESSAGES = {
  invalid: 'Invalid Access Token',
  expired: 'Access Token has expired',
  revoked: 'Access Token has been revoked',
  /** OAuth tokens without aws.cognito.signin.user.admin (commonly reported wording). */
  scope: 'Access Token does not have required scopes',
  /** Commonly reported wording for disabled users (§10). */
  disabled: 'User is disabled.',
} as const;

const POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;

/**
 * Verification keys by kid: the pool and use a kid was published for, and its public KeyObject. A kid names one
 * key forever, so this cannot go stale on another server's writes: a rotated-out key keeps verifying until it
 * retires, which is after every token it signed has expired. Misses read the pool's key list from the store.
 */
interface VerificationKey {
  poolId: string;
  use: string;
  key: KeyObject;
}
const verificationKeys = new Map<string, VerificationKey>();

function remember(k: SigningKeyRecord): VerificationKey {
  const v = { poolId: k.poolId, use: k.use, key: createPublicKey({ key: k.publicJwk as JsonWebKey, format: 'jwk' }) };
  if (verificationKeys.size > 10000) verificationKeys.clear();
  verificationKeys.set(k.kid, v);
  return v;
}

/** The three parts of a compact JWS, decoded; null when it is not one (no verification here). */
function parseCompactJws(
  token: string,
): { header: Record<string, unknown>; payload: Record<string, unknown>; signingInput: Buffer; signature: Buffer } | null {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((x) => !/^[A-Za-z0-9_-]+$/.test(x))) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
    if (!isObject(header) || !isObject(payload)) return null;
    return { header, payload, signingInput: Buffer.from(`${parts[0]}.${parts[1]}`), signature: Buffer.from(parts[2]!, 'base64url') };
  } catch {
    return null;
  }
}

function refuse(message: string): never {
  throw new NotAuthorizedException(message);
}

/**
 * For every operation that takes an AccessToken: verifies signature (pool JWKS keys from the store, public KeyObjects
 * cached by kid), exp, token_use 'access', scope contains aws.cognito.signin.user.admin, the pool and user exist,
 * user enabled, the session (origin_jti) not revoked. Throws NotAuthorizedException with Cognito's messages.
 */
export async function authenticateAccessToken(
  deps: Deps,
  accessToken: string,
): Promise<{ pool: PoolRecord; user: UserRecord; claims: Record<string, unknown>; session: AuthSessionRecord }> {
  const M = ACCESS_TOKEN_MESSAGES;
  const jws = parseCompactJws(accessToken);
  if (!jws || jws.header.alg !== 'RS256') refuse(M.invalid);
  const kid = jws.header.kid;
  const unverified = jws.payload;
  // The issuer names the pool: {publicUrl}/{poolId}. Only its last segment is trusted, and only to find the keys
  // the signature must verify with.
  const iss = typeof unverified.iss === 'string' ? unverified.iss : '';
  const poolId = iss.slice(iss.lastIndexOf('/') + 1);
  if (typeof kid !== 'string' || !POOL_ID.test(poolId)) refuse(M.invalid);

  const now = deps.clock.now();
  let vk = verificationKeys.get(kid);
  if (!vk) {
    const rec = publishedKeys(await deps.store.keys.listForPool(poolId), now).find((k) => k.kid === kid);
    if (rec) vk = remember(rec);
  }
  if (!vk || vk.poolId !== poolId || vk.use !== 'access') refuse(M.invalid);
  // RS256 by node:crypto directly: measured 0.06 ms against 0.16 ms for jose's WebCrypto path, on every
  // self-service call (.tmp experiments, README Performance). Tokens are minted with jose.
  let signed = false;
  try {
    signed = verifySignature('RSA-SHA256', jws.signingInput, vk.key, jws.signature);
  } catch {
    signed = false;
  }
  if (!signed) refuse(M.invalid);
  const claims = unverified;
  if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') refuse(M.invalid);
  if (typeof claims.nbf === 'number' && claims.nbf * 1000 > now) refuse(M.invalid);
  if (claims.exp * 1000 <= now) refuse(M.expired);
  if (claims.token_use !== 'access' || typeof claims.sub !== 'string' || typeof claims.origin_jti !== 'string') refuse(M.invalid);
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
  if (!scopes.includes(ADMIN_SCOPE)) refuse(M.scope);

  // Revocation (RevokeToken, GlobalSignOut, AdminUserGlobalSignOut) is per session; a session that is gone went
  // with its user (AdminDeleteUser) or expired.
  const session = await deps.store.sessions.get(claims.origin_jti);
  if (!session || session.revokedAt !== null) refuse(M.revoked);
  if (session.poolId !== poolId || session.clientId !== claims.client_id) refuse(M.invalid);

  const pool = await deps.store.pools.get(poolId);
  if (!pool) refuse(M.invalid);
  const user = await deps.store.users.getBySub(poolId, claims.sub);
  if (!user || user.username !== session.username) refuse(M.revoked);
  if (!user.enabled) refuse(M.disabled);
  return { pool, user, claims, session };
}
