// Post authentication trigger (PostAuthentication_Authentication): told after a successful sign-in, before tokens
// are issued; a throw fails the sign-in.
import type { Deps } from '../../deps.ts';
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import { invokeTrigger, triggerEvent, triggerUserAttributes, type StringMap, type TriggerCaller } from './common.ts';

export interface PostAuthenticationInput {
  user: UserRecord;
  caller: TriggerCaller;
  /** Whether the user signed in from a device not seen before (device tracking). */
  newDeviceUsed: boolean;
  clientMetadata?: StringMap;
}

export function postAuthenticationEvent(pool: PoolRecord, i: PostAuthenticationInput) {
  return triggerEvent(
    pool,
    'PostAuthentication_Authentication',
    i.user.username,
    i.caller,
    { userAttributes: triggerUserAttributes(pool, i.user), newDeviceUsed: i.newDeviceUsed, clientMetadata: i.clientMetadata ?? null },
    {},
  );
}

export async function runPostAuthentication(deps: Pick<Deps, 'triggers'>, pool: PoolRecord, i: PostAuthenticationInput): Promise<void> {
  await invokeTrigger(deps, pool, 'PostAuthentication', postAuthenticationEvent(pool, i));
}
