// PASSWORD_VERIFIER — USER_SRP_AUTH round 2 (§4.4): checks PASSWORD_CLAIM_SIGNATURE against the sealed SECRET_BLOCK.
import { NotAuthorizedException } from '../../errors.ts';
import { parseSrpTimestamp, startServerSession, verifyPasswordClaim } from '../../srp.ts';
import { openCredentials, srpPoolName } from '../../domain/passwords.ts';
import { checkSecretHash, requireSecretHashPresent, secretHashNames } from '../../domain/secret-hash.ts';
import type { RespondInput } from '../index.ts';
import { MSG, param, type AuthContext, type AuthDeps, type AuthOutput } from '../context.ts';
import { fromSecretBlock, openState, stateUse } from '../session-state.ts';
import { simulatedVerifier } from '../simulation.ts';
import { nextCustomStep } from '../flows/custom-auth.ts';
import { mfaChallengeFor } from '../mfa.ts';
import { afterPrimaryFactor, checkPrimaryFactor, knownDevice, unknownPrimaryFactor, userByInternalName } from '../steps.ts';

export async function passwordVerifier(deps: AuthDeps, ctx: AuthContext, input: RespondInput): Promise<AuthOutput> {
  const r = input.ChallengeResponses ?? {};
  const name = param(r, 'USERNAME');
  const block = param(r, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const signature = param(r, 'PASSWORD_CLAIM_SIGNATURE');
  const timestamp = param(r, 'TIMESTAMP');
  requireSecretHashPresent(deps, ctx.client, r.SECRET_HASH);
  const s = openState(deps, ctx, fromSecretBlock(block), 'PASSWORD_VERIFIER', MSG.incorrect);
  if (name !== s.username && name !== s.given) throw new NotAuthorizedException(MSG.incorrect);
  // Real or simulated, round 2 does the same work: read the user, take an attempt under the lockout (which marks the
  // state used, in the same write), check the proof against a verifier (the stored one, or round 1's simulated
  // one), so that neither the answer nor its time tells.
  const use = stateUse(deps, s);
  const user = await userByInternalName(deps, ctx.pool, s.username);
  checkSecretHash(deps, ctx.client, r.SECRET_HASH, secretHashNames(name, user));
  const stored = user ? openCredentials(deps, user).srpVerifierHex : undefined;
  const proofHolds = async (verifierHex: string) => {
    // AWS rejects a TIMESTAMP not in the client format (zero-padded day, wrong weekday) — measured, §4.4 step 6.
    if (!s.srp || !parseSrpTimestamp(timestamp)) return false;
    // Round 1 kept u = H(A | B); only a state sealed before it did needs B again (another g^b).
    const u = s.srp.u ? { uHex: s.srp.u } : { srpBHex: startServerSession(verifierHex, s.srp.A, Buffer.from(s.srp.b, 'hex')).srpBHex };
    return verifyPasswordClaim({
      poolName: srpPoolName(ctx.pool.id),
      userIdForSrp: s.username,
      secretBlockB64: block,
      timestamp,
      srpAHex: s.srp.A,
      ...u,
      bHex: s.srp.b,
      verifierHex,
      signatureB64: signature,
    });
  };
  const simulated = async () => proofHolds((await simulatedVerifier(deps, ctx.pool, s.username)).verifierHex);
  // A DEVICE_KEY the user has no device for is refused before the state is used: amazon-cognito-identity-js then
  // answers again, with the same SECRET_BLOCK, without it.
  const deviceKey = await knownDevice(deps, ctx, user, r.DEVICE_KEY);
  // A simulated challenge of a name nobody has: the name's lockout, then "Incorrect username or password.".
  if (!user) {
    deps.metrics.signInFailure('unknown_user');
    return unknownPrimaryFactor(deps, ctx, s.given, simulated, use);
  }
  // A user without an SRP verifier got a simulated challenge too; it fails under their lockout.
  const attempt = await checkPrimaryFactor(deps, ctx, user, async () => (stored ? proofHolds(stored) : (await simulated(), false)), use);
  // A temporary password, even in CUSTOM_AUTH with SRP first, is followed by NEW_PASSWORD_REQUIRED and then tokens,
  // DefineAuthChallenge not asked again (observed: amazon-cognito-identity-js#341, SRP_A → PASSWORD_VERIFIER →
  // NEW_PASSWORD_REQUIRED → tokens). A passwordless CUSTOM_AUTH never gets here: its challenges alone may sign a
  // FORCE_CHANGE_PASSWORD user in (AWS, amazon-cognito-passwordless-auth#194), the status unchanged.
  if (!s.custom || user.status === 'FORCE_CHANGE_PASSWORD') return afterPrimaryFactor(deps, ctx, user, s.given, attempt, deviceKey);
  // CUSTOM_AUTH with SRP first: the password held. MFA the user owes follows it, as a password sign-in's does, and
  // its right code ends the sign-in with tokens, DefineAuthChallenge not asked again (AWS: "If MFA is enabled for a
  // user, it is handled automatically after the password is verified"; observed on AWS, amplify-js#3876, and what
  // amazon-cognito-identity-js's sendMFACode expects: tokens or DEVICE_SRP_AUTH after the code). Without MFA,
  // DefineAuthChallenge decides what follows, the session showing SRP_A and PASSWORD_VERIFIER.
  await attempt.succeeded();
  const session = [...s.custom.session, { challengeName: 'PASSWORD_VERIFIER' as const, challengeResult: true, challengeMetadata: null }];
  const mfa = await mfaChallengeFor(deps, ctx, user, s.given, deviceKey);
  return mfa ?? nextCustomStep(deps, ctx, user, s.given, session);
}
