// SOFTWARE_TOKEN_MFA: the code of the user's TOTP authenticator (±1 step, each step's code accepted once).
import { mfaCodeMismatch, useTotpCode } from '../../domain/mfa.ts';
import type { AuthContext, AuthDeps, AuthOutput } from '../context.ts';
import type { RespondInput } from '../index.ts';
import { answerFactor } from '../mfa.ts';

export function softwareTokenMfa(deps: AuthDeps, ctx: AuthContext, input: RespondInput): Promise<AuthOutput> {
  return answerFactor(deps, ctx, input, 'SOFTWARE_TOKEN_MFA', 'SOFTWARE_TOKEN_MFA_CODE', (user, code) =>
    useTotpCode(deps, ctx.pool, user.usernameKey, code, mfaCodeMismatch),
  );
}
