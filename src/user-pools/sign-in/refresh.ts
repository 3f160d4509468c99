// Refresh on the cognito-idp wire (REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken): the token's outcome from
// tokens/refresh.ts, then the user's state, each refusal as Cognito's error.
import type { Deps } from '../../deps.ts';
import type { AuthSessionRecord, ClientRecord, GroupRecord, PoolRecord, UserRecord } from '../../storage/records.ts';
import { redeemRefreshToken, type RefreshRefusal } from '../../tokens/refresh.ts';
import { NotAuthorizedException, RefreshTokenReuseException } from '../errors.ts';
import { userNotFound } from '../domain/users.ts';
import { usernameKey } from '../domain/usernames.ts';

/**
 * Cognito's messages for refused refresh tokens. "Invalid Refresh Token." is observed with its full stop (botocore
 * debug log in aws-sdk-cpp#1789, aws-sdk-js-v3#7162, aws-sdk-java-v2#1687); "Refresh Token has been revoked" is
 * observed (aws-sdk-net#1936); "Refresh Token has expired" is the commonly reported wording. The reuse message is ours.
 */
export const REFRESH_TOKEN_MESSAGES = {
  invalid: 'Invalid Refresh Token.',
  expired: 'Refresh Token has expired',
  revoked: 'Refresh Token has been revoked',
  reused: 'Refresh Token has been rotated and can no longer be used', // wording ours
  disabled: 'User is disabled.',
} as const;

/** Statuses whose users keep their sessions; any other status (UNCONFIRMED, RESET_REQUIRED, …) ends them. */
const ACTIVE_STATUSES = new Set(['CONFIRMED', 'EXTERNAL_PROVIDER']);

/** The client's rotation settings (RefreshTokenRotationType): whether GetTokensFromRefreshToken rotates, and the grace. */
export function rotationOf(client: ClientRecord): { rotate: boolean; graceSeconds: number } {
  const r = client.settings.RefreshTokenRotation;
  return { rotate: r?.Feature === 'ENABLED', graceSeconds: r?.RetryGracePeriodSeconds ?? 0 };
}

/**
 * A refused token as Cognito answers it: reuse after rotation is RefreshTokenReuseException where the call rotates
 * (only GetTokensFromRefreshToken does, and only it declares that error); elsewhere (REFRESH_TOKEN_AUTH) a rotated-out
 * token is an invalid one. Either way the reuse has ended the session (tokens/refresh.ts).
 */
function refusal(reason: RefreshRefusal, rotating: boolean): Error {
  if (reason === 'reused') return rotating ? new RefreshTokenReuseException(REFRESH_TOKEN_MESSAGES.reused) : new NotAuthorizedException(REFRESH_TOKEN_MESSAGES.invalid);
  return new NotAuthorizedException(REFRESH_TOKEN_MESSAGES[reason]);
}

export interface RefreshedSession {
  pool: PoolRecord;
  user: UserRecord;
  /** The user's groups, read with the user, for their tokens. */
  groups: GroupRecord[];
  session: AuthSessionRecord;
}

/**
 * Redeems a refresh token of `client` (optionally rotating it; `pool`: the client's pool if the caller has read it), checks its user still may hold tokens (exists,
 * enabled, confirmed) and runs `mint` for them — all before a rotation is committed, so that a refusal at any step
 * (a PreTokenGeneration function that throws, say) leaves the token as it was. Throws Cognito's errors.
 */
export async function refreshSession<T = undefined>(
  deps: Deps,
  client: ClientRecord,
  token: string,
  opts: { rotate?: boolean; graceSeconds?: number; pool?: PoolRecord } = {},
  mint?: (s: RefreshedSession) => Promise<T>,
): Promise<RefreshedSession & { minted: T; newRefreshToken?: string }> {
  const M = REFRESH_TOKEN_MESSAGES;
  const { pool: clientPool, ...redeem } = opts;
  let done: (RefreshedSession & { minted: T }) | undefined;
  const accept = async (session: AuthSessionRecord) => {
    // The client's pool, when the caller read it with the client (this request's read), is the session's pool:
    // redeemRefreshToken accepts only sessions of the client's pool.
    const pool = clientPool?.id === session.poolId ? clientPool : await deps.store.pools.get(session.poolId);
    if (!pool) throw new NotAuthorizedException(M.invalid);
    const found = await deps.store.users.getWithGroups(pool.id, usernameKey(pool, session.username));
    if (!found) throw userNotFound();
    const { user, groups } = found;
    if (!user.enabled) throw new NotAuthorizedException(M.disabled);
    if (!ACTIVE_STATUSES.has(user.status)) throw new NotAuthorizedException(M.invalid);
    done = { pool, user, groups, session, minted: (mint ? await mint({ pool, user, groups, session }) : undefined) as T };
  };
  const outcome = await redeemRefreshToken(deps, client, token, { graceSeconds: rotationOf(client).graceSeconds, ...redeem, accept });
  if (!outcome.ok) throw refusal(outcome.reason, opts.rotate === true);
  return { ...done!, ...(outcome.newRefreshToken !== undefined ? { newRefreshToken: outcome.newRefreshToken } : {}) };
}
