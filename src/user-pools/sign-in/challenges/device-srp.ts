// DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER (§4.5): after the password, a device the user confirmed proves itself
// by SRP against the verifier ConfirmDevice stored, with the DeviceGroupKey as "pool name" and the DeviceKey as user.
import type { UserRecord } from '../../../storage/records.ts';
import { InvalidParameterException, NotAuthorizedException } from '../../errors.ts';
import { parseSrpTimestamp, startServerSession, verifyPasswordClaim } from '../../srp.ts';
import { findDevice } from '../../domain/devices.ts';
import type { RespondInput } from '../index.ts';
import { MSG, param, type AuthContext, type AuthDeps, type AuthOutput, type ChallengeName } from '../context.ts';
import { consumeState, fromSecretBlock, openState, sealState, stateUse, toSecretBlock, type SealedState } from '../session-state.ts';
import { completeSignIn, statusGate, userByInternalName } from '../steps.ts';

const HEX = /^[0-9a-fA-F]{1,1024}$/;

/** The challenge that follows a correct password when the client named a device the user confirmed. */
export function deviceSrpChallenge(deps: AuthDeps, ctx: AuthContext, user: UserRecord, given: string, deviceKey: string): AuthOutput {
  return {
    ChallengeName: 'DEVICE_SRP_AUTH',
    Session: sealState(deps, ctx, { username: user.username, given, challenge: 'DEVICE_SRP_AUTH', device: deviceKey }),
    ChallengeParameters: {},
  };
}

/** The state's user, still allowed to sign in, and the state's device (named again by the client). */
async function stateUser(deps: AuthDeps, ctx: AuthContext, s: SealedState, r: Record<string, string>) {
  const name = param(r, 'USERNAME');
  const deviceKey = param(r, 'DEVICE_KEY');
  if ((name !== s.username && name !== s.given) || deviceKey !== s.device) throw new NotAuthorizedException(MSG.incorrect);
  const user = await userByInternalName(deps, ctx.pool, s.username);
  if (!user) throw new NotAuthorizedException(MSG.incorrect);
  statusGate(deps, user);
  return { user, device: await findDevice(deps, ctx.pool, user, deviceKey) };
}

/** The MFA challenges a device confirmed but not remembered answers before its DEVICE_SRP_AUTH. */
const MFA_BEFORE_DEVICE: ChallengeName[] = ['SOFTWARE_TOKEN_MFA', 'SMS_MFA', 'EMAIL_OTP'];
const mfaProvedKey = (s: SealedState) => `device-after-mfa:${s.nonce}`;

/** Notes that the MFA challenge of this (used) state was answered right, for the device SRP that follows it. */
export async function markMfaProved(deps: AuthDeps, s: SealedState): Promise<void> {
  await deps.store.counters.hit(mfaProvedKey(s), stateUse(deps, s).windowMs, deps.clock.now());
}

/**
 * The state DEVICE_SRP_AUTH is answered with, used up: its own Session, or — as amazon-cognito-identity-js sends
 * after sendMFACode, keeping the MFA challenge's Session — the state of an MFA challenge this device's sign-in
 * answered right (markMfaProved), once.
 */
async function openDeviceSrpState(deps: AuthDeps, ctx: AuthContext, session: string | undefined): Promise<SealedState> {
  try {
    const s = openState(deps, ctx, session, 'DEVICE_SRP_AUTH', MSG.sessionInvalid);
    await consumeState(deps, s);
    return s;
  } catch (e) {
    for (const challenge of MFA_BEFORE_DEVICE) {
      let s: SealedState;
      try {
        s = openState(deps, ctx, session, challenge, MSG.sessionInvalid);
      } catch {
        continue;
      }
      // Proved (markMfaProved; only read here, so that tries before the code cannot count up to it) and not used
      // for device SRP before (a key of its own).
      if (
        s.device !== undefined &&
        (await deps.store.counters.peek(mfaProvedKey(s), deps.clock.now())) >= 1 &&
        (await deps.store.counters.hit(`device-srp-after-mfa:${s.nonce}`, stateUse(deps, s).windowMs, deps.clock.now())) === 1
      )
        return s;
      break;
    }
    throw e;
  }
}

/** DEVICE_SRP_AUTH answered with the device's SRP_A: SALT, SRP_B and the sealed SECRET_BLOCK of round 2. */
export async function deviceSrpAuth(deps: AuthDeps, ctx: AuthContext, input: RespondInput): Promise<AuthOutput> {
  const r = input.ChallengeResponses ?? {};
  const A = param(r, 'SRP_A');
  if (!HEX.test(A)) throw new InvalidParameterException('SRP_A is not a valid hexadecimal number.'); // ours
  const s = await openDeviceSrpState(deps, ctx, input.Session);
  const { user, device } = await stateUser(deps, ctx, s, r);
  const { saltHex, verifierHex } = JSON.parse(deps.secrets.decryptString(device.verifierSealed!)) as { saltHex: string; verifierHex: string };
  let started;
  try {
    started = startServerSession(verifierHex, A, deps.random.bytes(32));
  } catch (e) {
    if (e instanceof Error && e.message === 'SRP_A') throw new InvalidParameterException('SRP_A is not a valid value.'); // ours
    throw e;
  }
  const sealed = sealState(deps, ctx, {
    username: user.username,
    given: s.given,
    challenge: 'DEVICE_PASSWORD_VERIFIER',
    device: device.deviceKey,
    srp: { A, b: started.bHex, u: started.uHex },
  });
  // As for PASSWORD_VERIFIER, the state travels in SECRET_BLOCK (A is too long for a Session).
  return {
    ChallengeName: 'DEVICE_PASSWORD_VERIFIER',
    ChallengeParameters: {
      SALT: saltHex,
      SECRET_BLOCK: toSecretBlock(sealed),
      SRP_B: started.srpBHex,
      USERNAME: user.username,
      USER_ID_FOR_SRP: user.username,
    },
  };
}

/** DEVICE_PASSWORD_VERIFIER: the device's claim over its group key, device key, SECRET_BLOCK and TIMESTAMP; then tokens. */
export async function devicePasswordVerifier(deps: AuthDeps, ctx: AuthContext, input: RespondInput): Promise<AuthOutput> {
  const r = input.ChallengeResponses ?? {};
  const block = param(r, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const signature = param(r, 'PASSWORD_CLAIM_SIGNATURE');
  const timestamp = param(r, 'TIMESTAMP');
  const s = openState(deps, ctx, fromSecretBlock(block), 'DEVICE_PASSWORD_VERIFIER', MSG.sessionInvalid);
  const { user, device } = await stateUser(deps, ctx, s, r);
  await consumeState(deps, s);
  const { verifierHex } = JSON.parse(deps.secrets.decryptString(device.verifierSealed!)) as { verifierHex: string };
  const holds =
    s.srp !== undefined &&
    s.srp.u !== undefined &&
    parseSrpTimestamp(timestamp) !== null &&
    verifyPasswordClaim({
      poolName: device.groupKey,
      userIdForSrp: device.deviceKey,
      secretBlockB64: block,
      timestamp,
      srpAHex: s.srp.A,
      uHex: s.srp.u,
      bHex: s.srp.b,
      verifierHex,
      signatureB64: signature,
    });
  if (!holds) {
    deps.metrics.signInFailure('password');
    throw new NotAuthorizedException(MSG.incorrect);
  }
  await deps.store.devices.update({ ...device, lastAuthenticatedAt: deps.clock.now() });
  // Any MFA the sign-in owed came before DEVICE_SRP_AUTH (steps.ts afterPrimaryFactor, mfa.ts answerFactor).
  return completeSignIn(deps, ctx, user, 'TokenGeneration_AuthenticateDevice', undefined, device.deviceKey);
}
