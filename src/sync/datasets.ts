// Cognito Sync datasets and records: the limits (COGNITO-API §8.3), the wire shapes, and UpdateRecords' rules —
// a per-record SyncCount compare-and-swap over the whole request (one stale patch refuses it all, with Cognito's
// "Current SyncCount for: K is: S not: C"), a dataset-wide counter, tombstones for removes, implicit creation.
// Values are sealed by the master key before they reach the store.
import type { Deps } from '../deps.ts';
import type { IdentityRecord } from '../storage/store.ts';
import type { DatasetRecord, RecordWrite, SyncRecord } from '../storage/interfaces/datasets.ts';
import { InvalidParameterException, LimitExceededException, ResourceConflictException, ResourceNotFoundException } from './errors.ts';
import type { Dataset, Record as WireRecord, RecordPatch } from './shapes.ts';

/** 20 datasets per identity, 1,024 records and 1 MB per dataset (Cognito's quotas). */
export const LIMITS = { maxDatasets: 20, maxRecords: 1024, maxBytes: 1024 * 1024 };

/** Who Cognito names as LastModifiedBy: the AWS account (observed "123456789012" in its examples, for identity calls too). */
export const modifiedBy = (deps: Pick<Deps, 'config'>): string => deps.config.accountId;

const seconds = (ms: number) => ms / 1000;

export function datasetShape(d: DatasetRecord): Dataset {
  return {
    IdentityId: d.identityId,
    DatasetName: d.name,
    CreationDate: seconds(d.createdAt),
    LastModifiedDate: seconds(d.modifiedAt),
    LastModifiedBy: d.modifiedBy,
    DataStorage: d.dataStorage,
    NumRecords: d.numRecords,
  };
}

/** A record on the wire; `value` when the caller has it in clear already, else unsealed here (none for a tombstone). */
export function recordShape(deps: Pick<Deps, 'secrets'>, r: SyncRecord, value?: string): WireRecord {
  const v = r.valueSealed === null ? undefined : (value ?? deps.secrets.decryptString(r.valueSealed));
  return {
    Key: r.key,
    ...(v === undefined ? {} : { Value: v }),
    SyncCount: r.syncCount,
    LastModifiedDate: seconds(r.modifiedAt),
    LastModifiedBy: r.modifiedBy,
    ...(r.deviceModifiedAt === null ? {} : { DeviceLastModifiedDate: seconds(r.deviceModifiedAt) }),
  };
}

/** The identity of the pool, or ResourceNotFoundException (wording ours, after cognito-identity's "IdentityPool '…' not found."). */
export async function identityOfPool(deps: Pick<Deps, 'store'>, poolId: string, identityId: string): Promise<IdentityRecord> {
  const identity = await deps.store.identities.get(identityId);
  if (!identity || identity.poolId !== poolId) throw new ResourceNotFoundException(`Identity '${identityId}' not found.`);
  return identity;
}

/** The live dataset of this identity of this pool, or null. */
export async function liveDataset(deps: Pick<Deps, 'store'>, poolId: string, identityId: string, name: string): Promise<DatasetRecord | null> {
  const d = await deps.store.datasets.get(identityId, name);
  return d && d.live && d.poolId === poolId ? d : null;
}

export function datasetNotFound(name: string): Error {
  return new ResourceNotFoundException(`Dataset '${name}' not found.`); // wording ours
}

/**
 * UpdateRecords after the token and the caller are checked: the patches applied all or none. Answers the records as
 * stored, with their new SyncCount.
 */
export async function updateRecords(
  deps: Pick<Deps, 'store' | 'secrets' | 'clock' | 'config'>,
  poolId: string,
  identityId: string,
  name: string,
  patches: RecordPatch[],
): Promise<WireRecord[]> {
  const seen = new Set<string>();
  const writes: RecordWrite[] = [];
  const values = new Map<string, string>();
  for (const p of patches) {
    if (seen.has(p.Key)) throw new InvalidParameterException(`Duplicate record key in RecordPatches: ${p.Key}`); // ours
    seen.add(p.Key);
    if (p.SyncCount < 0) throw new InvalidParameterException(`SyncCount must not be negative for key: ${p.Key}`); // ours
    const remove = p.Op === 'remove';
    if (!remove && p.Value === undefined) throw new InvalidParameterException(`A replace patch needs a Value, for key: ${p.Key}`); // ours
    if (!remove) values.set(p.Key, p.Value!);
    writes.push({
      key: p.Key,
      expectedSyncCount: p.SyncCount,
      valueSealed: remove ? null : deps.secrets.encrypt(p.Value!),
      size: remove ? 0 : Buffer.byteLength(p.Key, 'utf8') + Buffer.byteLength(p.Value!, 'utf8'),
      deviceModifiedAt: p.DeviceLastModifiedDate === undefined ? null : Math.round(p.DeviceLastModifiedDate * 1000),
    });
  }
  const out = await deps.store.datasets.update({ poolId, identityId, name }, writes, LIMITS, deps.clock.now(), modifiedBy(deps));
  if (out.refused === 'conflict') throw new ResourceConflictException(`Current SyncCount for: ${out.key} is: ${out.current} not: ${out.expected}`);
  // Wording ours: Cognito's texts for these limits were not found.
  if (out.refused === 'datasets') throw new LimitExceededException(`An identity has at most ${LIMITS.maxDatasets} datasets.`);
  if (out.refused === 'records') throw new LimitExceededException(`A dataset holds at most ${LIMITS.maxRecords} records.`);
  if (out.refused) throw new LimitExceededException(`A dataset holds at most ${LIMITS.maxBytes} bytes of records.`);
  return out.records.map((r) => recordShape(deps, r, values.get(r.key)));
}

/** A page size: `given` (at least 1) up to `max`, else `max`. */
export function pageSize(given: number | undefined, max: number): number {
  if (given === undefined) return max;
  if (given < 1) throw new InvalidParameterException('MaxResults must be at least 1.'); // ours
  return Math.min(given, max);
}

/** The stored records of a live dataset by key, values unsealed (null for a tombstone); empty when it is not live. */
export async function recordsByKey(
  deps: Pick<Deps, 'store' | 'secrets'>,
  poolId: string,
  identityId: string,
  name: string,
): Promise<Map<string, { value: string | null; syncCount: number }>> {
  const out = new Map<string, { value: string | null; syncCount: number }>();
  if (!(await liveDataset(deps, poolId, identityId, name))) return out;
  let cursor: string | undefined;
  do {
    const page = await deps.store.datasets.records(identityId, name, 0, LIMITS.maxRecords, cursor);
    for (const r of page.items) out.set(r.key, { value: r.valueSealed === null ? null : deps.secrets.decryptString(r.valueSealed), syncCount: r.syncCount });
    cursor = page.next;
  } while (cursor);
  return out;
}
