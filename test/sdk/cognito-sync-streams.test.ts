// Cognito Streams with the real @aws-sdk/client-cognito-sync, published to the real NATS JetStream and Redis this
// machine runs (127.0.0.1:4222, 127.0.0.1:6379) and to a webhook: each successful UpdateRecords (and DeleteDataset)
// of a pool whose stream is ENABLED arrives as Cognito's Kinesis record; nothing arrives while DISABLED. On SQLite
// and, with COGNATE_TEST_DATABASE_URL, PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { Redis } from 'ioredis';
import {
  BulkPublishCommand,
  CognitoSyncClient,
  DeleteDatasetCommand,
  GetBulkPublishDetailsCommand,
  ListRecordsCommand,
  SetIdentityPoolConfigurationCommand,
  UpdateRecordsCommand,
  type RecordPatch,
} from '@aws-sdk/client-cognito-sync';
import { GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { setUpIdentityPool, type IdentityPoolSetup } from '../support/identity-pool.ts';

/** Whether something listens at 127.0.0.1:port (NATS and Redis run on this machine and in CI; elsewhere the file skips). */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
const skip = (await listening(4222)) && (await listening(6379)) ? false : 'NATS (127.0.0.1:4222) or Redis (127.0.0.1:6379) is not running';

const run = `${process.pid}-${Date.now()}`;
const SUBJECT = `cognate.test.sync.${process.pid}.${Date.now()}`;
const JS_STREAM = `COGNATE_TEST_${process.pid}_${Date.now()}`;
const REDIS_KEY = `cognate-test-sync-${run}`;
const ROLE = 'arn:aws:iam::123456789012:role/CognitoStreams';

let s: TestServer;
let p: IdentityPoolSetup;
let admin: CognitoSyncClient;
let nc: NatsConnection;
let redis: Redis;
let hook: Server;
const hooked: any[] = [];
const gated: any[] = [];
/** While set, the gated webhook holds its answers (a bulk publish stays IN_PROGRESS). */
let gate: Promise<void> | null = null;
let openGate = () => {};
/** The server's clock runs `offset` ms ahead of this machine's; the admin client signs with the same offset. */
let offset = 0;
const clock = { now: () => Date.now() + offset };
const dir = mkdtempSync(join(tmpdir(), 'cognate-streams-'));

before(async () => {
  if (skip) return;
  nc = await connect({ servers: 'nats://127.0.0.1:4222' });
  await (await nc.jetstreamManager()).streams.add({ name: JS_STREAM, subjects: [SUBJECT] });
  redis = new Redis('redis://127.0.0.1:6379');
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const record = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (req.url === '/gated') {
        await gate;
        gated.push(record);
      } else hooked.push(record);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const streamsFile = join(dir, 'streams.json');
  writeFileSync(
    streamsFile,
    JSON.stringify({
      'to-nats': { nats: { url: 'nats://127.0.0.1:4222', subject: SUBJECT } },
      'to-redis': { redis: { url: 'redis://127.0.0.1:6379', key: REDIS_KEY } },
      'to-webhook': { webhook: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/sync` } },
      'to-gated': { webhook: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/gated` } },
    }),
  );
  s = await startServerOnStoreUnderTest(clock, 'cognito_sync_streams', 2, { streamsFile });
  p = await setUpIdentityPool(s, 'streams', [], 'Passw0rd!');
  admin = new CognitoSyncClient({ region: s.deps.config.region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
});
after(async () => {
  if (skip) return;
  admin.destroy();
  p.iam.destroy();
  p.admin.destroy();
  await s.close();
  await (await nc.jetstreamManager()).streams.delete(JS_STREAM);
  await nc.close();
  await redis.del(REDIS_KEY);
  redis.disconnect();
  hook.closeAllConnections();
  await new Promise((r) => hook.close(r));
  rmSync(dir, { recursive: true, force: true });
});
testOnPostgres(() => s, skip);

async function newIdentity(): Promise<string> {
  return (await p.admin.send(new GetIdCommand({ IdentityPoolId: p.identityPoolId }))).IdentityId!;
}
async function update(identityId: string, name: string, patches: RecordPatch[]) {
  const at = { IdentityPoolId: p.identityPoolId, IdentityId: identityId, DatasetName: name };
  const SyncSessionToken = (await admin.send(new ListRecordsCommand(at))).SyncSessionToken!;
  return admin.send(new UpdateRecordsCommand({ ...at, SyncSessionToken, RecordPatches: patches }));
}
const streamTo = (StreamName: string, StreamingStatus: 'ENABLED' | 'DISABLED' = 'ENABLED') =>
  admin.send(new SetIdentityPoolConfigurationCommand({ IdentityPoolId: p.identityPoolId, CognitoStreams: { StreamName, RoleArn: ROLE, StreamingStatus } }));

/** Polls `read` until it yields `n` items (publishing is after the answer), at most 5 s. */
async function eventually<T>(read: () => Promise<T[]>, n: number): Promise<T[]> {
  for (let i = 0; i < 100; i++) {
    const got = await read();
    if (got.length >= n) return got;
    await new Promise((r) => setTimeout(r, 50));
  }
  return read();
}
const fromRedis = async () => ((await redis.xrange(REDIS_KEY, '-', '+')) as [string, string[]][]).map(([, f]) => JSON.parse(f[f.indexOf('record') + 1]!));
async function fromNats(): Promise<any[]> {
  const jsm = await nc.jetstreamManager();
  const { state } = await jsm.streams.info(JS_STREAM);
  const out = [];
  for (let seq = state.first_seq; state.messages && seq <= state.last_seq; seq++) out.push((await jsm.streams.getMessage(JS_STREAM, { seq })).json());
  return out;
}

test("each sync reaches the pool's stream as Cognito's Kinesis record: NATS JetStream, then Redis, then a webhook", { skip }, async () => {
  const id = await newIdentity();
  await streamTo('to-nats');
  const out = await update(id, 'profile', [
    { Op: 'replace', Key: 'name', Value: 'Ada', SyncCount: 0, DeviceLastModifiedDate: new Date(1_700_000_000_123) },
    { Op: 'replace', Key: 'gone', Value: 'x', SyncCount: 0 },
  ]);
  const at = out.Records![0]!.LastModifiedDate!.getTime();
  const nats = await eventually(fromNats, 1);
  assert.deepEqual(nats, [
    {
      identityPoolId: p.identityPoolId,
      identityId: id,
      dataSetName: 'profile',
      operation: 'replace',
      kinesisSyncRecords: [
        { key: 'name', value: 'Ada', syncCount: 1, lastModifiedDate: at, deviceLastModifiedDate: 1_700_000_000_123, op: 'replace' },
        { key: 'gone', value: 'x', syncCount: 1, lastModifiedDate: at, deviceLastModifiedDate: null, op: 'replace' },
      ],
      lastModifiedDate: at,
      payloadType: 'Inline',
      syncCount: 1,
    },
  ]);

  await streamTo('to-redis');
  await update(id, 'profile', [{ Op: 'remove', Key: 'gone', SyncCount: 1 }]);
  const [r] = await eventually(fromRedis, 1);
  assert.deepEqual([r.operation, r.syncCount, r.kinesisSyncRecords.map((k: any) => [k.key, k.value, k.op, k.syncCount])], ['replace', 2, [['gone', null, 'remove', 2]]]);

  await streamTo('to-webhook');
  await admin.send(new DeleteDatasetCommand({ IdentityPoolId: p.identityPoolId, IdentityId: id, DatasetName: 'profile' }));
  const [h] = await eventually(async () => hooked, 1);
  assert.deepEqual([h.identityId, h.dataSetName, h.operation, h.kinesisSyncRecords, h.syncCount], [id, 'profile', 'remove', [], 2]);
  // each stream got only its own part
  assert.equal((await fromNats()).length, 1);
  assert.equal((await fromRedis()).length, 1);
});

test('a DISABLED stream, or a sync that is refused, publishes nothing', { skip }, async () => {
  const id = await newIdentity();
  await streamTo('to-redis', 'DISABLED');
  const before = (await fromRedis()).length;
  await update(id, 'quiet', [{ Op: 'replace', Key: 'k', Value: 'v', SyncCount: 0 }]);
  await streamTo('to-redis');
  await update(id, 'quiet', [{ Op: 'replace', Key: 'k', Value: 'stale', SyncCount: 0 }]).catch((e) => assert.equal(e.name, 'ResourceConflictException'));
  await update(id, 'quiet', [{ Op: 'replace', Key: 'k', Value: 'v2', SyncCount: 1 }]);
  const after = await eventually(fromRedis, before + 1);
  assert.deepEqual(after.slice(before).map((r) => r.kinesisSyncRecords.map((k: any) => k.value)), [['v2']]);
});

test('BulkPublish replays every live dataset of the pool once per 24 hours: DuplicateRequestException while it runs, AlreadyStreamedException after', { skip }, async () => {
  const bulk = await setUpIdentityPool(s, 'bulk', [], 'Passw0rd!');
  const at = { IdentityPoolId: bulk.identityPoolId };
  const details = () => admin.send(new GetBulkPublishDetailsCommand(at));
  const settled = async () => {
    for (let i = 0; i < 100 && (await details()).BulkPublishStatus === 'IN_PROGRESS'; i++) await new Promise((r) => setTimeout(r, 50));
    return details();
  };
  try {
    assert.deepEqual([(await details()).IdentityPoolId, (await details()).BulkPublishStatus, (await details()).BulkPublishStartTime], [bulk.identityPoolId, 'NOT_STARTED', undefined]);
    assert.equal((await awsErrorOf(() => admin.send(new BulkPublishCommand(at)))).name, 'InvalidParameterException');
    const write = async (identityId: string, name: string, patches: RecordPatch[]) => {
      const d = { ...at, IdentityId: identityId, DatasetName: name };
      const SyncSessionToken = (await admin.send(new ListRecordsCommand(d))).SyncSessionToken!;
      await admin.send(new UpdateRecordsCommand({ ...d, SyncSessionToken, RecordPatches: patches }));
    };
    const [a, b] = [(await bulk.admin.send(new GetIdCommand(at))).IdentityId!, (await bulk.admin.send(new GetIdCommand(at))).IdentityId!];
    await write(a, 'prefs', [{ Op: 'replace', Key: 'theme', Value: 'dark', SyncCount: 0 }, { Op: 'replace', Key: 'old', Value: 'x', SyncCount: 0 }]);
    await write(a, 'prefs', [{ Op: 'remove', Key: 'old', SyncCount: 1 }]);
    await write(b, 'game', [{ Op: 'replace', Key: 'level', Value: '7', SyncCount: 0 }]);
    await write(b, 'deleted', [{ Op: 'replace', Key: 'k', Value: 'v', SyncCount: 0 }]);
    await admin.send(new DeleteDatasetCommand({ ...at, IdentityId: b, DatasetName: 'deleted' }));
    await admin.send(new SetIdentityPoolConfigurationCommand({ ...at, CognitoStreams: { StreamName: 'to-gated', StreamingStatus: 'ENABLED' } }));

    gate = new Promise((r) => (openGate = r));
    const started = clock.now();
    assert.equal((await admin.send(new BulkPublishCommand(at))).IdentityPoolId, bulk.identityPoolId);
    const running = await details();
    assert.equal(running.BulkPublishStatus, 'IN_PROGRESS');
    assert.ok(Math.abs(running.BulkPublishStartTime!.getTime() - started) < 1000);
    assert.deepEqual(await awsErrorOf(() => admin.send(new BulkPublishCommand(at))), {
      name: 'DuplicateRequestException',
      message: 'A bulk publish is already in progress for this identity pool.',
      status: 400,
    });
    openGate();
    gate = null;
    const done = await settled();
    assert.equal(done.BulkPublishStatus, 'SUCCEEDED');
    assert.ok(done.BulkPublishCompleteTime!.getTime() >= done.BulkPublishStartTime!.getTime());
    const summary = (records: any[]) =>
      records.map((r) => [r.identityId, r.dataSetName, r.operation, r.syncCount, r.kinesisSyncRecords.map((k: any) => [k.key, k.value])]).sort((x, y) => x[1].localeCompare(y[1]));
    assert.deepEqual(summary(gated), [
      [b, 'game', 'replace', 1, [['level', '7']]],
      [a, 'prefs', 'replace', 2, [['theme', 'dark']]],
    ]);

    assert.deepEqual(await awsErrorOf(() => admin.send(new BulkPublishCommand(at))), {
      name: 'AlreadyStreamedException',
      message: 'This identity pool was already bulk published in the last 24 hours.',
      status: 400,
    });
    // 24 hours later (the server's clock moved; the client signs on it), it may run again
    offset += 24 * 60 * 60 * 1000 + 1000;
    // a client per call: the SDK resets its clock offset from each answer's Date header (this machine's time)
    const later = async <T,>(command: any): Promise<T> => {
      const c = new CognitoSyncClient({ region: s.deps.config.region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1, systemClockOffset: offset });
      try {
        return (await c.send(command)) as T;
      } finally {
        c.destroy();
      }
    };
    await later(new BulkPublishCommand(at));
    const status = async () => (await later<{ BulkPublishStatus?: string }>(new GetBulkPublishDetailsCommand(at))).BulkPublishStatus;
    for (let i = 0; i < 100 && (await status()) === 'IN_PROGRESS'; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await status(), 'SUCCEEDED');
    assert.equal(gated.length, 4);
  } finally {
    openGate();
    offset = 0;
    bulk.iam.destroy();
    bulk.admin.destroy();
  }
});
