// MFA_SETUP: a pool that requires MFA signs in a user without a factor only once they enrolled one. For TOTP the
// Session goes to AssociateSoftwareToken (→ SecretCode and a new Session), then VerifySoftwareToken (→ a new
// Session), and this answer with that Session ends the sign-in with tokens (COGNITO-API §5.4). Email: {USERNAME,
// EMAIL} → an EMAIL_OTP challenge.
//
// A sign-in that named a confirmed device (DEVICE_KEY) keeps it through the setup Sessions, as the other MFA
// challenges do. After email enrolment its EMAIL_OTP answer is followed by DEVICE_SRP_AUTH, as after any MFA code.
// After TOTP enrolment the clients (amazon-cognito-identity-js verifySoftwareToken, Amplify's MFA_SETUP step) expect
// tokens and answer no device challenge: a client that names the device again in this answer's DEVICE_KEY gets
// DEVICE_SRP_AUTH and tokens bound to that device once it proved itself; otherwise the device is not proved, and the
// tokens come with a new device (NewDeviceMetadata), as for any sign-in that proved none.
import { InvalidParameterException } from '../../errors.ts';
import type { AuthContext, AuthDeps, AuthOutput } from '../context.ts';
import type { RespondInput } from '../index.ts';
import { askFactor, assertTotpOffered, consumeMfaSession, openMfaSession } from '../mfa.ts';
import { poolFactors } from '../../domain/mfa.ts';
import { completeSignIn } from '../steps.ts';
import { deviceSrpChallenge } from './device-srp.ts';

/** Wording ours: Cognito's answer to MFA_SETUP before a factor was enrolled is not documented. */
export const MSG_SETUP_INCOMPLETE = 'MFA setup is not complete: verify a software token with this session first.';

/** Wording ours: MFA_SETUP answered with EMAIL in a pool that does not offer email MFA. */
export const MSG_NO_EMAIL_MFA = 'Email MFA is not enabled for this user pool.';
/** Wording ours (a limitation of Cognate): EMAIL at MFA_SETUP must be the user's current email address. */
export const MSG_SETUP_EMAIL_MISMATCH = "EMAIL must be the user's current email address.";

export async function mfaSetup(deps: AuthDeps, ctx: AuthContext, input: RespondInput): Promise<AuthOutput> {
  const r = input.ChallengeResponses ?? {};
  const { s, user } = await openMfaSession(deps, ctx, input.Session, 'MFA_SETUP', r);
  // Email MFA enrolled inside MFA_SETUP ({USERNAME, EMAIL}): an EMAIL_OTP challenge to that address, whose right code
  // turns email MFA on (mfa.ts answerFactor) and ends the sign-in.
  if (r.EMAIL !== undefined) {
    if (!poolFactors(ctx.pool).includes('EMAIL_OTP')) throw new InvalidParameterException(MSG_NO_EMAIL_MFA);
    const email = user.attributes.email;
    if (!email || email.toLowerCase() !== r.EMAIL.trim().toLowerCase()) throw new InvalidParameterException(MSG_SETUP_EMAIL_MISMATCH);
    await consumeMfaSession(deps, s);
    return askFactor(deps, ctx, user, s.given, 'EMAIL_OTP', s.device, true);
  }
  if (s.mfaSetup !== 'verified') throw new InvalidParameterException(MSG_SETUP_INCOMPLETE);
  assertTotpOffered(ctx); // the pool may have stopped offering TOTP since the enrolment
  await consumeMfaSession(deps, s);
  if (s.device !== undefined && r.DEVICE_KEY === s.device) return deviceSrpChallenge(deps, ctx, user, s.given, s.device);
  return completeSignIn(deps, ctx, user, 'TokenGeneration_Authentication');
}
