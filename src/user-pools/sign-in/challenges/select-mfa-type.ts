// SELECT_MFA_TYPE: a user with several MFA factors and no preferred one names the factor for this sign-in (ANSWER),
// which is then asked as its own challenge.
import { InvalidParameterException } from '../../errors.ts';
import { usableFactors, type MfaFactor } from '../../domain/mfa.ts';
import { param, type AuthContext, type AuthDeps, type AuthOutput } from '../context.ts';
import type { RespondInput } from '../index.ts';
import { askFactor, consumeMfaSession, openMfaSession } from '../mfa.ts';

export async function selectMfaType(deps: AuthDeps, ctx: AuthContext, input: RespondInput): Promise<AuthOutput> {
  const r = input.ChallengeResponses ?? {};
  const { s, user } = await openMfaSession(deps, ctx, input.Session, 'SELECT_MFA_TYPE', r);
  const answer = param(r, 'ANSWER');
  const usable: string[] = usableFactors(ctx.pool, user);
  if (!usable.includes(answer)) throw new InvalidParameterException(`Invalid ANSWER: ${answer} is not one of ${usable.join(', ')}.`); // wording ours
  await consumeMfaSession(deps, s);
  return askFactor(deps, ctx, user, s.given, answer as MfaFactor, s.device);
}
