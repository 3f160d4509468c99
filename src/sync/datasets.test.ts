// UpdateRecords' rules over real in-memory SQLite and a fixed clock: what one request may not ask, the all-or-none
// compare, values sealed, times as the wire wants them (epoch seconds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FixedClock } from '../runtime/clock.ts';
import { makeTestDeps } from '../../test/support/deps.ts';
import { updateRecords } from './datasets.ts';

const POOL = 'us-east-1:11111111-1111-4111-8111-111111111111';
const ID = 'us-east-1:aaaaaaaa-0000-4000-8000-000000000001';

test('UpdateRecords: records stamped with the clock and the account, values sealed; device dates kept to the millisecond', async () => {
  const clock = new FixedClock(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
  const deps = await makeTestDeps({ clock });
  try {
    const out = await updateRecords(deps, POOL, ID, 'ds', [{ Op: 'replace', Key: 'k', Value: 'välue', SyncCount: 0, DeviceLastModifiedDate: 1_700_000_000.123 }]);
    assert.deepEqual(out, [
      { Key: 'k', Value: 'välue', SyncCount: 1, LastModifiedDate: clock.now() / 1000, LastModifiedBy: deps.config.accountId, DeviceLastModifiedDate: 1_700_000_000.123 },
    ]);
    const stored = (await deps.store.datasets.records(ID, 'ds', 0, 10)).items[0]!;
    assert.notEqual(stored.valueSealed, 'välue');
    assert.equal(deps.secrets.decryptString(stored.valueSealed!), 'välue');
    assert.equal(stored.size, 1 + Buffer.byteLength('välue'));
  } finally {
    await deps.store.close();
  }
});

test('UpdateRecords refuses, changing nothing: a key twice, a replace without a Value, a negative SyncCount, a stale one', async () => {
  const deps = await makeTestDeps({ clock: new FixedClock() });
  try {
    await updateRecords(deps, POOL, ID, 'ds', [{ Op: 'replace', Key: 'a', Value: '1', SyncCount: 0 }]);
    const refusals: [Parameters<typeof updateRecords>[4], string, string][] = [
      [[{ Op: 'replace', Key: 'b', Value: '1', SyncCount: 0 }, { Op: 'remove', Key: 'b', SyncCount: 0 }], 'InvalidParameterException', 'Duplicate record key in RecordPatches: b'],
      [[{ Op: 'replace', Key: 'b', SyncCount: 0 }], 'InvalidParameterException', 'A replace patch needs a Value, for key: b'],
      [[{ Op: 'replace', Key: 'b', Value: '1', SyncCount: -1 }], 'InvalidParameterException', 'SyncCount must not be negative for key: b'],
      [[{ Op: 'replace', Key: 'b', Value: '1', SyncCount: 0 }, { Op: 'replace', Key: 'a', Value: '2', SyncCount: 0 }], 'ResourceConflictException', 'Current SyncCount for: a is: 1 not: 0'],
    ];
    for (const [patches, name, message] of refusals) await assert.rejects(updateRecords(deps, POOL, ID, 'ds', patches), { name, message });
    const all = (await deps.store.datasets.records(ID, 'ds', 0, 10)).items;
    assert.deepEqual(all.map((r) => [r.key, r.syncCount]), [['a', 1]]);
    assert.equal((await deps.store.datasets.get(ID, 'ds'))!.syncCount, 1);
  } finally {
    await deps.store.close();
  }
});
