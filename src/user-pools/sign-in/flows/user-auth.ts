// USER_AUTH, choice-based sign-in (COGNITO-API §4, §5): the first factor is one the pool allows
// (Policies.SignInPolicy.AllowedFirstAuthFactors) and the user can use — PASSWORD (the password in the request),
// PASSWORD_SRP (SRP, then PASSWORD_VERIFIER), EMAIL_OTP or SMS_OTP (a code sent to the user). PREFERRED_CHALLENGE
// picks one; without it, or when the user cannot use it, SELECT_CHALLENGE lists the choices (AvailableChallenges)
// and challenges/select-challenge.ts takes the ANSWER. A one-time code as first factor completes the sign-in
// without a further MFA challenge (Cognito: passwordless sign-in is not followed by MFA), so a pool with MFA ON allows
// none (poolFirstFactors), and in a pool with MFA OPTIONAL a user who has MFA active may not use one (userFirstFactors;
// as the brief for issue 11 reads Cognito's passwordless guide — the exact AWS wording was not found in the reference
// corpora).
import { UserNotFoundException } from '../../errors.ts';
import type { PoolRecord, UserRecord } from '../../../storage/records.ts';
import { openCredentials } from '../../domain/passwords.ts';
import { mfaMembers } from '../../domain/admin-users.ts';
import { userHasMfaActive } from '../../domain/mfa.ts';
import type { GetUserAuthFactorsResponse } from '../../shapes.ts';
import { checkSecretHash, requireSecretHashPresent, secretHashNames } from '../../domain/secret-hash.ts';
import { poolSettings } from '../../domain/pools.ts';
import { findUserBySignInName } from '../../domain/users.ts';
import { MSG, param, type AuthContext, type AuthDeps, type AuthOutput, type ChallengeName } from '../context.ts';
import { askFactor } from '../mfa.ts';
import { sealState } from '../session-state.ts';
import { simulatedDestination, simulatedUserId } from '../simulation.ts';
import { hidesUsersIn, preAuthentication, statusGate, userMaySignIn } from '../steps.ts';
import { userPasswordAuth } from './user-password.ts';
import { userSrpAuth } from './user-srp.ts';
import { signInWithConfirmedSession, takesConfirmedSession } from '../sign-up-session.ts';

export type FirstFactor = 'PASSWORD' | 'PASSWORD_SRP' | 'EMAIL_OTP' | 'SMS_OTP';

/**
 * The pool's allowed first factors as challenges (PASSWORD allows both PASSWORD and PASSWORD_SRP). Under MFA ON only
 * the password ones: Cognito refuses that configuration with a one-time code first (pool-mfa.ts
 * checkFirstFactorsUnderMfa), and a pool stored with it before Cognate refused it too never gets a one-factor sign-in.
 */
export function poolFirstFactors(pool: PoolRecord): FirstFactor[] {
  const allowed = pool.settings.Policies?.SignInPolicy?.AllowedFirstAuthFactors ?? ['PASSWORD'];
  const out: FirstFactor[] = [];
  if (allowed.includes('PASSWORD')) out.push('PASSWORD', 'PASSWORD_SRP');
  if (poolSettings(pool).MfaConfiguration === 'ON') return out;
  if (allowed.includes('EMAIL_OTP')) out.push('EMAIL_OTP');
  if (allowed.includes('SMS_OTP')) out.push('SMS_OTP');
  return out;
}

/**
 * The first factors `user` can use in this pool: a password for PASSWORD(_SRP), an email address, a phone number.
 * A one-time code is no first factor for a user with MFA active (a factor turned on, or the legacy MFAOptions) where
 * the pool's MFA is not OFF: it would sign them in with that one factor, their MFA skipped.
 */
export function userFirstFactors(deps: Pick<AuthDeps, 'secrets'>, pool: PoolRecord, user: UserRecord): FirstFactor[] {
  const hasPassword = Boolean(openCredentials(deps, user).passwordHash);
  const mfaActive = (poolSettings(pool).MfaConfiguration ?? 'OFF') !== 'OFF' && userHasMfaActive(user);
  return poolFirstFactors(pool).filter((f) => {
    if (f === 'PASSWORD' || f === 'PASSWORD_SRP') return hasPassword;
    if (mfaActive) return false;
    if (f === 'EMAIL_OTP') return Boolean(user.attributes.email);
    return Boolean(user.attributes.phone_number);
  });
}

/**
 * GetUserAuthFactors / AdminGetUserAuthFactors: the user's MFA settings and the first factors they can sign in with
 * by USER_AUTH in this pool (ConfiguredUserAuthFactors names PASSWORD once, for PASSWORD and PASSWORD_SRP).
 */
export function userAuthFactors(deps: Pick<AuthDeps, 'secrets'>, pool: PoolRecord, user: UserRecord): GetUserAuthFactorsResponse {
  const configured = userFirstFactors(deps, pool, user).filter((f) => f !== 'PASSWORD_SRP') as NonNullable<GetUserAuthFactorsResponse['ConfiguredUserAuthFactors']>;
  const { PreferredMfaSetting, UserMFASettingList } = mfaMembers(user);
  return {
    Username: user.username,
    ...(PreferredMfaSetting ? { PreferredMfaSetting } : {}),
    ...(UserMFASettingList ? { UserMFASettingList } : {}),
    ConfiguredUserAuthFactors: configured,
  };
}

export async function userAuth(deps: AuthDeps, ctx: AuthContext, params: Record<string, string>, input?: { Session?: string }): Promise<AuthOutput> {
  const name = param(params, 'USERNAME');
  const preferred = params.PREFERRED_CHALLENGE;
  requireSecretHashPresent(deps, ctx.client, params.SECRET_HASH);
  const user = await findUserBySignInName(deps, ctx.pool, name);
  checkSecretHash(deps, ctx.client, params.SECRET_HASH, secretHashNames(name, user));
  // ConfirmSignUp's Session: the confirmation code was the first factor (sign-up-session.ts).
  if (input?.Session !== undefined && takesConfirmedSession(ctx)) return signInWithConfirmedSession(deps, ctx, name, user, input.Session);
  const allowed = poolFirstFactors(ctx.pool);
  const hides = hidesUsersIn(ctx);
  // The password flows know how to answer for a name nobody has (migration, hidden users) and for a user without a
  // password (hidden users: a dummy check, then "Incorrect username or password."): they take it from here.
  if (preferred === 'PASSWORD' && allowed.includes('PASSWORD') && (!user || hides || userFirstFactors(deps, ctx.pool, user).includes('PASSWORD'))) {
    return userPasswordAuth(deps, ctx, params);
  }
  if (preferred === 'PASSWORD_SRP' && allowed.includes('PASSWORD_SRP') && (!user || hides || userFirstFactors(deps, ctx.pool, user).includes('PASSWORD_SRP'))) {
    return userSrpAuth(deps, ctx, params);
  }
  if (!user && !hides) {
    deps.metrics.signInFailure('unknown_user');
    throw new UserNotFoundException(MSG.userNotFound);
  }
  await preAuthentication(deps, ctx, user, name);
  if (hides) {
    // Hidden users: every name — nobody's, a user's who may not sign in (disabled, UNCONFIRMED, RESET_REQUIRED) or
    // lacks the factor, or a user's who may — is offered every first factor the pool allows (Cognito: "a random
    // choice from the challenge types allowed by the user pool"); a code asked for goes out after the answer
    // (askOtp) or is simulated (no code, every code wrong), so neither the answer nor its time tells them apart.
    if ((preferred === 'EMAIL_OTP' || preferred === 'SMS_OTP') && allowed.includes(preferred)) return otpOrSimulated(deps, ctx, user, name, preferred);
    return selectChallenge(deps, ctx, user?.username ?? name, name, allowed);
  }
  if (!user) throw new UserNotFoundException(MSG.userNotFound); // (not reached: LEGACY refused it above)
  statusGate(deps, user);
  const usable = userFirstFactors(deps, ctx.pool, user);
  if ((preferred === 'EMAIL_OTP' || preferred === 'SMS_OTP') && usable.includes(preferred)) return askOtp(deps, ctx, user, name, preferred);
  // No preference, or one the pool does not allow or the user cannot use: the user chooses.
  return selectChallenge(deps, ctx, user.username, name, usable);
}

/**
 * EMAIL_OTP / SMS_OTP as first factor: the code is sent (as the MFA codes are), answered with EMAIL_OTP_CODE /
 * SMS_OTP_CODE. With users hidden it is stored and sent after the answer (mfa.ts askFactor).
 */
export function askOtp(deps: AuthDeps, ctx: AuthContext, user: UserRecord, given: string, factor: 'EMAIL_OTP' | 'SMS_OTP'): Promise<AuthOutput> {
  const afterAnswer = hidesUsersIn(ctx);
  return factor === 'EMAIL_OTP'
    ? askFactor(deps, ctx, user, given, 'EMAIL_OTP', undefined, false, 'EMAIL_OTP', afterAnswer)
    : askFactor(deps, ctx, user, given, 'SMS_MFA', undefined, false, 'SMS_OTP', afterAnswer);
}

/**
 * Users hidden: a one-time code first factor for `name` — sent to the user when they may sign in and have the
 * attribute, else simulated exactly as for a name nobody has (simulatedOtp), so a disabled, unconfirmed or
 * unreachable user is not told apart by the challenge, its destination or the answer to a code.
 */
export function otpOrSimulated(deps: AuthDeps, ctx: AuthContext, user: UserRecord | null, name: string, factor: 'EMAIL_OTP' | 'SMS_OTP'): Promise<AuthOutput> {
  if (user && userMaySignIn(user) && userFirstFactors(deps, ctx.pool, user).includes(factor)) return askOtp(deps, ctx, user, name, factor);
  return simulatedOtp(deps, ctx, name, factor);
}

/**
 * EMAIL_OTP / SMS_OTP for a name nobody has, users hidden: the challenge a user gets, to a simulated destination;
 * nothing is sent, and every code is wrong (mfa.ts openMfaSession), under the name's lockout.
 */
export async function simulatedOtp(deps: AuthDeps, ctx: AuthContext, name: string, factor: 'EMAIL_OTP' | 'SMS_OTP'): Promise<AuthOutput> {
  const medium = factor === 'EMAIL_OTP' ? 'EMAIL' : 'SMS';
  return {
    ChallengeName: factor,
    Session: sealState(deps, ctx, { username: name, given: name, challenge: factor, code: 'none' }),
    ChallengeParameters: {
      CODE_DELIVERY_DELIVERY_MEDIUM: medium,
      CODE_DELIVERY_DESTINATION: await simulatedDestination(deps, ctx.pool, name, medium),
      ...(factor === 'SMS_OTP' ? { USER_ID_FOR_SRP: await simulatedUserId(deps, ctx.pool, name) } : {}),
    },
  };
}

function selectChallenge(deps: AuthDeps, ctx: AuthContext, username: string, given: string, available: FirstFactor[]): AuthOutput {
  return {
    ChallengeName: 'SELECT_CHALLENGE',
    Session: sealState(deps, ctx, { username, given, challenge: 'SELECT_CHALLENGE' }),
    ChallengeParameters: {},
    AvailableChallenges: available as ChallengeName[],
  };
}
