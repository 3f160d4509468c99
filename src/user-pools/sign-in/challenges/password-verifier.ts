// PASSWORD_VERIFIER — USER_SRP_AUTH round 2 (§4.4): checks PASSWORD_CLAIM_SIGNATURE against the sealed SECRET_BLOCK.
import { NotAuthorizedException } from '../../errors.ts';
import { parseSrpTimestamp, startServerSession, verifyPasswordClaim } from '../../srp.ts';
import { openCredentials, srpPoolName } from '../../domain/passwords.ts';
import { checkSecretHash, requireSecretHashPresent, secretHashNames } from '../../domain/secret-hash.ts';
import type { RespondInput } from '../index.ts';
import { MSG, param, type AuthContext, type AuthDeps, type AuthOutput } from '../context.ts';
import { consumeState, fromSecretBlock, openState } from '../session-state.ts';
import { simulatedVerifier } from '../simulation.ts';
import { afterPrimaryFactor, checkPrimaryFactor, userByInternalName } from '../steps.ts';

export async function passwordVerifier(deps: AuthDeps, ctx: AuthContext, input: RespondInput): Promise<AuthOutput> {
  const r = input.ChallengeResponses ?? {};
  const name = param(r, 'USERNAME');
  const block = param(r, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const signature = param(r, 'PASSWORD_CLAIM_SIGNATURE');
  const timestamp = param(r, 'TIMESTAMP');
  requireSecretHashPresent(deps, ctx.client, r.SECRET_HASH);
  const s = openState(deps, ctx, fromSecretBlock(block), 'PASSWORD_VERIFIER', MSG.incorrect);
  if (name !== s.username && name !== s.given) throw new NotAuthorizedException(MSG.incorrect);
  await consumeState(deps, s);
  const user = s.simulated ? null : await userByInternalName(deps, ctx.pool, s.username);
  checkSecretHash(deps, ctx.client, r.SECRET_HASH, secretHashNames(name, user));
  if (!user) {
    deps.metrics.signInFailure('unknown_user');
    // A simulated challenge: do the work of a real check (same timing), then fail as a wrong password does.
    if (s.srp) {
      const { verifierHex } = await simulatedVerifier(deps, ctx.pool, s.username || s.given);
      startServerSession(verifierHex, s.srp.A, Buffer.from(s.srp.b, 'hex'));
    }
    throw new NotAuthorizedException(MSG.incorrect);
  }
  await checkPrimaryFactor(deps, ctx, user, async () => {
    const creds = openCredentials(deps, user);
    // AWS rejects a TIMESTAMP not in the client format (zero-padded day, wrong weekday) — measured, §4.4 step 6.
    if (!creds.srpVerifierHex || !s.srp || !parseSrpTimestamp(timestamp)) return false;
    const { srpBHex } = startServerSession(creds.srpVerifierHex, s.srp.A, Buffer.from(s.srp.b, 'hex'));
    return verifyPasswordClaim({
      poolName: srpPoolName(ctx.pool.id),
      userIdForSrp: user.username,
      secretBlockB64: block,
      timestamp,
      srpAHex: s.srp.A,
      srpBHex,
      bHex: s.srp.b,
      verifierHex: creds.srpVerifierHex,
      signatureB64: signature,
    });
  });
  return afterPrimaryFactor(deps, ctx, user, s.given);
}
