// The MFA step of a sign-in (COGNITO-API §5.3 step 8): which challenge follows a correct password, sending SMS and
// email codes, and what every MFA answer shares (session, user, lockout, then tokens). The challenges themselves
// are the modules in challenges/ (software-token-mfa, sms-mfa, email-otp, select-mfa-type, mfa-setup).
import type { UserRecord } from '../../storage/records.ts';
import { CodeMismatchException, InvalidParameterException, LimitExceededException, NotAuthorizedException } from '../errors.ts';
import { issueCode, MAX_CODE_ATTEMPTS, signInCodePurpose, verifyCode, useCode } from '../domain/codes.ts';
import { beginPasswordAttempt, beginUnknownNameAttempt } from '../domain/lockout.ts';
import { signInNameKey } from '../domain/users.ts';
import { fillTemplate, maskDestination } from '../domain/messages.ts';
import { MSG_NO_DELIVERY, poolFactors, updateUserMfa, usableFactors, userCanUse, userMfa, withFactor, type MfaFactor, mfaCodeMismatch } from '../domain/mfa.ts';
import { poolSettings } from '../domain/pools.ts';
import { checkSecretHash, requireSecretHashPresent, secretHashNames } from '../domain/secret-hash.ts';
import type { RespondInput } from './index.ts';
import { customMessageTemplates, type MessageTrigger } from '../triggers/custom-message.ts';
import { customSender, invokeCustomSender } from '../triggers/custom-sender.ts';
import { deliverAfterAnswer } from '../domain/recovery.ts';
import type { DeliveryResult } from '../../runtime/delivery.ts';
import { metadataFor, MSG, param, publicAuthContext, type AuthContext, type AuthDeps, type AuthOutput, type ChallengeName } from './context.ts';
import { openState, sealNewState, sealState, sessionValidityMs, type SealedState } from './session-state.ts';
import { assertUserMaySignIn, completeSignIn, userByInternalName } from './steps.ts';
import { deviceSrpChallenge, markMfaProved } from './challenges/device-srp.ts';

/** Cognito's default SMS authentication message (DescribeUserPool of a pool that sets none shows this text). */
export const DEFAULT_SMS_AUTH_MESSAGE = 'Your authentication code is {####}. ';
/** Email MFA defaults (ours: Cognito's default email MFA text is not documented). */
export const DEFAULT_EMAIL_AUTH_SUBJECT = 'Your authentication code';
export const DEFAULT_EMAIL_AUTH_MESSAGE = 'Your authentication code is {####}. ';

/**
 * The MFA challenge a sign-in owes after its primary factor, or null when none is due:
 * - OFF: none. OPTIONAL: only for a user who turned a factor on.
 * - ON and the user has no usable factor: TOTP when they have a verified authenticator the pool offers (turned off
 *   or not); else MFA_SETUP when the pool offers TOTP (MFAS_CAN_SETUP lists the pool's
 *   factors); else SMS to the user's phone number, else email, when the pool offers them (inferred: required MFA
 *   with SMS has always sent codes to phone_number); else MFA_SETUP (the user must add a phone number or email).
 * - One usable factor, or a preferred one: that factor's challenge. Several without a preference: SELECT_MFA_TYPE.
 */
export async function mfaChallengeFor(
  deps: AuthDeps,
  ctx: AuthContext,
  user: UserRecord,
  given: string,
  device?: string,
): Promise<AuthOutput | null> {
  const carry = device ? { device } : {};
  const mode = poolSettings(ctx.pool).MfaConfiguration ?? 'OFF';
  if (mode === 'OFF') return null;
  const usable = usableFactors(ctx.pool, user);
  if (!usable.length) {
    if (mode !== 'ON') return null;
    const offered = poolFactors(ctx.pool);
    // A verified authenticator the user turned off (SetUserMFAPreference) is still theirs and still asked for: under
    // required MFA turning a factor off drops nothing (Cognito answers 200 and keeps asking), and MFA_SETUP here would
    // let anyone with the password enrol an authenticator of their own over it. AdminDeleteSoftwareToken removes it.
    if (offered.includes('SOFTWARE_TOKEN_MFA') && userCanUse(user, 'SOFTWARE_TOKEN_MFA'))
      return askFactor(deps, ctx, user, given, 'SOFTWARE_TOKEN_MFA', device);
    if (offered.includes('SOFTWARE_TOKEN_MFA')) return mfaSetupChallenge(deps, ctx, user, given, carry);
    if (offered.includes('SMS_MFA') && user.attributes.phone_number) return askFactor(deps, ctx, user, given, 'SMS_MFA', device);
    if (offered.includes('EMAIL_OTP') && user.attributes.email) return askFactor(deps, ctx, user, given, 'EMAIL_OTP', device);
    return mfaSetupChallenge(deps, ctx, user, given, carry);
  }
  const preferred = userMfa(user).PreferredMfaSetting;
  if (preferred && usable.includes(preferred)) return askFactor(deps, ctx, user, given, preferred, device);
  if (usable.length === 1) return askFactor(deps, ctx, user, given, usable[0]!, device);
  return {
    ChallengeName: 'SELECT_MFA_TYPE',
    Session: sealState(deps, ctx, { username: user.username, given, challenge: 'SELECT_MFA_TYPE', ...carry }),
    ChallengeParameters: { MFAS_CAN_CHOOSE: JSON.stringify(usable), USER_ID_FOR_SRP: user.username },
  };
}

/**
 * MFA_SETUP; `carry` — the confirmed device the sign-in named, a CUSTOM_AUTH history — rides along in each setup
 * Session (nextSetupSession).
 */
function mfaSetupChallenge(deps: AuthDeps, ctx: AuthContext, user: UserRecord, given: string, carry: Pick<SealedState, 'device'>): AuthOutput {
  return {
    ChallengeName: 'MFA_SETUP',
    Session: sealState(deps, ctx, { username: user.username, given, challenge: 'MFA_SETUP', ...carry }),
    ChallengeParameters: { MFAS_CAN_SETUP: JSON.stringify(poolFactors(ctx.pool)) },
  };
}

/**
 * The challenge of one factor; SMS and email send their code first (valid as long as the session). `device`: the
 * confirmed device the sign-in named, which proves itself by DEVICE_SRP_AUTH once the code is right. `as` names the
 * challenge when it is not the factor's MFA one: SMS_OTP, a passwordless first factor (choice-based sign-in).
 */
export async function askFactor(
  deps: AuthDeps,
  ctx: AuthContext,
  user: UserRecord,
  given: string,
  factor: MfaFactor,
  device?: string,
  enrol = false,
  as: ChallengeName = factor,
  afterAnswer = false,
): Promise<AuthOutput> {
  const { sealed: Session, nonce } = sealNewState(deps, ctx, {
    username: user.username,
    given,
    challenge: as,
    ...(device ? { device } : {}),
    ...(enrol ? { enrol } : {}),
    ...(afterAnswer ? { code: 'sent' as const } : {}),
  });
  if (factor === 'SOFTWARE_TOKEN_MFA') {
    const name = userMfa(user).totp?.friendlyName;
    return { ChallengeName: factor, Session, ChallengeParameters: { ...(name ? { FRIENDLY_DEVICE_NAME: name } : {}), USER_ID_FOR_SRP: user.username } };
  }
  const medium = factor === 'SMS_MFA' ? 'SMS' : 'EMAIL';
  const to = factor === 'SMS_MFA' ? user.attributes.phone_number : user.attributes.email;
  if (!to) throw new InvalidParameterException(MSG_NO_DELIVERY(factor)); // mfaChallengeFor never asks this
  const send = () => sendCode(deps, ctx, user, factor, medium, to, nonce);
  // `afterAnswer` (a one-time code as first factor, users hidden): the code is stored and sent after the answer has
  // gone, so that the answer costs what a simulated one does (no code, nothing sent) and its time does not tell them
  // apart; a failure is logged.
  if (afterAnswer) deliverAfterAnswer(deps, send, { operation: 'USER_AUTH', poolId: ctx.pool.id, channel: medium });
  else await send();
  return {
    ChallengeName: as,
    Session,
    ChallengeParameters: {
      CODE_DELIVERY_DELIVERY_MEDIUM: medium,
      CODE_DELIVERY_DESTINATION: maskDestination(medium, to),
      ...(factor === 'SMS_MFA' ? { USER_ID_FOR_SRP: user.username } : {}),
    },
  };
}

/** Stores a new code of `factor` for this sign-in (valid as long as the session) and sends it to `to`. */
async function sendCode(
  deps: AuthDeps,
  ctx: AuthContext,
  user: UserRecord,
  factor: 'SMS_MFA' | 'EMAIL_OTP',
  medium: 'SMS' | 'EMAIL',
  to: string,
  nonce: string,
): Promise<DeliveryResult> {
  // The code belongs to this session alone (codes.ts SIGN_IN_CODE_PREFIX): another sign-in started for the user, by
  // them or by anyone who knows their name, gets a code of its own and leaves this one working.
  const code = await issueCode(deps, { poolId: ctx.pool.id, username: user.username, purpose: signInCodePurpose(nonce), ttlMs: sessionValidityMs(ctx.client) });
  const s = poolSettings(ctx.pool);
  const metadata = metadataFor(ctx, 'respond');
  const trigger = { source: 'CustomMessage_Authentication' as const, user, caller: ctx.caller, ...(metadata ? { clientMetadata: metadata } : {}) };
  // A custom sender for the medium gets the code, encrypted (CustomEmailSender_Authentication /
  // CustomSMSSender_Authentication), instead of a message sent or kept in the outbox.
  const sender = customSender(ctx.pool, medium);
  if (sender) await invokeCustomSender(deps, ctx.pool, sender, trigger, code.code);
  // Otherwise the pool's texts, which its CustomMessage function (CustomMessage_Authentication) may replace.
  const result = sender ? { delivered: true } : await sendFactorCode(deps, ctx, trigger, medium, to, code, s);
  // InitiateAuth and RespondToAuthChallenge declare no delivery error: the challenge stands (the message stays in
  // the outbox until the code expires) and the failure is logged.
  if ('error' in result && result.error) deps.logger.warn('MFA code not delivered', { poolId: ctx.pool.id, channel: medium, error: result.error });
  return result;
}

/** The code's message, in the pool's texts (or its CustomMessage function's), through the delivery port. */
async function sendFactorCode(
  deps: AuthDeps,
  ctx: AuthContext,
  trigger: MessageTrigger,
  medium: 'SMS' | 'EMAIL',
  to: string,
  code: { code: string; expiresAt: number },
  s: ReturnType<typeof poolSettings>,
) {
  const t = await customMessageTemplates(
    deps,
    ctx.pool,
    trigger,
    {
      smsMessage: s.SmsAuthenticationMessage ?? DEFAULT_SMS_AUTH_MESSAGE,
      emailSubject: s.EmailMfaConfiguration?.Subject ?? DEFAULT_EMAIL_AUTH_SUBJECT,
      emailMessage: s.EmailMfaConfiguration?.Message ?? DEFAULT_EMAIL_AUTH_MESSAGE,
    },
  );
  return deps.delivery.send({
    poolId: ctx.pool.id,
    channel: medium === 'SMS' ? 'sms' : 'email',
    to,
    ...(medium === 'EMAIL' ? { subject: t.emailSubject } : {}),
    body: fillTemplate(medium === 'SMS' ? t.smsMessage : t.emailMessage, { code: code.code }),
    expiresAt: code.expiresAt,
  });
}

/**
 * Opens an MFA challenge's Session and finds its user: anything not a live session of this challenge, pool and
 * client is "Invalid session for the user, session is expired." (§5.2); USERNAME and SECRET_HASH as the other
 * challenges check them.
 */
export async function openMfaSession(
  deps: AuthDeps,
  ctx: AuthContext,
  session: string | undefined,
  challenge: ChallengeName,
  responses?: Record<string, string>,
): Promise<{ s: SealedState; user: UserRecord }> {
  const s = openState(deps, ctx, session, challenge, MSG.sessionExpired);
  if (s.code === 'none') return answerSimulatedCode(deps, ctx, s, responses);
  const user = await userByInternalName(deps, ctx.pool, s.username);
  if (!user) throw new NotAuthorizedException(MSG.sessionExpired);
  if (responses) {
    const name = param(responses, 'USERNAME');
    requireSecretHashPresent(deps, ctx.client, responses.SECRET_HASH);
    const names = secretHashNames(s.given, user);
    if (!names.includes(name)) throw new NotAuthorizedException(MSG.sessionExpired);
    checkSecretHash(deps, ctx.client, responses.SECRET_HASH, names);
  }
  assertUserMaySignIn(user);
  return { s, user };
}

/**
 * The answer to a code simulated for a name nobody has (flows/user-auth.ts simulatedOtp): what a user's wrong code
 * gets — USERNAME and SECRET_HASH checked alike, a try under the name's lockout, CodeMismatchException for the first
 * MAX_CODE_ATTEMPTS tries of the session, then the session is over.
 */
async function answerSimulatedCode(deps: AuthDeps, ctx: AuthContext, s: SealedState, responses: Record<string, string> | undefined): Promise<never> {
  if (!responses) throw new NotAuthorizedException(MSG.sessionExpired);
  const name = param(responses, 'USERNAME');
  requireSecretHashPresent(deps, ctx.client, responses.SECRET_HASH);
  if (name !== s.given) throw new NotAuthorizedException(MSG.sessionExpired);
  checkSecretHash(deps, ctx.client, responses.SECRET_HASH, [s.given]);
  param(responses, s.challenge === 'SMS_OTP' ? 'SMS_OTP_CODE' : 'EMAIL_OTP_CODE');
  await beginUnknownNameAttempt(deps, ctx.pool.id, signInNameKey(ctx.pool, s.given));
  const tries = await deps.store.counters.hit(`simulated-code:${s.nonce}`, Math.max(1, s.expiresAt - deps.clock.now()) + 60_000, deps.clock.now());
  if (tries > MAX_CODE_ATTEMPTS) throw new NotAuthorizedException(MSG.sessionExpired);
  throw mfaCodeMismatch();
}

/** Marks a session used: a second use is "Invalid session for the user, session is expired.". */
export async function consumeMfaSession(deps: AuthDeps, s: SealedState): Promise<void> {
  const n = await deps.store.counters.hit(`auth-session:${s.nonce}`, Math.max(1, s.expiresAt - deps.clock.now()) + 60_000, deps.clock.now());
  if (n > 1) throw new NotAuthorizedException(MSG.sessionExpired);
}

/**
 * Answers one factor's challenge: the session, then the code under the sign-in lockout (each try is counted before
 * the check, as a password try, so MFA guesses lock the user out as wrong passwords do; a right code starts the
 * count again), then the session is used up and the sign-in completes with tokens.
 */
export async function answerFactor(
  deps: AuthDeps,
  ctx: AuthContext,
  input: RespondInput,
  factor: ChallengeName,
  codeParam: string,
  check: (user: UserRecord, code: string, s: SealedState) => Promise<UserRecord>,
): Promise<AuthOutput> {
  const r = input.ChallengeResponses ?? {};
  const { s, user } = await openMfaSession(deps, ctx, input.Session, factor, r);
  const code = param(r, codeParam);
  const attempt = await beginPasswordAttempt(deps, ctx.pool.id, user.username);
  const proved = await check(user, code, s);
  await consumeMfaSession(deps, s);
  // MFA_SETUP answered with EMAIL: the right code turns email MFA on for the user.
  const checked = s.enrol ? await updateUserMfa(deps, ctx.pool, proved, (u) => withFactor(userMfa(u), factor as MfaFactor)) : proved;
  if (s.device !== undefined) {
    // A device confirmed but not remembered: after the code, DEVICE_SRP_AUTH, and its key goes into the tokens.
    await attempt.succeeded();
    await markMfaProved(deps, s);
    return deviceSrpChallenge(deps, ctx, checked, s.given, s.device);
  }
  try {
    return await completeSignIn(deps, ctx, checked, 'TokenGeneration_Authentication', attempt.key);
  } catch (e) {
    await attempt.succeeded();
    throw e;
  }
}

/** SMS_MFA / EMAIL_OTP / SMS_OTP: the code sent for this sign-in session, used once; a wrong one is CodeMismatchException. */
export async function checkSentCode(deps: AuthDeps, ctx: AuthContext, user: UserRecord, s: SealedState, code: string): Promise<UserRecord> {
  const req = { poolId: ctx.pool.id, username: user.username, purpose: signInCodePurpose(s.nonce), code };
  try {
    await verifyCode(deps, req);
    await useCode(deps, req.poolId, req.username, req.purpose);
  } catch (e) {
    if (e instanceof CodeMismatchException) throw mfaCodeMismatch();
    // Too many wrong codes end the session (§5.4); RespondToAuthChallenge declares no LimitExceededException.
    if (e instanceof LimitExceededException) throw new NotAuthorizedException(MSG.sessionExpired);
    throw e;
  }
  return user;
}

/**
 * The MFA_SETUP Session given to AssociateSoftwareToken or VerifySoftwareToken (requests without a ClientId): its
 * app client and pool come from the sealed state, which is then opened as any challenge's.
 */
export async function openSetupSession(deps: AuthDeps, session: string): Promise<{ ctx: AuthContext; s: SealedState; user: UserRecord }> {
  let clientId: unknown;
  try {
    clientId = (JSON.parse(deps.secrets.decryptString(session)) as Partial<SealedState>).clientId;
  } catch {
    clientId = undefined;
  }
  if (typeof clientId !== 'string') throw new NotAuthorizedException(MSG.sessionExpired);
  const ctx = await publicAuthContext(deps, clientId);
  const { s, user } = await openMfaSession(deps, ctx, session, 'MFA_SETUP');
  // Only a factor the pool offers may be enrolled to pass MFA_SETUP: a TOTP authenticator in a pool without it would
  // end the sign-in with tokens and never be asked for again (MFA ON bypassed by anyone with the password).
  assertTotpOffered(ctx);
  return { ctx, s, user };
}

/** Wording ours: Cognito's answer to a TOTP enrolment in a pool without software token MFA is not documented. */
export const MSG_TOTP_NOT_OFFERED = 'Software token MFA is not enabled for this user pool.';

/** TOTP enrolment through an MFA_SETUP Session needs a pool that offers software token MFA. */
export function assertTotpOffered(ctx: Pick<AuthContext, 'pool'>): void {
  if (!poolFactors(ctx.pool).includes('SOFTWARE_TOKEN_MFA')) throw new InvalidParameterException(MSG_TOTP_NOT_OFFERED);
}

/** The next MFA_SETUP Session, after a step of the TOTP enrolment. */
export function nextSetupSession(deps: AuthDeps, ctx: AuthContext, s: SealedState, step: 'associated' | 'verified'): string {
  return sealState(deps, ctx, { username: s.username, given: s.given, challenge: 'MFA_SETUP', mfaSetup: step, ...(s.device ? { device: s.device } : {}) });
}
