// What every user pool trigger shares: the event envelope, the caller context, the user's attributes as Cognito
// passes them, finding the function in the pool's LambdaConfig, and invoking it with Cognito's errors.
//
// Envelope (developer guide, "Customizing user pool workflows with Lambda triggers", common parameters; @types/aws-lambda
// _common.d.ts): {version, triggerSource, region, userPoolId, userName, callerContext {awsSdkVersion, clientId},
// request, response}. The function answers with the event, its `response` filled in.
import type { Deps } from '../../deps.ts';
import { TriggerInvokeError } from '../../runtime/triggers.ts';
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import { InvalidLambdaResponseException, UnexpectedLambdaException, UserLambdaValidationException } from '../errors.ts';
import { poolSettings } from '../domain/pools.ts';

/** The triggers by the names Cognito's error messages use ("PreSignUp failed with error …"). */
export type TriggerName =
  | 'PreSignUp'
  | 'PostConfirmation'
  | 'PreAuthentication'
  | 'PostAuthentication'
  | 'PreTokenGeneration'
  | 'CustomMessage'
  | 'UserMigration'
  | 'DefineAuthChallenge'
  | 'CreateAuthChallenge'
  | 'VerifyAuthChallengeResponse'
  | 'CustomEmailSender'
  | 'CustomSMSSender';

export type StringMap = Record<string, string>;

/** Who called: the app client and the SDK. Operations make one with callerOf. */
export interface TriggerCaller {
  clientId: string | null;
  /** The request's User-Agent, for callerContext.awsSdkVersion. */
  userAgent?: string;
}

export interface TriggerEvent<Req extends object = Record<string, unknown>, Res extends object = Record<string, unknown>> {
  version: string;
  triggerSource: string;
  region: string;
  userPoolId: string;
  userName: string;
  callerContext: { awsSdkVersion: string; clientId: string | null };
  request: Req;
  response: Res;
}

/** Cognito's awsSdkVersion for a caller it cannot name (observed in events from the console and the hosted UI). */
export const UNKNOWN_SDK = 'aws-sdk-unknown-unknown';

/**
 * callerContext.awsSdkVersion from the User-Agent: `aws-sdk-<lang>-<version>` as in events from the SDKs (observed:
 * "aws-sdk-js-2.6.4", "aws-sdk-android-2.16.12"; the v3 JavaScript SDK sends "aws-sdk-js/3.x"), else
 * "aws-sdk-unknown-unknown". Other agents (CLI, boto) are not named (ours).
 */
export function awsSdkVersion(userAgent: string | undefined): string {
  const m = userAgent ? /\baws-sdk-([a-z0-9]+)[/-]v?(\d[\w.-]*)/i.exec(userAgent) : null;
  return m ? `aws-sdk-${m[1]!.toLowerCase()}-${m[2]}` : UNKNOWN_SDK;
}

/** The caller of an operation: its app client (null for admin calls without one) and its User-Agent. */
export function callerOf(ctx: { headers: Record<string, string | string[] | undefined> } | undefined, clientId: string | null): TriggerCaller {
  const ua = ctx?.headers['user-agent'];
  return { clientId, userAgent: Array.isArray(ua) ? ua[0] : ua };
}

/** The event for `source` (e.g. "PreSignUp_SignUp"); `version` is "1" except for PreTokenGeneration V2/V3. */
export function triggerEvent<Req extends object, Res extends object>(
  pool: PoolRecord,
  source: string,
  userName: string,
  caller: TriggerCaller,
  request: Req,
  response: Res,
  version = '1',
): TriggerEvent<Req, Res> {
  return {
    version,
    triggerSource: source,
    region: pool.id.split('_')[0]!,
    userPoolId: pool.id,
    userName,
    callerContext: { awsSdkVersion: awsSdkVersion(caller.userAgent), clientId: caller.clientId },
    request,
    response,
  };
}

/**
 * The user's attributes as triggers see them (all strings): sub, every attribute, `cognito:user_status`, and where
 * the pool signs in by a verified email / phone alias, `cognito:email_alias` / `cognito:phone_number_alias` with
 * that value (observed in PostConfirmation and PreAuthentication events of AliasAttributes pools).
 */
export function triggerUserAttributes(pool: PoolRecord, user: Pick<UserRecord, 'sub' | 'status' | 'attributes'>): StringMap {
  const out: StringMap = { sub: user.sub, ...user.attributes, 'cognito:user_status': user.status };
  for (const attr of poolSettings(pool).AliasAttributes ?? []) {
    if (attr === 'preferred_username') continue;
    const value = user.attributes[attr];
    if (value && user.attributes[`${attr}_verified`] === 'true') out[`cognito:${attr}_alias`] = value;
  }
  return out;
}

/** ValidationData / UserAttributes lists as the string maps triggers get (a missing Value is ''). */
export function nameValueMap(list: readonly { Name: string; Value?: string }[] | undefined): StringMap | undefined {
  if (!list) return undefined;
  return Object.fromEntries(list.map((a) => [a.Name, a.Value ?? '']));
}

export type PreTokenVersion = 'V1_0' | 'V2_0' | 'V3_0';

/**
 * The function a pool runs for a trigger, or null. PreTokenGeneration: PreTokenGenerationConfig {LambdaVersion,
 * LambdaArn} wins over the legacy PreTokenGeneration ARN (which means V1_0).
 */
export function triggerArn(pool: PoolRecord, name: TriggerName): { arn: string; version: PreTokenVersion } | null {
  const lc = poolSettings(pool).LambdaConfig ?? {};
  if (name === 'PreTokenGeneration') {
    const c = lc.PreTokenGenerationConfig;
    if (c?.LambdaArn) return { arn: c.LambdaArn, version: c.LambdaVersion };
    return lc.PreTokenGeneration ? { arn: lc.PreTokenGeneration, version: 'V1_0' } : null;
  }
  const arn = lc[name];
  return typeof arn === 'string' && arn ? { arn, version: 'V1_0' } : null;
}

/** Messages ("obs" = seen in real-service output, "rep" = reported, "ours" = guessed). */
export const LAMBDA_MSG = {
  /** obs: "PreSignUp failed with error callback is not a function." (amplify-flutter#1051). */
  failed: (name: TriggerName, message: string) => `${name} failed with error ${message}.`,
  /** obs: "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function." (sst#1815). */
  timeout: (name: TriggerName) => `${name} invocation failed due to error Socket timeout while invoking Lambda function.`,
  /**
   * rep: the Lambda API's error name, as in "… invocation failed due to error AccessDeniedException."; without one
   * (a module that does not load, an endpoint that does not answer) a fixed detail (ours): what the runner knows
   * (paths, URLs, causes) goes to the server log, never to the caller.
   */
  unreachable: (name: TriggerName, awsErrorName?: string) =>
    `${name} invocation failed due to error ${awsErrorName ?? 'Unable to reach the function'}.`,
  /** obs: "null invocation failed due to configuration." (amplify-js#4300), with the trigger's name. */
  notConfigured: (name: TriggerName) => `${name} invocation failed due to configuration.`,
  /** obs (amplify-studio#1006, aws-sdk-android-samples#165): an answer without the event shape. */
  unrecognizable: 'Unrecognizable lambda output',
  /** rep: an answer that is not JSON. */
  invalidJson: 'Invalid lambda function output : Invalid JSON',
} as const;

/** Maps a runner failure to the error Cognito answers the operation with. */
export function lambdaError(name: TriggerName, e: unknown): Error {
  if (!(e instanceof TriggerInvokeError)) return new UnexpectedLambdaException(LAMBDA_MSG.unreachable(name));
  switch (e.kind) {
    case 'function':
      return new UserLambdaValidationException(LAMBDA_MSG.failed(name, e.message));
    case 'timeout':
      return new UnexpectedLambdaException(LAMBDA_MSG.timeout(name));
    case 'invalid-response':
      return new InvalidLambdaResponseException(LAMBDA_MSG.invalidJson);
    case 'not-configured':
      return new UnexpectedLambdaException(LAMBDA_MSG.notConfigured(name));
    default:
      return new UnexpectedLambdaException(LAMBDA_MSG.unreachable(name, e.errorType));
  }
}

/**
 * Runs the pool's function for `name` with `event` and returns the `response` object of its answer; null when the
 * pool has no such trigger (nothing is invoked). Failures become UserLambdaValidationException (the handler threw),
 * UnexpectedLambdaException (not reachable, timed out) or InvalidLambdaResponseException (the answer is not the event
 * with an object `response`).
 */
export async function invokeTrigger(
  deps: Pick<Deps, 'triggers'>,
  pool: PoolRecord,
  name: TriggerName,
  event: TriggerEvent<object, object>,
): Promise<Record<string, unknown> | null> {
  const fn = triggerArn(pool, name);
  if (!fn) return null;
  let result: unknown;
  try {
    result = await deps.triggers.invoke(fn.arn, event);
  } catch (e) {
    throw lambdaError(name, e);
  }
  const response = (result as { response?: unknown } | null)?.response;
  if (!result || typeof result !== 'object' || Array.isArray(result) || !response || typeof response !== 'object' || Array.isArray(response))
    throw new InvalidLambdaResponseException(LAMBDA_MSG.unrecognizable);
  return response as Record<string, unknown>;
}

/** A boolean member of a response: true, false, or (absent / null) undefined; anything else is unrecognizable. */
export function booleanMember(response: Record<string, unknown>, key: string): boolean | undefined {
  const v = response[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  throw new InvalidLambdaResponseException(LAMBDA_MSG.unrecognizable);
}

/** A string member of a response (absent / null → undefined; not a string → unrecognizable). */
export function stringMember(response: Record<string, unknown>, key: string): string | undefined {
  const v = response[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  throw new InvalidLambdaResponseException(LAMBDA_MSG.unrecognizable);
}
