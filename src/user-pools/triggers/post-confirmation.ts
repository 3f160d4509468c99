// Post confirmation trigger (PostConfirmation_ConfirmSignUp, PostConfirmation_ConfirmForgotPassword): told after the
// user is confirmed; its answer carries nothing, a throw fails the call (the user stays confirmed).
import type { Deps } from '../../deps.ts';
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import { invokeTrigger, triggerEvent, triggerUserAttributes, type StringMap, type TriggerCaller } from './common.ts';

export type PostConfirmationSource = 'PostConfirmation_ConfirmSignUp' | 'PostConfirmation_ConfirmForgotPassword';

export function postConfirmationEvent(pool: PoolRecord, user: UserRecord, source: PostConfirmationSource, caller: TriggerCaller, clientMetadata?: StringMap) {
  return triggerEvent(pool, source, user.username, caller, { userAttributes: triggerUserAttributes(pool, user), clientMetadata: clientMetadata ?? null }, {});
}

/** Runs the pool's PostConfirmation function for the (now confirmed) user, if it has one. */
export async function runPostConfirmation(
  deps: Pick<Deps, 'triggers'>,
  pool: PoolRecord,
  user: UserRecord,
  source: PostConfirmationSource,
  caller: TriggerCaller,
  clientMetadata?: StringMap,
): Promise<void> {
  await invokeTrigger(deps, pool, 'PostConfirmation', postConfirmationEvent(pool, user, source, caller, clientMetadata));
}
