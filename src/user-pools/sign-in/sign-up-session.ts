// The Sessions of sign-up: SignUp's (for ConfirmSignUp) and ConfirmSignUp's, with which InitiateAuth USER_AUTH signs
// the new user in without a second code.
//
// Cognito (InitiateAuth / AdminInitiateAuth API reference, "Session"): "The optional session ID from a ConfirmSignUp
// API request. You can sign in a user directly from the sign-up process with the USER_AUTH authentication flow. When
// you pass the session ID to InitiateAuth, Amazon Cognito assumes the SMS or email message one-time verification
// password from ConfirmSignUp as the primary authentication factor. You're not required to submit this code a second
// time. This option is only valid for users who have confirmed their sign-up and are signing in for the first time
// within the authentication flow session duration of the session ID." Amplify v6's autoSignIn after confirmSignUp
// sends it (USERNAME and the Session, AuthFlow USER_AUTH).
//
// Here both are sealed states (session-state.ts) naming the pool, app client, user (username and sub) and kind; the
// confirmed one lasts the client's AuthSessionValidity and signs in once.
import type { UserRecord } from '../../storage/records.ts';
import { NotAuthorizedException, UserNotFoundException } from '../errors.ts';
import { MSG, type AuthContext, type AuthDeps, type AuthOutput } from './context.ts';
import { openState, openUnexpired, sealState } from './session-state.ts';
import { consumeMfaSession } from './mfa.ts';
import { hidesUsersIn, completeSignIn, preAuthentication, statusGate } from './steps.ts';
import { poolFirstFactors, userFirstFactors } from './flows/user-auth.ts';

type Scope = Pick<AuthContext, 'pool' | 'client'>;

/** SignUp's Session: names the new user, for ConfirmSignUp. */
export function signUpSession(deps: AuthDeps, scope: Scope, user: UserRecord): string {
  return sealState(deps, scope, { username: user.username, given: user.username, challenge: 'SIGN_UP', sub: user.sub });
}

/**
 * A Session given to ConfirmSignUp must be SignUp's for this app client and user (else NotAuthorizedException, and
 * nothing is confirmed). Its age does not matter: the confirmation code's own lifetime (24 hours) governs confirming.
 */
export function checkSignUpSession(deps: AuthDeps, scope: Scope, session: string | undefined, user: UserRecord): void {
  if (session === undefined) return;
  const s = openUnexpired(deps, scope, session, 'SIGN_UP', MSG.sessionInvalid);
  if (s.username !== user.username || s.sub !== user.sub) throw new NotAuthorizedException(MSG.sessionInvalid);
}

/** ConfirmSignUp's Session: the confirmation code, sent by `medium`, stands as the first factor of one USER_AUTH sign-in. */
export function confirmedSession(deps: AuthDeps, scope: Scope, user: UserRecord, medium: 'EMAIL' | 'SMS'): string {
  return sealState(deps, scope, { username: user.username, given: user.username, challenge: 'SIGN_UP_CONFIRMED', sub: user.sub, medium });
}

/**
 * Whether InitiateAuth USER_AUTH takes its Session as ConfirmSignUp's: only where the pool allows, as a first factor,
 * the one-time code the confirmation code stands for (EMAIL_OTP for an email, SMS_OTP for an SMS message; the
 * AdminInitiateAuth reference: "AuthParameters of EMAIL_OTP or SMS_OTP, depending on how your user pool sent the
 * confirmation-code message"). Elsewhere the Session is not part of USER_AUTH and the flow goes on without it.
 */
export function takesConfirmedSession(scope: Scope): boolean {
  return poolFirstFactors(scope.pool).some((f) => f === 'EMAIL_OTP' || f === 'SMS_OTP');
}

/**
 * InitiateAuth USER_AUTH with ConfirmSignUp's Session: tokens for the user it names, signing in as `name`, without
 * MFA (a one-time code as first factor is not followed by MFA). Anything else — not ours, another app client or
 * user (or the user deleted and made again), expired, used before, a factor the pool no longer allows or the user may no longer
 * use (MFA turned on since) — is
 * NotAuthorizedException "Invalid session for the user, session is expired."; the status gates (disabled, not
 * confirmed) answer as for any sign-in.
 */
export async function signInWithConfirmedSession(deps: AuthDeps, ctx: AuthContext, name: string, user: UserRecord | null, session: string): Promise<AuthOutput> {
  if (!user && !hidesUsersIn(ctx)) {
    deps.metrics.signInFailure('unknown_user');
    throw new UserNotFoundException(MSG.userNotFound);
  }
  const s = openState(deps, ctx, session, 'SIGN_UP_CONFIRMED', MSG.sessionExpired);
  if (!user || s.username !== user.username || s.sub !== user.sub) throw new NotAuthorizedException(MSG.sessionExpired);
  const factor = s.medium === 'SMS' ? 'SMS_OTP' : 'EMAIL_OTP';
  // The code must still be a first factor the user may use: not where the pool stopped allowing it, nor for a user
  // who turned MFA on since (userFirstFactors), whom the code alone would sign in with their MFA skipped.
  if (!userFirstFactors(deps, ctx.pool, user).includes(factor)) throw new NotAuthorizedException(MSG.sessionExpired);
  await preAuthentication(deps, ctx, user, name);
  statusGate(deps, user);
  await consumeMfaSession(deps, s); // once
  return completeSignIn(deps, ctx, user, 'TokenGeneration_Authentication');
}
