// The custom authentication triggers (COGNITO-API §5.5, §6; developer guide "Define/Create/Verify Auth challenge Lambda
// trigger"): DefineAuthChallenge_Authentication decides what comes next from the session so far,
// CreateAuthChallenge_Authentication makes a CUSTOM_CHALLENGE, VerifyAuthChallengeResponse_Authentication judges the
// answer. Each runs through the one trigger runner (invokeTrigger).
import type { Deps } from '../../deps.ts';
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import { InvalidLambdaResponseException } from '../errors.ts';
import {
  booleanMember,
  invokeTrigger,
  LAMBDA_MSG,
  stringMember,
  triggerArn,
  triggerEvent,
  triggerUserAttributes as userAttributesOf,
  type StringMap,
  type TriggerCaller,
} from './common.ts';

/** One entry of request.session, in the order the challenges were presented (session[0] first). */
export interface ChallengeResult {
  challengeName: 'SRP_A' | 'PASSWORD_VERIFIER' | 'CUSTOM_CHALLENGE';
  challengeResult: boolean;
  /** What CreateAuthChallenge returned as challengeMetadata for a CUSTOM_CHALLENGE (null otherwise). */
  challengeMetadata: string | null;
}

export interface CustomAuthInput {
  /** Null for a name nobody has (PreventUserExistenceErrors ENABLED): userNotFound, no attributes. */
  user: UserRecord | null;
  /** The name given, for an unknown user's userName. */
  userName: string;
  caller: TriggerCaller;
  session: readonly ChallengeResult[];
  clientMetadata?: StringMap;
}

/** What DefineAuthChallenge decided. */
export type Decision = { issueTokens: true } | { failAuthentication: true } | { challengeName: 'PASSWORD_VERIFIER' | 'CUSTOM_CHALLENGE' };

/** What CreateAuthChallenge made: the public parameters go to the client, the rest stays with us. */
export interface CreatedChallenge {
  publicChallengeParameters: StringMap;
  privateChallengeParameters: StringMap;
  challengeMetadata: string | null;
}

const bad = () => new InvalidLambdaResponseException(LAMBDA_MSG.unrecognizable);

/** Whether the pool can run a custom authentication (a DefineAuthChallenge function). */
export function hasCustomAuth(pool: PoolRecord): boolean {
  return triggerArn(pool, 'DefineAuthChallenge') !== null;
}

/** Whether the pool has the function for `name` (CreateAuthChallenge, VerifyAuthChallengeResponse). */
export function hasTrigger(pool: PoolRecord, name: 'CreateAuthChallenge' | 'VerifyAuthChallengeResponse'): boolean {
  return triggerArn(pool, name) !== null;
}

function common(pool: PoolRecord, i: CustomAuthInput) {
  return {
    userAttributes: i.user ? userAttributesOf(pool, i.user) : {},
    session: i.session.map((r) => ({ ...r })),
    clientMetadata: i.clientMetadata ?? null,
    userNotFound: i.user === null,
  };
}

export function defineAuthChallengeEvent(pool: PoolRecord, i: CustomAuthInput) {
  const { userAttributes, session, clientMetadata, userNotFound } = common(pool, i);
  return triggerEvent(
    pool,
    'DefineAuthChallenge_Authentication',
    i.user?.username ?? i.userName,
    i.caller,
    { userAttributes, session, clientMetadata, userNotFound },
    { challengeName: null, issueTokens: null, failAuthentication: null },
  );
}

export function createAuthChallengeEvent(pool: PoolRecord, i: CustomAuthInput) {
  const { userAttributes, session, clientMetadata, userNotFound } = common(pool, i);
  return triggerEvent(
    pool,
    'CreateAuthChallenge_Authentication',
    i.user?.username ?? i.userName,
    i.caller,
    { userAttributes, challengeName: 'CUSTOM_CHALLENGE', session, clientMetadata, userNotFound },
    { publicChallengeParameters: null, privateChallengeParameters: null, challengeMetadata: null },
  );
}

export function verifyAuthChallengeEvent(pool: PoolRecord, i: CustomAuthInput & { privateChallengeParameters: StringMap; challengeAnswer: string }) {
  const { userAttributes, clientMetadata, userNotFound } = common(pool, i);
  return triggerEvent(
    pool,
    'VerifyAuthChallengeResponse_Authentication',
    i.user?.username ?? i.userName,
    i.caller,
    { userAttributes, privateChallengeParameters: i.privateChallengeParameters, challengeAnswer: i.challengeAnswer, clientMetadata, userNotFound },
    { answerCorrect: null },
  );
}

/**
 * Runs DefineAuthChallenge. issueTokens wins, then failAuthentication, then challengeName (CUSTOM_CHALLENGE, or
 * PASSWORD_VERIFIER right after SRP_A); an answer that decides nothing is unrecognizable.
 */
export async function runDefineAuthChallenge(deps: Pick<Deps, 'triggers'>, pool: PoolRecord, i: CustomAuthInput): Promise<Decision> {
  const r = await invokeTrigger(deps, pool, 'DefineAuthChallenge', defineAuthChallengeEvent(pool, i));
  if (!r) throw bad();
  if (booleanMember(r, 'issueTokens')) return { issueTokens: true };
  if (booleanMember(r, 'failAuthentication')) return { failAuthentication: true };
  const name = stringMember(r, 'challengeName');
  if (name === 'CUSTOM_CHALLENGE') return { challengeName: name };
  if (name === 'PASSWORD_VERIFIER' && i.session.at(-1)?.challengeName === 'SRP_A') return { challengeName: name };
  throw bad();
}

function stringMap(v: unknown): StringMap {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw bad();
  const out: StringMap = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined || x === null) continue;
    if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') throw bad();
    out[k] = String(x);
  }
  return out;
}

/** Runs CreateAuthChallenge for a CUSTOM_CHALLENGE. */
export async function runCreateAuthChallenge(deps: Pick<Deps, 'triggers'>, pool: PoolRecord, i: CustomAuthInput): Promise<CreatedChallenge> {
  const r = await invokeTrigger(deps, pool, 'CreateAuthChallenge', createAuthChallengeEvent(pool, i));
  if (!r) throw bad();
  return {
    publicChallengeParameters: stringMap(r.publicChallengeParameters),
    privateChallengeParameters: stringMap(r.privateChallengeParameters),
    challengeMetadata: stringMember(r, 'challengeMetadata') ?? null,
  };
}

/** Runs VerifyAuthChallengeResponse: whether the answer is correct (absent: not correct). */
export async function runVerifyAuthChallenge(
  deps: Pick<Deps, 'triggers'>,
  pool: PoolRecord,
  i: CustomAuthInput & { privateChallengeParameters: StringMap; challengeAnswer: string },
): Promise<boolean> {
  const r = await invokeTrigger(deps, pool, 'VerifyAuthChallengeResponse', verifyAuthChallengeEvent(pool, i));
  if (!r) return false;
  return booleanMember(r, 'answerCorrect') === true;
}
