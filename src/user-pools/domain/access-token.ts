// Access tokens on the cognito-idp wire: GetUser, GlobalSignOut, … take an AccessToken; tokens/verify.ts checks it,
// this module loads its pool and user and answers each refusal with Cognito's NotAuthorizedException message.
import type { Deps } from '../../deps.ts';
import type { AuthSessionRecord, ClientRecord, PoolRecord, UserRecord } from '../../storage/records.ts';
import { verifyAccessToken } from '../../tokens/verify.ts';
import { NotAuthorizedException } from '../errors.ts';
import { ADMIN_SCOPE } from '../sign-in/issue-tokens.ts';

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

function refuse(message: string): never {
  throw new NotAuthorizedException(message);
}

/**
 * For every operation that takes an AccessToken: a valid token (signature, expiry, scope
 * aws.cognito.signin.user.admin, live session) whose pool and user exist and whose user is enabled. The session, its
 * pool, its app client (null if deleted since) and the token's user are one read (SessionStore.getWithContext).
 */
export async function authenticateAccessToken(
  deps: Deps,
  accessToken: string,
): Promise<{ pool: PoolRecord; user: UserRecord; client: ClientRecord | null; claims: Record<string, unknown>; session: AuthSessionRecord }> {
  const M = ACCESS_TOKEN_MESSAGES;
  const outcome = await verifyAccessToken(deps, accessToken, ADMIN_SCOPE, (originJti, sub) => deps.store.sessions.getWithContext(originJti, sub));
  if (!outcome.ok) refuse(M[outcome.reason]);
  // The session is of the token's pool and client (verifyAccessToken checked), so these are the token's pool and
  // client, and the user is the token's sub in its pool.
  const { claims, session, pool, user, client } = outcome;
  if (!pool) refuse(M.invalid);
  // A deleted user took their sessions along.
  if (!user || user.username !== session.username) refuse(M.revoked);
  if (!user.enabled) refuse(M.disabled);
  return { pool, user, client, claims, session };
}
