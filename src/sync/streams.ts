// Cognito Streams: each successful sync of an identity pool whose CognitoStreams is ENABLED goes, after it is
// committed, to the pool's stream (runtime/streams.ts maps the StreamName to NATS JetStream, a Redis stream or a
// webhook) as one record shaped as Cognito wrote them to Kinesis (AWS Mobile Blog, "Announcing Amazon Cognito
// Streams"): identityPoolId, identityId, dataSetName, operation, kinesisSyncRecords [{key, value, syncCount,
// lastModifiedDate, deviceLastModifiedDate, op}], lastModifiedDate, payloadType "Inline", syncCount; dates in epoch
// milliseconds. Cognito put records too large for Kinesis in S3 (payloadType "S3Url"); Cognate always sends them inline.
import type { Deps } from '../deps.ts';
import type { Record as WireRecord } from './shapes.ts';

export interface KinesisSyncRecord {
  key: string;
  value: string | null;
  syncCount: number;
  lastModifiedDate: number;
  deviceLastModifiedDate: number | null;
  op: 'replace' | 'remove';
}

export interface StreamRecord {
  identityPoolId: string;
  identityId: string;
  dataSetName: string;
  /** "replace" for a sync (and a bulk publish), "remove" for a deleted dataset */
  operation: 'replace' | 'remove';
  kinesisSyncRecords: KinesisSyncRecord[];
  lastModifiedDate: number;
  payloadType: 'Inline';
  syncCount: number;
}

const ms = (seconds: number | undefined) => (seconds === undefined ? null : Math.round(seconds * 1000));

/** The stream record of a dataset's records (as the wire shapes them, values in clear). */
export function streamRecord(
  target: { poolId: string; identityId: string; dataset: string },
  records: WireRecord[],
  dataset: { syncCount: number; modifiedAt: number },
  operation: 'replace' | 'remove' = 'replace',
): StreamRecord {
  return {
    identityPoolId: target.poolId,
    identityId: target.identityId,
    dataSetName: target.dataset,
    operation,
    kinesisSyncRecords: records.map((r) => ({
      key: r.Key!,
      value: r.Value ?? null,
      syncCount: r.SyncCount!,
      lastModifiedDate: ms(r.LastModifiedDate)!,
      deviceLastModifiedDate: ms(r.DeviceLastModifiedDate),
      op: r.Value === undefined ? 'remove' : 'replace',
    })),
    lastModifiedDate: dataset.modifiedAt,
    payloadType: 'Inline',
    syncCount: dataset.syncCount,
  };
}

/** The stream a pool publishes to now: its StreamName when streaming is ENABLED and Cognate maps the name; else null. */
export async function streamOf(deps: Pick<Deps, 'store' | 'streams'>, poolId: string): Promise<string | null> {
  const s = (await deps.store.syncConfig.get(poolId))?.streams;
  return s?.status === 'ENABLED' && s.streamName && deps.streams.has(s.streamName) ? s.streamName : null;
}

/**
 * After a committed sync: sends its record to the pool's stream, if it has one, without holding up the answer. A
 * target that fails is logged; the sync stands (as a Kinesis outage did not fail Cognito's UpdateRecords).
 */
export function publishAfterCommit(deps: Pick<Deps, 'store' | 'streams' | 'logger'>, record: StreamRecord): void {
  if (!record.kinesisSyncRecords.length && record.operation === 'replace') return;
  void (async () => {
    const name = await streamOf(deps, record.identityPoolId);
    if (name) await deps.streams.publish(name, [record]);
  })().catch((e: Error) => deps.logger.warn('cognito streams: publish failed', { poolId: record.identityPoolId, error: e.message }));
}
