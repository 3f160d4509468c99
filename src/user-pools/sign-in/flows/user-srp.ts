// USER_SRP_AUTH round 1 (§4.3): SALT, SRP_B and the sealed SECRET_BLOCK; round 2 is challenges/password-verifier.ts.
import { InvalidParameterException } from '../../errors.ts';
import { startServerSession } from '../../srp.ts';
import { openCredentials } from '../../domain/passwords.ts';
import type { UserRecord } from '../../../storage/records.ts';
import { param, type AuthContext, type AuthDeps, type AuthOutput } from '../context.ts';
import { sealState, toSecretBlock, type SealedState } from '../session-state.ts';
import { simulatedUserId, simulatedVerifier } from '../simulation.ts';
import { openUsernameFlow } from '../steps.ts';

const HEX = /^[0-9a-fA-F]{1,1024}$/;

export async function userSrpAuth(deps: AuthDeps, ctx: AuthContext, params: Record<string, string>): Promise<AuthOutput> {
  const name = param(params, 'USERNAME');
  const A = param(params, 'SRP_A');
  checkSrpA(A);
  // Unknown user: LEGACY says so now; ENABLED carries on with a simulated challenge that fails in round 2. (No
  // migration here: SRP never shows the password, so UserMigration runs only on the password flows.)
  const user = await openUsernameFlow(deps, ctx, params, name);
  return passwordVerifierChallenge(deps, ctx, user, name, A);
}

/** SRP_A must be hex (checked before anything is looked up). */
export function checkSrpA(A: string): void {
  if (!HEX.test(A)) throw new InvalidParameterException('SRP_A is not a valid hexadecimal number.'); // ours
}

/**
 * Round 1 for `user` (null: a simulated challenge of a name nobody has): SALT, SRP_B and the sealed SECRET_BLOCK.
 * `custom` marks a CUSTOM_AUTH sign-in, whose round 2 goes back to DefineAuthChallenge with this session history.
 */
export async function passwordVerifierChallenge(
  deps: AuthDeps,
  ctx: AuthContext,
  user: UserRecord | null,
  name: string,
  A: string,
  custom?: SealedState['custom'],
): Promise<AuthOutput> {
  const creds = user ? openCredentials(deps, user) : {};
  const userId = user ? user.username : await simulatedUserId(deps, ctx.pool, name);
  const { saltHex, verifierHex } =
    creds.srpVerifierHex && creds.srpSaltHex ? { saltHex: creds.srpSaltHex, verifierHex: creds.srpVerifierHex } : await simulatedVerifier(deps, ctx.pool, userId);
  let srpBHex: string;
  let bHex: string;
  let uHex: string;
  try {
    ({ srpBHex, bHex, uHex } = startServerSession(verifierHex, A, deps.random.bytes(32)));
  } catch (e) {
    if (e instanceof Error && e.message === 'SRP_A') throw new InvalidParameterException('SRP_A is not a valid value.'); // ours
    throw e;
  }
  const sealed = sealState(deps, ctx, {
    username: userId,
    given: name,
    challenge: 'PASSWORD_VERIFIER',
    srp: { A, b: bHex, u: uHex },
    ...(custom ? { custom } : {}),
  });
  // No Session at this step (measured on AWS, §4.3): the state travels in SECRET_BLOCK. It does not say whether the
  // challenge is simulated (round 2 asks the store), so a simulated one is no longer or shorter than a real one.
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: { SALT: saltHex, SECRET_BLOCK: toSecretBlock(sealed), SRP_B: srpBHex, USERNAME: userId, USER_ID_FOR_SRP: userId },
  };
}
