// CUSTOM_AUTH (COGNITO-API §5.5): a sign-in the pool's DefineAuthChallenge function drives. InitiateAuth asks it what
// comes first (session [] — or [{SRP_A, true}] when the client sent SRP_A with CHALLENGE_NAME SRP_A, to verify the
// password by SRP first); each answer (PASSWORD_VERIFIER, or CUSTOM_CHALLENGE via challenges/custom-challenge.ts)
// adds its result to the session and asks again, until the function issues tokens or fails the sign-in.
//
// Between rounds the history, the private challenge parameters and the challenge metadata stay server-side: sealed
// with the master key in a code record named by the Session's nonce, never in the Session the client holds.
import type { UserRecord } from '../../../storage/records.ts';
import { InvalidParameterException, NotAuthorizedException } from '../../errors.ts';
import {
  hasCustomAuth,
  hasTrigger,
  runCreateAuthChallenge,
  runDefineAuthChallenge,
  type ChallengeResult,
  type CustomAuthInput,
} from '../../triggers/custom-auth.ts';
import type { StringMap } from '../../triggers/common.ts';
import { metadataFor, MSG, param, type AuthContext, type AuthDeps, type AuthOutput } from '../context.ts';
import { sealNewState, sessionValidityMs } from '../session-state.ts';
import { completeSignIn, openUsernameFlow, statusGate } from '../steps.ts';
import { checkSrpA, passwordVerifierChallenge } from './user-srp.ts';
import { simulatedUserId } from '../simulation.ts';

/** InvalidParameterException when the pool has no custom-auth functions (obs: widely matched on by apps). */
export const CUSTOM_AUTH_NOT_CONFIGURED = 'Custom auth lambda trigger is not configured for the user pool.';

/** What a CUSTOM_CHALLENGE keeps server-side until it is answered. */
export interface PendingChallenge {
  session: ChallengeResult[];
  privateChallengeParameters: StringMap;
  challengeMetadata: string | null;
}

/** The code record of a pending CUSTOM_CHALLENGE: one per Session nonce (housekeeping drops unanswered ones). */
export const PENDING_CHALLENGE_PREFIX = 'custom-auth:';
export const pendingPurpose = (nonce: string) => `${PENDING_CHALLENGE_PREFIX}${nonce}`;

export async function customAuth(deps: AuthDeps, ctx: AuthContext, params: Record<string, string>): Promise<AuthOutput> {
  const name = param(params, 'USERNAME');
  const A = params.SRP_A;
  if (A !== undefined) checkSrpA(A);
  if (!hasCustomAuth(ctx.pool)) throw new InvalidParameterException(CUSTOM_AUTH_NOT_CONFIGURED);
  // Unknown user: LEGACY says so; ENABLED asks the functions with userNotFound (they should answer alike).
  const user = await openUsernameFlow(deps, ctx, params, name);
  const session: ChallengeResult[] = A !== undefined ? [{ challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null }] : [];
  return nextCustomStep(deps, ctx, user, name, session, A);
}

/**
 * Asks DefineAuthChallenge what follows `session` and does it: tokens, a failed sign-in, the SRP round (only right
 * after SRP_A, with the client's `A`), or a new CUSTOM_CHALLENGE from CreateAuthChallenge.
 */
export async function nextCustomStep(
  deps: AuthDeps,
  ctx: AuthContext,
  user: UserRecord | null,
  given: string,
  session: ChallengeResult[],
  A?: string,
): Promise<AuthOutput> {
  const metadata = metadataFor(ctx, 'respond');
  const input: CustomAuthInput = { user, userName: given, caller: ctx.caller, session, ...(metadata ? { clientMetadata: metadata } : {}) };
  const decision = await runDefineAuthChallenge(deps, ctx.pool, input);
  if ('failAuthentication' in decision) {
    deps.metrics.signInFailure('custom_challenge');
    throw new NotAuthorizedException(MSG.incorrect);
  }
  if ('issueTokens' in decision) {
    // Tokens for a name nobody has cannot be: the same answer as a failed sign-in.
    if (!user) {
      deps.metrics.signInFailure('unknown_user');
      throw new NotAuthorizedException(MSG.incorrect);
    }
    statusGate(deps, user);
    return completeSignIn(deps, ctx, user, 'TokenGeneration_Authentication');
  }
  if (decision.challengeName === 'PASSWORD_VERIFIER') {
    if (A === undefined) throw new InvalidParameterException(MSG.missing('SRP_A'));
    return passwordVerifierChallenge(deps, ctx, user, given, A, { session });
  }
  if (!hasTrigger(ctx.pool, 'CreateAuthChallenge') || !hasTrigger(ctx.pool, 'VerifyAuthChallengeResponse'))
    throw new InvalidParameterException(CUSTOM_AUTH_NOT_CONFIGURED);
  const created = await runCreateAuthChallenge(deps, ctx.pool, input);
  // A name nobody has answers the USERNAME a user's username could be (simulation.ts), not the name as given: in pools
  // that sign in by email or phone number, a user's is their UUID username.
  const username = user?.username ?? (await simulatedUserId(deps, ctx.pool, given));
  const { sealed, nonce } = sealNewState(deps, ctx, { username, given, challenge: 'CUSTOM_CHALLENGE' });
  const pending: PendingChallenge = { session, privateChallengeParameters: created.privateChallengeParameters, challengeMetadata: created.challengeMetadata };
  const now = deps.clock.now();
  await deps.store.codes.put({
    poolId: ctx.pool.id,
    username,
    purpose: pendingPurpose(nonce),
    codeHash: '',
    createdAt: now,
    expiresAt: now + sessionValidityMs(ctx.client),
    attempts: 0,
    data: { sealed: deps.secrets.encrypt(JSON.stringify(pending)) },
  });
  return {
    ChallengeName: 'CUSTOM_CHALLENGE',
    Session: sealed,
    ChallengeParameters: { ...created.publicChallengeParameters, USERNAME: username },
  };
}
