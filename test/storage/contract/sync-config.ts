// Storage contract for Cognito Sync's identity pool settings: parts written and kept, the SyncTrigger, and a bulk
// publish started once (concurrent starts: exactly one wins), refused while it runs and within the interval after a
// success, startable again after a failure.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { T0, type WithStore } from './fixtures.ts';

const POOL = 'us-east-1:11111111-1111-4111-8111-111111111111';
const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

export function syncConfigContract(withStore: WithStore): void {
  describe('sync config', () => {
    test('settings: none at first; each part written keeps the other; the trigger set and removed; delete forgets them', () =>
      withStore(async (store) => {
        assert.equal(await store.syncConfig.get(POOL), null);
        const push = { applicationArns: ['arn:aws:sns:us-east-1:1:app/GCM/a'], roleArn: 'arn:aws:iam::1:role/r' };
        await store.syncConfig.setConfiguration(POOL, { pushSync: push });
        const streams = { streamName: 's', roleArn: null, status: 'ENABLED' as const };
        const both = await store.syncConfig.setConfiguration(POOL, { streams });
        assert.deepEqual([both.pushSync, both.streams], [push, streams]);
        await store.syncConfig.setSyncTrigger(POOL, 'arn:aws:lambda:us-east-1:123456789012:function:f');
        const got = (await store.syncConfig.get(POOL))!;
        assert.deepEqual([got.pushSync, got.streams, got.syncTriggerArn, got.bulkPublish.status], [push, streams, 'arn:aws:lambda:us-east-1:123456789012:function:f', 'NOT_STARTED']);
        await store.syncConfig.setSyncTrigger(POOL, null);
        assert.equal((await store.syncConfig.get(POOL))!.syncTriggerArn, null);
        await store.syncConfig.delete(POOL);
        assert.equal(await store.syncConfig.get(POOL), null);
      }));

    test('bulk publish: one of concurrent starts wins; running and recently succeeded refuse; a failed or dead one may start again', () =>
      withStore(async (store) => {
        const starts = await Promise.all(Array.from({ length: 5 }, () => store.syncConfig.startBulkPublish(POOL, T0, T0 - DAY, T0 - HOUR)));
        assert.deepEqual(starts.filter((x) => x === 'started').length, 1);
        assert.ok(starts.every((x) => x === 'started' || x === 'running'));
        assert.equal(await store.syncConfig.startBulkPublish(POOL, T0 + HOUR, T0 + HOUR - DAY, T0), 'running');
        await store.syncConfig.finishBulkPublish(POOL, T0 - 1, 'SUCCEEDED', T0 + 5, null); // not this run: ignored
        assert.equal((await store.syncConfig.get(POOL))!.bulkPublish.status, 'IN_PROGRESS');
        await store.syncConfig.finishBulkPublish(POOL, T0, 'SUCCEEDED', T0 + 5, null);
        assert.deepEqual((await store.syncConfig.get(POOL))!.bulkPublish, { status: 'SUCCEEDED', startedAt: T0, completedAt: T0 + 5, failure: null });
        assert.equal(await store.syncConfig.startBulkPublish(POOL, T0 + DAY, T0, T0 + DAY - HOUR), 'streamed');
        assert.equal(await store.syncConfig.startBulkPublish(POOL, T0 + DAY + 1, T0 + 1, T0 + DAY + 1 - HOUR), 'started');
        await store.syncConfig.finishBulkPublish(POOL, T0 + DAY + 1, 'FAILED', T0 + DAY + 2, 'boom');
        assert.equal((await store.syncConfig.get(POOL))!.bulkPublish.failure, 'boom');
        assert.equal(await store.syncConfig.startBulkPublish(POOL, T0 + DAY + 3, T0 + 3, T0 + DAY + 3 - HOUR), 'started');
        // its server died: still running an hour later, it may be started again
        assert.equal(await store.syncConfig.startBulkPublish(POOL, T0 + DAY + 4, T0 + 4, T0 + DAY + 3), 'running');
        assert.equal(await store.syncConfig.startBulkPublish(POOL, T0 + DAY + 3 + HOUR + 1, T0 + 4, T0 + DAY + 4), 'started');
      }));
  });
}
