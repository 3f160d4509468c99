// MFA_SETUP: a pool that requires MFA signs in a user without a factor only once they enrolled one. For TOTP the
// Session goes to AssociateSoftwareToken (→ SecretCode and a new Session), then VerifySoftwareToken (→ a new
// Session), and this answer with that Session ends the sign-in with tokens (COGNITO-API §5.4).
import { InvalidParameterException } from '../../errors.ts';
import type { AuthContext, AuthDeps, AuthOutput } from '../context.ts';
import type { RespondInput } from '../index.ts';
import { consumeMfaSession, openMfaSession } from '../mfa.ts';
import { completeSignIn } from '../steps.ts';

/** Wording ours: Cognito's answer to MFA_SETUP before a factor was enrolled is not documented. */
export const MSG_SETUP_INCOMPLETE = 'MFA setup is not complete: verify a software token with this session first.';

export async function mfaSetup(deps: AuthDeps, ctx: AuthContext, input: RespondInput): Promise<AuthOutput> {
  const { s, user } = await openMfaSession(deps, ctx, input.Session, 'MFA_SETUP', input.ChallengeResponses ?? {});
  if (s.mfaSetup !== 'verified') throw new InvalidParameterException(MSG_SETUP_INCOMPLETE);
  await consumeMfaSession(deps, s);
  return completeSignIn(deps, ctx, user, 'TokenGeneration_Authentication');
}
