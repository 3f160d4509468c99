// CUSTOM_CHALLENGE (§5.4, §5.5): the client's ANSWER goes to VerifyAuthChallengeResponse with the private challenge
// parameters kept server-side; its verdict joins the session history and DefineAuthChallenge decides what follows.
import { NotAuthorizedException } from '../../errors.ts';
import { checkSecretHash, requireSecretHashPresent, secretHashNames } from '../../domain/secret-hash.ts';
import { runVerifyAuthChallenge } from '../../triggers/custom-auth.ts';
import type { RespondInput } from '../index.ts';
import { metadataFor, MSG, param, type AuthContext, type AuthDeps, type AuthOutput } from '../context.ts';
import { nextCustomStep, pendingPurpose, type PendingChallenge } from '../flows/custom-auth.ts';
import { consumeState, openState } from '../session-state.ts';
import { userByInternalName } from '../steps.ts';

export async function customChallenge(deps: AuthDeps, ctx: AuthContext, input: RespondInput): Promise<AuthOutput> {
  const r = input.ChallengeResponses ?? {};
  const name = param(r, 'USERNAME');
  const answer = param(r, 'ANSWER');
  requireSecretHashPresent(deps, ctx.client, r.SECRET_HASH);
  const s = openState(deps, ctx, input.Session, 'CUSTOM_CHALLENGE', MSG.sessionInvalid);
  if (name !== s.username && name !== s.given) throw new NotAuthorizedException(MSG.incorrect);
  const user = await userByInternalName(deps, ctx.pool, s.username);
  checkSecretHash(deps, ctx.client, r.SECRET_HASH, secretHashNames(name, user));
  // Single use, across processes: a Session answered once (right or wrong) is spent; the next round has its own.
  await consumeState(deps, s);
  const purpose = pendingPurpose(s.nonce);
  const record = await deps.store.codes.get(ctx.pool.id, s.username, purpose);
  if (!record || record.expiresAt <= deps.clock.now() || typeof record.data.sealed !== 'string')
    throw new NotAuthorizedException(MSG.sessionExpired);
  await deps.store.codes.delete(ctx.pool.id, s.username, purpose);
  const pending = JSON.parse(deps.secrets.decryptString(record.data.sealed)) as PendingChallenge;
  const metadata = metadataFor(ctx, 'respond');
  const correct = await runVerifyAuthChallenge(deps, ctx.pool, {
    user,
    userName: s.given,
    caller: ctx.caller,
    session: pending.session,
    privateChallengeParameters: pending.privateChallengeParameters,
    challengeAnswer: answer,
    ...(metadata ? { clientMetadata: metadata } : {}),
  });
  const session = [...pending.session, { challengeName: 'CUSTOM_CHALLENGE' as const, challengeResult: correct, challengeMetadata: pending.challengeMetadata }];
  return nextCustomStep(deps, ctx, user, s.given, session);
}
