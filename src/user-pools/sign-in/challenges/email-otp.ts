// EMAIL_OTP (as an MFA factor): the code sent to the user's email address for this sign-in.
import type { AuthContext, AuthDeps, AuthOutput } from '../context.ts';
import type { RespondInput } from '../index.ts';
import { answerFactor, checkSentCode } from '../mfa.ts';

export function emailOtp(deps: AuthDeps, ctx: AuthContext, input: RespondInput): Promise<AuthOutput> {
  return answerFactor(deps, ctx, input, 'EMAIL_OTP', 'EMAIL_OTP_CODE', (user, code, s) => checkSentCode(deps, ctx, user, s, code));
}
