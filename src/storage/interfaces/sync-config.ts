// The storage interface of Cognito Sync's per-identity-pool settings: push sync, Cognito Streams, the Sync Trigger
// (SetCognitoEvents) and the state of the pool's latest BulkPublish. One row per identity pool, made by the first
// setting written.

export type StreamingStatus = 'ENABLED' | 'DISABLED';
export type BulkPublishStatus = 'NOT_STARTED' | 'IN_PROGRESS' | 'FAILED' | 'SUCCEEDED';

export interface SyncPoolConfig {
  poolId: string;
  /** null when SetIdentityPoolConfiguration never gave PushSync */
  pushSync: { applicationArns: string[]; roleArn: string | null } | null;
  /** null when SetIdentityPoolConfiguration never gave CognitoStreams */
  streams: { streamName: string | null; roleArn: string | null; status: StreamingStatus } | null;
  /** the Lambda function ARN of the SyncTrigger event, or null */
  syncTriggerArn: string | null;
  bulkPublish: { status: BulkPublishStatus; startedAt: number | null; completedAt: number | null; failure: string | null };
}

export interface SyncConfigStore {
  /** The pool's settings, or null when none was ever written. */
  get(poolId: string): Promise<SyncPoolConfig | null>;
  /** Writes the parts given (an absent part keeps what is stored); answers the settings as stored. */
  setConfiguration(poolId: string, parts: { pushSync?: SyncPoolConfig['pushSync']; streams?: SyncPoolConfig['streams'] }): Promise<SyncPoolConfig>;
  /** Sets (or with null removes) the SyncTrigger function. */
  setSyncTrigger(poolId: string, arn: string | null): Promise<void>;
  /**
   * Starts a bulk publish at `now`, atomically (one winner across processes): refused with 'running' while one is
   * IN_PROGRESS (unless it started before `staleBefore`: its server died with it), with 'streamed' when one SUCCEEDED
   * and started at or after `succeededBefore`.
   */
  startBulkPublish(poolId: string, now: number, succeededBefore: number, staleBefore: number): Promise<'started' | 'running' | 'streamed'>;
  /** Ends the IN_PROGRESS bulk publish that started at `startedAt` (a later one is left alone). */
  finishBulkPublish(poolId: string, startedAt: number, status: 'SUCCEEDED' | 'FAILED', now: number, failure: string | null): Promise<void>;
  /** Forgets the pool's settings (with the identity pool). */
  delete(poolId: string): Promise<void>;
}
