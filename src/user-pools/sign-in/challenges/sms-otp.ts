// SMS_OTP (USER_AUTH, a passwordless first factor): the code sent to the user's phone number for this sign-in.
import type { AuthContext, AuthDeps, AuthOutput } from '../context.ts';
import type { RespondInput } from '../index.ts';
import { answerFactor, checkSentCode } from '../mfa.ts';

export function smsOtp(deps: AuthDeps, ctx: AuthContext, input: RespondInput): Promise<AuthOutput> {
  return answerFactor(deps, ctx, input, 'SMS_OTP', 'SMS_OTP_CODE', (user, code, s) => checkSentCode(deps, ctx, user, s, code));
}
