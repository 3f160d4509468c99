// Sealed challenge state: what a sign-in remembers between InitiateAuth and each RespondToAuthChallenge.
//
// Challenge state never lives in process memory: it is sealed with the master key (deps.secrets) into the Session
// (or, for PASSWORD_VERIFIER, into SECRET_BLOCK — Cognito returns no Session at that step, and A is too long for
// the 2048-character Session), so any server sharing the database can take the next step. A sealed state names
// its pool, client, user and challenge and expires after the client's AuthSessionValidity; each is used once
// (a counter per nonce in deps.store.counters).
import type { ClientRecord } from '../../storage/records.ts';
import { NotAuthorizedException } from '../errors.ts';
import type { SingleUse } from '../domain/lockout.ts';
import type { ChallengeResult } from '../triggers/custom-auth.ts';
import { MSG, type AuthContext, type AuthDeps, type ChallengeName } from './context.ts';

export interface SealedState {
  /** Marks the plaintext as ours: other sealed documents (credentials, keys) never parse as a state. */
  t: 'cognate-auth';
  poolId: string;
  clientId: string;
  /** The internal username (for a simulated challenge of an unknown name: the USER_ID_FOR_SRP it was given). */
  username: string;
  /** The name the client signed in with. */
  given: string;
  challenge: StateKind;
  expiresAt: number;
  nonce: string;
  /**
   * PASSWORD_VERIFIER: the client's A, our b and u = H(A | B) (hex): all round 2 needs of B, so that it does not
   * recompute g^b. (States sealed before u was kept lack it; round 2 then recomputes B.)
   */
  srp?: { A: string; b: string; u?: string };
  /**
   * A CUSTOM_AUTH sign-in: at PASSWORD_VERIFIER, the session history so far (round 2 goes back to
   * DefineAuthChallenge); at the MFA challenges after it (mfa.ts), the history with PASSWORD_VERIFIER, which the
   * right code hands back to DefineAuthChallenge; at CUSTOM_CHALLENGE nothing else — the history, the private challenge parameters and the
   * challenge metadata stay server-side, sealed, under this state's nonce (see custom-auth.ts).
   */
  custom?: { session: ChallengeResult[] };
  /** MFA_SETUP: how far the TOTP enrolment got with this session (AssociateSoftwareToken, then VerifySoftwareToken). */
  mfaSetup?: 'associated' | 'verified';
  /** EMAIL_OTP asked for an MFA_SETUP answered with EMAIL: the factor is turned on for the user once its code is right. */
  enrol?: boolean;
  /**
   * USER_AUTH EMAIL_OTP / SMS_OTP with users hidden: 'sent' when a code went to the user, 'none' when the challenge is
   * simulated (a name nobody has, or a user who may not sign in or lacks the factor): no code was sent, none is
   * right. One width either way, so that the Session's length does not tell them apart.
   */
  code?: 'sent' | 'none';
  /** DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER, and the MFA challenges before it: the device key the sign-in proves. */
  device?: string;
  /** SIGN_UP / SIGN_UP_CONFIRMED (sign-up-session.ts): the user's sub, so that a user made again under the name is not them. */
  sub?: string;
  /** SIGN_UP_CONFIRMED: how the confirmation code went (EMAIL or SMS), the one-time code factor it stands for. */
  medium?: 'EMAIL' | 'SMS';
}

/**
 * What a sealed state is for: a challenge to answer, or the Session of SignUp (SIGN_UP, for ConfirmSignUp) and of
 * ConfirmSignUp (SIGN_UP_CONFIRMED, for InitiateAuth USER_AUTH), which are no challenge.
 */
export type StateKind = ChallengeName | 'SIGN_UP' | 'SIGN_UP_CONFIRMED';

/** What sealing and opening a state needs of a request: its pool and app client. */
type StateScope = Pick<AuthContext, 'pool' | 'client'>;

export type NewState = Omit<SealedState, 't' | 'poolId' | 'clientId' | 'expiresAt' | 'nonce'>;

/** How long a challenge may be answered: the client's AuthSessionValidity (3–15 minutes, default 3). */
export function sessionValidityMs(client: ClientRecord): number {
  const minutes = client.settings.AuthSessionValidity ?? 3;
  return minutes * 60_000;
}

export function sealState(deps: AuthDeps, ctx: StateScope, s: NewState): string {
  return sealNewState(deps, ctx, s).sealed;
}

/** sealState, also answering the new state's nonce (for what is kept server-side under it). */
export function sealNewState(deps: AuthDeps, ctx: StateScope, s: NewState): { sealed: string; nonce: string } {
  const state: SealedState = {
    t: 'cognate-auth',
    poolId: ctx.pool.id,
    clientId: ctx.client.id,
    ...s,
    expiresAt: deps.clock.now() + sessionValidityMs(ctx.client),
    nonce: deps.random.bytes(12).toString('base64url'),
  };
  return { sealed: deps.secrets.encrypt(JSON.stringify(state)), nonce: state.nonce };
}

/** Opens a sealed state for `challenge` of this pool and client; `invalid` is the message for anything not ours. */
export function openState(deps: AuthDeps, ctx: StateScope, sealed: string | undefined, challenge: StateKind, invalid: string): SealedState {
  const s = openUnexpired(deps, ctx, sealed, challenge, invalid);
  if (s.expiresAt <= deps.clock.now()) throw new NotAuthorizedException(MSG.sessionExpired);
  return s;
}

/** openState without the expiry: the state is ours and for `challenge` of this pool and client, however old. */
export function openUnexpired(deps: AuthDeps, ctx: StateScope, sealed: string | undefined, challenge: StateKind, invalid: string): SealedState {
  let s: SealedState;
  try {
    s = JSON.parse(deps.secrets.decryptString(sealed ?? ''));
  } catch {
    throw new NotAuthorizedException(invalid);
  }
  if (s?.t !== 'cognate-auth' || s.poolId !== ctx.pool.id || s.clientId !== ctx.client.id || s.challenge !== challenge)
    throw new NotAuthorizedException(invalid);
  return s;
}

/**
 * A state's single use, for a password attempt to take in the same write (beginPasswordAttempt's `use`). A second
 * answer is refused as Cognito words it: "Invalid session for the user, session can only be used once.".
 */
export function stateUse(deps: AuthDeps, s: SealedState): SingleUse {
  return { key: `auth-session:${s.nonce}`, windowMs: Math.max(1, s.expiresAt - deps.clock.now()) + 60_000, reused: MSG.sessionUsed };
}

/** Marks a state used (atomically, across processes); a second use is an invalid session. */
export async function consumeState(deps: AuthDeps, s: SealedState): Promise<void> {
  const use = stateUse(deps, s);
  const n = await deps.store.counters.hit(use.key, use.windowMs, deps.clock.now());
  if (n > 1) throw new NotAuthorizedException(use.reused);
}

/** SECRET_BLOCK must be standard base64 (clients sign its decoded bytes); the sealed text is base64url with dots. */
export const toSecretBlock = (sealed: string) => Buffer.from(sealed, 'utf8').toString('base64');
export const fromSecretBlock = (block: string) => Buffer.from(block, 'base64').toString('utf8');
