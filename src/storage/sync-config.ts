// Shared by the SQLite and PostgreSQL sync-config stores: a row as the domain sees it.
import type { Row } from './rows.ts';
import type { SyncPoolConfig } from './interfaces/sync-config.ts';

const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function syncConfigOf(r: Row): SyncPoolConfig {
  return {
    poolId: r.pool_id,
    pushSync: r.push_set ? { applicationArns: JSON.parse(r.push_application_arns ?? '[]') as string[], roleArn: r.push_role_arn ?? null } : null,
    streams: r.streams_set ? { streamName: r.stream_name ?? null, roleArn: r.stream_role_arn ?? null, status: r.streaming_status } : null,
    syncTriggerArn: r.sync_trigger_arn ?? null,
    bulkPublish: { status: r.bulk_status ?? 'NOT_STARTED', startedAt: n(r.bulk_started_at), completedAt: n(r.bulk_completed_at), failure: r.bulk_failure ?? null },
  };
}

/** The column values of a SetIdentityPoolConfiguration over what is stored. */
export function configColumns(stored: SyncPoolConfig | null, parts: { pushSync?: SyncPoolConfig['pushSync']; streams?: SyncPoolConfig['streams'] }) {
  const push = parts.pushSync !== undefined ? parts.pushSync : (stored?.pushSync ?? null);
  const streams = parts.streams !== undefined ? parts.streams : (stored?.streams ?? null);
  return [
    push ? 1 : 0,
    push ? JSON.stringify(push.applicationArns) : null,
    push?.roleArn ?? null,
    streams ? 1 : 0,
    streams?.streamName ?? null,
    streams?.roleArn ?? null,
    streams?.status ?? null,
  ] as const;
}

export const CONFIG_COLUMNS = 'push_set, push_application_arns, push_role_arn, streams_set, stream_name, stream_role_arn, streaming_status';
