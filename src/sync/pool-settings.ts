// Cognito Sync's settings of an identity pool (developer credentials only): push sync and Cognito Streams
// (Get/SetIdentityPoolConfiguration), the SyncTrigger (Get/SetCognitoEvents), as the wire shapes them.
import type { Deps } from '../deps.ts';
import type { SyncPoolConfig } from '../storage/interfaces/sync-config.ts';
import { InvalidParameterException, ResourceNotFoundException } from './errors.ts';
import type { CognitoStreams, PushSync } from './shapes.ts';

/** The only event type Cognito Events has ("SyncTrigger", the developer guide's "Customizing workflows with Amazon Cognito Events"). */
export const SYNC_TRIGGER = 'SyncTrigger';
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$/;

/** Throws ResourceNotFoundException unless the identity pool exists (cognito-identity's wording). */
export async function requirePool(deps: Pick<Deps, 'store'>, poolId: string): Promise<void> {
  if (!(await deps.store.identityPools.get(poolId))) throw new ResourceNotFoundException(`IdentityPool '${poolId}' not found.`);
}

export function configurationShape(poolId: string, c: SyncPoolConfig | null): { IdentityPoolId: string; PushSync?: PushSync; CognitoStreams?: CognitoStreams } {
  return {
    IdentityPoolId: poolId,
    ...(c?.pushSync
      ? { PushSync: { ApplicationArns: c.pushSync.applicationArns, ...(c.pushSync.roleArn ? { RoleArn: c.pushSync.roleArn } : {}) } }
      : {}),
    ...(c?.streams
      ? {
          CognitoStreams: {
            ...(c.streams.streamName ? { StreamName: c.streams.streamName } : {}),
            ...(c.streams.roleArn ? { RoleArn: c.streams.roleArn } : {}),
            StreamingStatus: c.streams.status,
          },
        }
      : {}),
  };
}

/**
 * CognitoStreams as stored: a stream that is ENABLED needs its StreamName (wording ours); no StreamingStatus means
 * ENABLED when a StreamName is given (setting a stream is asking for it), else DISABLED.
 */
export function streamsOf(s: CognitoStreams, knownStream: (name: string) => boolean): NonNullable<SyncPoolConfig['streams']> {
  const status = s.StreamingStatus ?? (s.StreamName ? 'ENABLED' : 'DISABLED');
  if (status === 'ENABLED' && !s.StreamName) throw new InvalidParameterException('StreamName is required when StreamingStatus is ENABLED.');
  if (status === 'ENABLED' && !knownStream(s.StreamName!))
    // AWS checks the Kinesis stream exists; Cognate, that its configuration maps the name to a target (README, "Cognito Streams").
    throw new InvalidParameterException(`Stream ${s.StreamName} is not configured.`);
  return { streamName: s.StreamName ?? null, roleArn: s.RoleArn ?? null, status };
}

/** The SyncTrigger function of SetCognitoEvents' Events: an ARN, null to remove (an empty value), undefined for no change. */
export function syncTriggerOf(events: Record<string, string>): string | null | undefined {
  for (const [type, arn] of Object.entries(events)) {
    if (type !== SYNC_TRIGGER) throw new InvalidParameterException(`Invalid event type: ${type}`); // ours
    if (arn === '') return null;
    if (!LAMBDA_ARN.test(arn)) throw new InvalidParameterException(`Invalid Lambda function ARN: ${arn}`); // ours
    return arn;
  }
  return undefined;
}
