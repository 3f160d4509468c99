// Pre authentication trigger (PreAuthentication_Authentication): may refuse a sign-in by throwing; answers nothing.
import type { Deps } from '../../deps.ts';
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import { invokeTrigger, triggerEvent, triggerUserAttributes, type StringMap, type TriggerCaller } from './common.ts';

export interface PreAuthenticationInput {
  /** Null for a name nobody has (PreventUserExistenceErrors ENABLED): then userName is the name given. */
  user: UserRecord | null;
  userName: string;
  caller: TriggerCaller;
  /**
   * The request's ClientMetadata: amazon-cognito-identity-js sends its validationData as ClientMetadata, so Cognito's
   * event carries it as both validationData and clientMetadata (COGNITO-API.md §5.3 step 3).
   */
  clientMetadata?: StringMap;
  validationData?: StringMap;
}

export function preAuthenticationEvent(pool: PoolRecord, i: PreAuthenticationInput) {
  return triggerEvent(
    pool,
    'PreAuthentication_Authentication',
    i.user?.username ?? i.userName,
    i.caller,
    {
      userAttributes: i.user ? triggerUserAttributes(pool, i.user) : {},
      userNotFound: i.user === null,
      validationData: i.validationData ?? i.clientMetadata ?? null,
      clientMetadata: i.clientMetadata ?? null,
    },
    {},
  );
}

/** Runs the pool's PreAuthentication function; a throw is UserLambdaValidationException "PreAuthentication failed with error …". */
export async function runPreAuthentication(deps: Pick<Deps, 'triggers'>, pool: PoolRecord, i: PreAuthenticationInput): Promise<void> {
  await invokeTrigger(deps, pool, 'PreAuthentication', preAuthenticationEvent(pool, i));
}
