// Sign-in as registered steps (COGNITO-API §4, §5): (Admin)InitiateAuth runs the module registered for its
// AuthFlow, (Admin)RespondToAuthChallenge the module registered for its ChallengeName. Adding a flow or a
// challenge is adding a module to flows/ or challenges/ and a line to its map here.
//
//   InitiateAuth ──► client admits the flow ──► flows/<flow> ──► primary factor ──► steps.afterPrimaryFactor ──► tokens
//                                                 or a challenge ◄── RespondToAuthChallenge ──► challenges/<name> ─┘
import { InvalidParameterException, UnsupportedOperationException } from '../errors.ts';
import { MSG, type AuthContext, type AuthDeps, type AuthOutput } from './context.ts';
import { ADMIN_FLOWS, flowEnabled, flowNotEnabled, PUBLIC_FLOWS } from './enabled-flows.ts';
import { refreshTokenAuth } from './flows/refresh-token.ts';
import { userPasswordAuth } from './flows/user-password.ts';
import { userSrpAuth } from './flows/user-srp.ts';
import { customAuth } from './flows/custom-auth.ts';
import { userAuth } from './flows/user-auth.ts';
import { selectChallengeAnswer } from './challenges/select-challenge.ts';
import { smsOtp } from './challenges/sms-otp.ts';
import { newPasswordRequired } from './challenges/new-password-required.ts';
import { passwordVerifier } from './challenges/password-verifier.ts';
import { customChallenge } from './challenges/custom-challenge.ts';
import { softwareTokenMfa } from './challenges/software-token-mfa.ts';
import { smsMfa } from './challenges/sms-mfa.ts';
import { emailOtp } from './challenges/email-otp.ts';
import { selectMfaType } from './challenges/select-mfa-type.ts';
import { mfaSetup } from './challenges/mfa-setup.ts';
import { devicePasswordVerifier, deviceSrpAuth } from './challenges/device-srp.ts';

export { adminAuthContext, publicAuthContext, type AuthContext, type AuthOutput } from './context.ts';

export interface InitiateInput {
  AuthFlow: string;
  /** USER_AUTH: the Session of ConfirmSignUp (sign-up-session.ts). */
  Session?: string;
  AuthParameters?: Record<string, string>;
  ClientMetadata?: Record<string, string>;
}

export interface RespondInput {
  ChallengeName: string;
  Session?: string;
  ChallengeResponses?: Record<string, string>;
  ClientMetadata?: Record<string, string>;
}

/** A flow: its AuthParameters (and the whole request, for ClientMetadata) in, a challenge or tokens out. */
export type FlowStep = (deps: AuthDeps, ctx: AuthContext, params: Record<string, string>, input: InitiateInput) => Promise<AuthOutput>;
/** A challenge's answer: the RespondToAuthChallenge request in, the next challenge or tokens out. */
export type ChallengeStep = (deps: AuthDeps, ctx: AuthContext, input: RespondInput) => Promise<AuthOutput>;

/** AuthFlow → module. */
export const flows: Readonly<Record<string, FlowStep>> = {
  USER_PASSWORD_AUTH: userPasswordAuth,
  ADMIN_USER_PASSWORD_AUTH: userPasswordAuth,
  ADMIN_NO_SRP_AUTH: userPasswordAuth,
  USER_SRP_AUTH: userSrpAuth,
  REFRESH_TOKEN_AUTH: refreshTokenAuth,
  REFRESH_TOKEN: refreshTokenAuth,
  CUSTOM_AUTH: customAuth,
  USER_AUTH: userAuth,
};

/** ChallengeName → module. MFA, custom and choice-based challenges join as they are built. */
export const challenges: Readonly<Record<string, ChallengeStep>> = {
  PASSWORD_VERIFIER: passwordVerifier,
  NEW_PASSWORD_REQUIRED: newPasswordRequired,
  CUSTOM_CHALLENGE: customChallenge,
  SOFTWARE_TOKEN_MFA: softwareTokenMfa,
  SMS_MFA: smsMfa,
  EMAIL_OTP: emailOtp,
  SELECT_MFA_TYPE: selectMfaType,
  MFA_SETUP: mfaSetup,
  DEVICE_SRP_AUTH: deviceSrpAuth,
  DEVICE_PASSWORD_VERIFIER: devicePasswordVerifier,
  SELECT_CHALLENGE: selectChallengeAnswer,
  SMS_OTP: smsOtp,
};

export async function initiateAuth(deps: AuthDeps, ctx: AuthContext, input: InitiateInput): Promise<AuthOutput> {
  const flow = input.AuthFlow;
  if (!(ctx.admin ? ADMIN_FLOWS : PUBLIC_FLOWS).has(flow)) throw new InvalidParameterException(MSG.methodNotSupported);
  if (!flowEnabled(ctx.client.settings, flow)) throw new InvalidParameterException(flowNotEnabled(flow));
  const step = Object.hasOwn(flows, flow) ? flows[flow] : undefined;
  if (!step) throw new UnsupportedOperationException(`Cognate does not implement the ${flow} flow yet.`);
  return step(deps, withMetadata(ctx, 'initiate', input.ClientMetadata), input.AuthParameters ?? {}, input);
}

export async function respondToAuthChallenge(deps: AuthDeps, ctx: AuthContext, input: RespondInput): Promise<AuthOutput> {
  const step = Object.hasOwn(challenges, input.ChallengeName) ? challenges[input.ChallengeName] : undefined;
  if (!step) throw new InvalidParameterException(`Cognate does not implement the ${input.ChallengeName} challenge yet.`); // ours
  return step(deps, withMetadata(ctx, 'respond', input.ClientMetadata), input);
}

function withMetadata(ctx: AuthContext, phase: 'initiate' | 'respond', clientMetadata: Record<string, string> | undefined): AuthContext {
  return { ...ctx, phase, ...(clientMetadata ? { clientMetadata } : {}) };
}
