// SELECT_CHALLENGE (USER_AUTH, flows/user-auth.ts): the user's choice of first factor, ANSWER = PASSWORD (with
// PASSWORD → tokens or what follows a password), PASSWORD_SRP (with SRP_A → PASSWORD_VERIFIER), EMAIL_OTP or SMS_OTP
// (the code is sent → that challenge). A factor that was not offered is refused.
import { InvalidParameterException, NotAuthorizedException } from '../../errors.ts';
import { checkSecretHash, requireSecretHashPresent, secretHashNames } from '../../domain/secret-hash.ts';
import type { RespondInput } from '../index.ts';
import { MSG, param, type AuthContext, type AuthDeps, type AuthOutput } from '../context.ts';
import { consumeMfaSession } from '../mfa.ts';
import { openState } from '../session-state.ts';
import { askOtp, otpOrSimulated, poolFirstFactors, userFirstFactors } from '../flows/user-auth.ts';
import { checkSrpA, passwordVerifierChallenge } from '../flows/user-srp.ts';
import { afterPrimaryFactor, checkPrimaryFactor, hidesUsersIn, passwordMatches, statusGate, unknownUser, userByInternalName } from '../steps.ts';

export async function selectChallengeAnswer(deps: AuthDeps, ctx: AuthContext, input: RespondInput): Promise<AuthOutput> {
  const r = input.ChallengeResponses ?? {};
  const name = param(r, 'USERNAME');
  const answer = param(r, 'ANSWER');
  requireSecretHashPresent(deps, ctx.client, r.SECRET_HASH);
  const s = openState(deps, ctx, input.Session, 'SELECT_CHALLENGE', MSG.sessionExpired);
  const user = await userByInternalName(deps, ctx.pool, s.username);
  const names = secretHashNames(s.given, user);
  if (!names.includes(name)) throw new NotAuthorizedException(MSG.sessionExpired);
  checkSecretHash(deps, ctx.client, r.SECRET_HASH, names);
  // Users hidden: every name was offered every factor the pool allows (flows/user-auth.ts).
  const hides = hidesUsersIn(ctx);
  const offered = user && !hides ? userFirstFactors(deps, ctx.pool, user) : poolFirstFactors(ctx.pool);
  if (!(offered as string[]).includes(answer)) throw new InvalidParameterException(`The challenge ${answer} is not available for this user.`); // ours
  // Password answers must carry their parameter before the session is used.
  const password = answer === 'PASSWORD' ? param(r, 'PASSWORD') : undefined;
  const A = answer === 'PASSWORD_SRP' ? param(r, 'SRP_A') : undefined;
  if (A !== undefined) checkSrpA(A);
  await consumeMfaSession(deps, s);
  if (password !== undefined) {
    if (!user) return unknownUser(deps, ctx, s.given, password);
    const attempt = await checkPrimaryFactor(deps, ctx, user, () => passwordMatches(deps, user, password));
    return afterPrimaryFactor(deps, ctx, user, s.given, attempt);
  }
  if (A !== undefined) return passwordVerifierChallenge(deps, ctx, user, s.given, A);
  if (hides) return otpOrSimulated(deps, ctx, user, s.given, answer as 'EMAIL_OTP' | 'SMS_OTP'); // user-auth.ts
  if (!user) throw new NotAuthorizedException(MSG.sessionExpired); // (not reached: LEGACY offers no choice to nobody)
  statusGate(deps, user);
  return askOtp(deps, ctx, user, s.given, answer as 'EMAIL_OTP' | 'SMS_OTP');
}
