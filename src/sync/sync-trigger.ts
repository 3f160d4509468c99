// The Cognito Sync trigger (SetCognitoEvents' SyncTrigger): run inside UpdateRecords, before anything is written,
// through the one trigger runner (module, HTTP or Lambda Invoke), with Cognito's event (version 2, eventType
// SyncTrigger, datasetRecords {key: {oldValue, newValue, op}}). The function's answer decides what is written: its
// datasetRecords replace the patches (a key it leaves out is not written, a key it adds is written, newValue null or
// op "remove" removes). Cognito runs it only for identity credentials: "If you have an associated Lambda function, but
// you call UpdateRecords with AWS account credentials (developer credentials), your Lambda function will not be
// invoked" (developer guide, "Customizing workflows with Amazon Cognito Events").
import { isStale } from '../storage/datasets.ts';
import type { Deps } from '../deps.ts';
import { roleContextOf } from '../identity-pools/authorize.ts';
import type { OperationContext } from '../protocol/operation.ts';
import { TriggerInvokeError } from '../runtime/triggers.ts';
import { recordsByKey } from './datasets.ts';
import { InvalidLambdaFunctionOutputException, LambdaThrottledException, ResourceConflictException } from './errors.ts';
import type { RecordPatch } from './shapes.ts';

export interface SyncTriggerEvent {
  version: 2;
  eventType: 'SyncTrigger';
  region: string;
  identityPoolId: string;
  identityId: string;
  datasetName: string;
  datasetRecords: Record<string, { oldValue: string | null; newValue: string | null; op: 'replace' | 'remove' }>;
}

/** Why the function gave no usable answer, as the model's UpdateRecords errors can say it (wording ours). */
function triggerError(e: unknown): Error {
  const err = e instanceof TriggerInvokeError ? e : new TriggerInvokeError('unreachable', String(e));
  if (err.kind === 'function') return new InvalidLambdaFunctionOutputException(`The SyncTrigger function failed: ${err.message}`);
  if (err.kind === 'invalid-response') return new InvalidLambdaFunctionOutputException('The SyncTrigger function answered no valid event.');
  // timed out, not reachable, refused by the Lambda API: the function did not run now; the client may try again
  return new LambdaThrottledException('The SyncTrigger function could not be invoked; try again later.');
}

/** The answer's datasetRecords as patches, or InvalidLambdaFunctionOutputException. */
function patchesOfAnswer(answer: unknown, given: Map<string, RecordPatch>, current: Map<string, { syncCount: number }>): RecordPatch[] {
  const records = (answer as { datasetRecords?: unknown } | null)?.datasetRecords;
  if (!records || typeof records !== 'object' || Array.isArray(records)) throw triggerError(new TriggerInvokeError('invalid-response', 'no datasetRecords'));
  const out: RecordPatch[] = [];
  for (const [key, r] of Object.entries(records as Record<string, unknown>)) {
    const rec = r as { newValue?: unknown; op?: unknown } | null;
    const value = rec?.newValue;
    if (!rec || typeof rec !== 'object' || (value !== null && value !== undefined && typeof value !== 'string') || (rec.op !== undefined && rec.op !== 'replace' && rec.op !== 'remove'))
      throw triggerError(new TriggerInvokeError('invalid-response', `bad record ${key}`));
    const remove = rec.op === 'remove' || value === null || value === undefined;
    const patch = given.get(key);
    out.push({
      Op: remove ? 'remove' : 'replace',
      Key: key,
      ...(remove ? {} : { Value: value as string }),
      // a key the function added is written over whatever is stored (the store still refuses a concurrent change)
      SyncCount: patch ? patch.SyncCount : (current.get(key)?.syncCount ?? 0),
      ...(patch?.DeviceLastModifiedDate === undefined ? {} : { DeviceLastModifiedDate: patch.DeviceLastModifiedDate }),
    });
  }
  return out;
}

/**
 * The patches UpdateRecords writes: `patches` unchanged when no SyncTrigger applies (developer credentials, none set,
 * or patches the domain will refuse anyway), else what the function answered. A stale patch is refused before the
 * function runs (ResourceConflictException, as the write would).
 */
export async function applySyncTrigger(
  deps: Pick<Deps, 'store' | 'secrets' | 'triggers' | 'config'>,
  ctx: OperationContext,
  target: { poolId: string; identityId: string; dataset: string },
  patches: RecordPatch[],
): Promise<RecordPatch[]> {
  if (!roleContextOf(ctx.principal)) return patches;
  const arn = (await deps.store.syncConfig.get(target.poolId))?.syncTriggerArn;
  if (!arn) return patches;
  const given = new Map(patches.map((p) => [p.Key, p]));
  if (given.size !== patches.length) return patches; // a duplicate key: UpdateRecords refuses it
  const current = await recordsByKey(deps, target.poolId, target.identityId, target.dataset);
  const dataset = await deps.store.datasets.get(target.identityId, target.dataset);
  for (const p of patches) {
    const row = current.get(p.Key);
    if (isStale(row, dataset?.live ? dataset.syncCount : null, p.SyncCount))
      throw new ResourceConflictException(`Current SyncCount for: ${p.Key} is: ${row?.syncCount ?? 0} not: ${p.SyncCount}`);
  }
  const event: SyncTriggerEvent = {
    version: 2,
    eventType: 'SyncTrigger',
    region: deps.config.region,
    identityPoolId: target.poolId,
    identityId: target.identityId,
    datasetName: target.dataset,
    datasetRecords: Object.fromEntries(
      patches.map((p) => [p.Key, { oldValue: current.get(p.Key)?.value ?? null, newValue: p.Op === 'remove' ? null : (p.Value ?? null), op: p.Op }]),
    ),
  };
  let answer: unknown;
  try {
    answer = await deps.triggers.invoke(arn, event);
  } catch (e) {
    throw triggerError(e);
  }
  return patchesOfAnswer(answer, given, current);
}
