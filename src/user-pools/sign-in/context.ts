// What every sign-in step shares: the request's pool and app client, the answer's shape, Cognito's messages.
import type { Deps } from '../../deps.ts';
import type { ClientRecord, PoolRecord } from '../../storage/records.ts';
import { InvalidParameterException } from '../errors.ts';
import type { AuthenticationResultType, InitiateAuthResponse } from '../shapes.ts';
import { clientNotFound, getClient } from '../domain/clients.ts';
import { getPool } from '../domain/pools.ts';
import { MSG_USER_NOT_FOUND } from '../domain/users.ts';
import { callerOf, type TriggerCaller } from '../triggers/common.ts';

/** The request's headers (for the User-Agent). */
type Request = { headers: Record<string, string | string[] | undefined> } | undefined;

export type ChallengeName = NonNullable<InitiateAuthResponse['ChallengeName']>;

/** What every sign-in step answers (InitiateAuth and RespondToAuthChallenge, admin or not). */
export interface AuthOutput {
  ChallengeName?: ChallengeName;
  Session?: string;
  ChallengeParameters: Record<string, string>;
  AuthenticationResult?: AuthenticationResultType;
  /** SELECT_CHALLENGE (choice-based sign-in): the first factors the user may choose from. */
  AvailableChallenges?: ChallengeName[];
}

/** The pool and app client a sign-in request runs under; `admin` for AdminInitiateAuth/AdminRespondToAuthChallenge. */
export interface AuthContext {
  pool: PoolRecord;
  client: ClientRecord;
  admin: boolean;
  /** Who calls (app client, User-Agent), for the triggers' callerContext. */
  caller: TriggerCaller;
  /**
   * The request's ClientMetadata, and which request carried it: InitiateAuth passes it to PreAuthentication and
   * UserMigration only, RespondToAuthChallenge to PostAuthentication and PreTokenGeneration (InitiateAuth and
   * RespondToAuthChallenge API references, "ClientMetadata").
   */
  clientMetadata?: Record<string, string>;
  phase?: 'initiate' | 'respond';
}

/** ClientMetadata for a trigger run in `phase`: only the request that passes it there. */
export function metadataFor(ctx: AuthContext, phase: 'initiate' | 'respond'): Record<string, string> | undefined {
  return ctx.phase === phase ? ctx.clientMetadata : undefined;
}

/** What a sign-in step may use. */
export type AuthDeps = Deps;

// Messages (COGNITO-API.md §10; "obs" = seen in real-service output, "rep" = widely reported, "ours" = guessed)
export const MSG = {
  incorrect: 'Incorrect username or password.', // obs
  userNotFound: MSG_USER_NOT_FOUND, // obs
  notConfirmed: 'User is not confirmed.', // rep
  resetRequired: 'Password reset required for the user', // rep
  disabled: 'User is disabled.', // rep
  tempExpired: 'Temporary password has expired and must be reset by an administrator.', // rep
  sessionExpired: 'Invalid session for the user, session is expired.', // rep
  sessionInvalid: 'Invalid session for the user.', // rep
  // obs: a Session answered a second time (amplify-js#13123; a measured EMAIL_OTP spike; apps match on it)
  sessionUsed: 'Invalid session for the user, session can only be used once.',
  methodNotSupported: 'Initiate Auth method not supported.', // obs (awsdocs/aws-doc-sdk-examples#5289)
  missing: (p: string) => `Missing required parameter ${p}`, // rep
} as const;

/** The app client of a public request (InitiateAuth, RespondToAuthChallenge): client ids are unique across pools. */
export async function publicAuthContext(deps: Pick<Deps, 'store'>, clientId: string, request?: Request): Promise<AuthContext> {
  // The client and its pool in one read.
  const found = await deps.store.clients.getWithPool(clientId);
  if (!found?.pool) clientNotFound(clientId);
  const { client, pool } = found;
  return { pool, client, admin: false, caller: callerOf(request, client.id) };
}

/** The pool and app client of an admin request: the pool must exist and own the client. */
export async function adminAuthContext(deps: Pick<Deps, 'store'>, poolId: string, clientId: string, request?: Request): Promise<AuthContext> {
  const pool = await getPool(deps, poolId);
  const client = await getClient(deps, poolId, clientId);
  return { pool, client, admin: true, caller: callerOf(request, client.id) };
}

/** A required member of AuthParameters / ChallengeResponses. */
export function param(params: Record<string, string>, name: string): string {
  const v = params[name];
  if (v === undefined || v === '') throw new InvalidParameterException(MSG.missing(name));
  return v;
}
