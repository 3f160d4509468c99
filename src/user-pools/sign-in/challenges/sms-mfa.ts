// SMS_MFA: the code sent to the user's phone number for this sign-in.
import type { AuthContext, AuthDeps, AuthOutput } from '../context.ts';
import type { RespondInput } from '../index.ts';
import { answerFactor, checkSentCode } from '../mfa.ts';

export function smsMfa(deps: AuthDeps, ctx: AuthContext, input: RespondInput): Promise<AuthOutput> {
  return answerFactor(deps, ctx, input, 'SMS_MFA', 'SMS_MFA_CODE', (user, code, s) => checkSentCode(deps, ctx, user, s, code));
}
