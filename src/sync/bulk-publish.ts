// BulkPublish: every live dataset of an identity pool sent to its Cognito Stream, one record per dataset (as a sync's
// record, operation "replace", all its live records), run after the call answers. "Amazon Cognito Sync allows only one
// successful bulk publish per 24 hour period" (BulkPublish API reference): a second call while one runs is
// DuplicateRequestException, one within 24 hours of a successful one AlreadyStreamedException; a failed one may be
// retried at once. Times come from the injected clock.
import type { Deps } from '../deps.ts';
import { recordShape } from './datasets.ts';
import { AlreadyStreamedException, DuplicateRequestException, InvalidParameterException } from './errors.ts';
import { streamOf, streamRecord } from './streams.ts';

export const BULK_PUBLISH_INTERVAL_MS = 24 * 60 * 60 * 1000;
/** An IN_PROGRESS bulk publish older than this is taken for dead (its server stopped mid-way): a new one may start. */
export const BULK_PUBLISH_STALE_MS = 60 * 60 * 1000;
const PAGE = 60;

type BulkDeps = Pick<Deps, 'store' | 'streams' | 'clock' | 'logger' | 'secrets'>;

/** Sends every live dataset of the pool to `stream`. */
async function publishAll(deps: BulkDeps, poolId: string, stream: string): Promise<void> {
  let identities: string | undefined;
  do {
    const page = await deps.store.identities.list(poolId, PAGE, identities);
    for (const identity of page.items) {
      let datasets: string | undefined;
      do {
        const ds = await deps.store.datasets.list(identity.id, PAGE, datasets);
        for (const d of ds.items.filter((x) => x.poolId === poolId)) {
          const records = [];
          let cursor: string | undefined;
          do {
            const rp = await deps.store.datasets.records(identity.id, d.name, 0, 1024, cursor);
            records.push(...rp.items.filter((r) => r.valueSealed !== null).map((r) => recordShape(deps, r)));
            cursor = rp.next;
          } while (cursor);
          await deps.streams.publish(stream, [streamRecord({ poolId, identityId: identity.id, dataset: d.name }, records, d)]);
        }
        datasets = ds.next;
      } while (datasets);
    }
    identities = page.next;
  } while (identities);
}

/** Starts the pool's bulk publish (refusing as Cognito does) and runs it in the background. */
export async function startBulkPublish(deps: BulkDeps, poolId: string): Promise<void> {
  const stream = await streamOf(deps, poolId);
  // wording ours: the pool must stream somewhere for a bulk publish to mean anything
  if (!stream) throw new InvalidParameterException('Cognito Streams is not enabled for this identity pool.');
  const now = deps.clock.now();
  const started = await deps.store.syncConfig.startBulkPublish(poolId, now, now - BULK_PUBLISH_INTERVAL_MS, now - BULK_PUBLISH_STALE_MS);
  if (started === 'running') throw new DuplicateRequestException('A bulk publish is already in progress for this identity pool.'); // ours
  if (started === 'streamed') throw new AlreadyStreamedException('This identity pool was already bulk published in the last 24 hours.'); // ours
  void publishAll(deps, poolId, stream).then(
    () => deps.store.syncConfig.finishBulkPublish(poolId, now, 'SUCCEEDED', deps.clock.now(), null),
    (e: Error) => {
      deps.logger.warn('cognito streams: bulk publish failed', { poolId, error: e.message });
      return deps.store.syncConfig.finishBulkPublish(poolId, now, 'FAILED', deps.clock.now(), 'The records could not be published to the stream.');
    },
  ).catch((e: Error) => deps.logger.error('cognito streams: bulk publish state not saved', { poolId, error: e.message }));
}
