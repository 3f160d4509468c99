// Cognito Sync's identity pool settings with the real @aws-sdk/client-cognito-sync: Get/SetIdentityPoolConfiguration
// (push sync, Cognito Streams) and Get/SetCognitoEvents (the SyncTrigger), developer credentials only; on SQLite and,
// with COGNATE_TEST_DATABASE_URL, PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CognitoSyncClient,
  GetCognitoEventsCommand,
  GetIdentityPoolConfigurationCommand,
  SetCognitoEventsCommand,
  SetIdentityPoolConfigurationCommand,
} from '@aws-sdk/client-cognito-sync';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { systemClock } from '../../src/runtime/clock.ts';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { setUpIdentityPool, type IdentityPoolSetup } from '../support/identity-pool.ts';

let s: TestServer;
let p: IdentityPoolSetup;
let admin: CognitoSyncClient;
let guest: CognitoSyncClient;
const dir = mkdtempSync(join(tmpdir(), 'cognate-streams-'));
const ROLE = 'arn:aws:iam::123456789012:role/CognitoStreams';
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:sync-trigger';

before(async () => {
  const streamsFile = join(dir, 'streams.json');
  writeFileSync(streamsFile, JSON.stringify({ 'sync-events': { webhook: { url: 'http://127.0.0.1:9/none' } } }));
  s = await startServerOnStoreUnderTest(systemClock, 'cognito_sync_settings', 2, { streamsFile });
  p = await setUpIdentityPool(s, 'settings', [], 'Passw0rd!');
  // the guest's role allows every cognito-sync action: what refuses it below is Cognito Sync, not IAM
  const PolicyDocument = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cognito-sync:*'], Resource: '*' }] });
  await p.iam.send(new PutRolePolicyCommand({ RoleName: p.unauthRole.name, PolicyName: 'sync', PolicyDocument }));
  const clientConfig = { region: s.deps.config.region, endpoint: s.url, maxAttempts: 1 };
  admin = new CognitoSyncClient({ ...clientConfig, credentials: s.deps.admin });
  guest = new CognitoSyncClient({ ...clientConfig, credentials: fromCognitoIdentityPool({ identityPoolId: p.identityPoolId, clientConfig }) });
});
after(async () => {
  admin.destroy();
  guest.destroy();
  p.iam.destroy();
  p.admin.destroy();
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});
testOnPostgres(() => s);

test('Get/SetIdentityPoolConfiguration: nothing set at first; each part set is kept while the other is set; the answer is what is stored', async () => {
  const at = { IdentityPoolId: p.identityPoolId };
  const first = await admin.send(new GetIdentityPoolConfigurationCommand(at));
  assert.deepEqual({ ...first, $metadata: undefined }, { IdentityPoolId: p.identityPoolId, $metadata: undefined });
  const push = { ApplicationArns: ['arn:aws:sns:us-east-1:123456789012:app/GCM/my-app'], RoleArn: 'arn:aws:iam::123456789012:role/CognitoPush' };
  const set1 = await admin.send(new SetIdentityPoolConfigurationCommand({ ...at, PushSync: push }));
  assert.deepEqual(set1.PushSync, push);
  assert.equal(set1.CognitoStreams, undefined);
  const streams = { StreamName: 'sync-events', RoleArn: ROLE, StreamingStatus: 'ENABLED' as const };
  const set2 = await admin.send(new SetIdentityPoolConfigurationCommand({ ...at, CognitoStreams: streams }));
  assert.deepEqual([set2.IdentityPoolId, set2.PushSync, set2.CognitoStreams], [p.identityPoolId, push, streams]);
  const got = await admin.send(new GetIdentityPoolConfigurationCommand(at));
  assert.deepEqual([got.IdentityPoolId, got.PushSync, got.CognitoStreams], [p.identityPoolId, push, streams]);
  const disabled = await admin.send(new SetIdentityPoolConfigurationCommand({ ...at, CognitoStreams: { ...streams, StreamingStatus: 'DISABLED' } }));
  assert.deepEqual(disabled.CognitoStreams, { ...streams, StreamingStatus: 'DISABLED' });
});

test('SetIdentityPoolConfiguration refuses, changing nothing: a bad status, role or application ARN, an ENABLED stream without a name or not configured', async () => {
  const at = { IdentityPoolId: p.identityPoolId };
  const before = await admin.send(new GetIdentityPoolConfigurationCommand(at));
  const bad: [object, string][] = [
    [{ CognitoStreams: { StreamName: 'sync-events', StreamingStatus: 'ON' } }, 'InvalidParameterException'],
    [{ CognitoStreams: { StreamName: 'sync-events', RoleArn: 'not-a-role-arn-at-all', StreamingStatus: 'ENABLED' } }, 'InvalidParameterException'],
    [{ CognitoStreams: { StreamingStatus: 'ENABLED' } }, 'InvalidParameterException'],
    [{ CognitoStreams: { StreamName: 'kinesis-of-nobody', StreamingStatus: 'ENABLED' } }, 'InvalidParameterException'],
    [{ PushSync: { ApplicationArns: ['arn:aws:sns:us-east-1:1:topic'] } }, 'InvalidParameterException'],
  ];
  for (const [input, name] of bad) {
    const e = await awsErrorOf(() => admin.send(new SetIdentityPoolConfigurationCommand({ ...at, ...(input as {}) })));
    assert.equal(e.name, name, JSON.stringify(input));
    assert.equal(e.status, 400);
  }
  assert.deepEqual(
    (await awsErrorOf(() => admin.send(new SetIdentityPoolConfigurationCommand({ ...at, CognitoStreams: { StreamingStatus: 'ENABLED' } })))).message,
    'StreamName is required when StreamingStatus is ENABLED.',
  );
  const after = await admin.send(new GetIdentityPoolConfigurationCommand(at));
  assert.deepEqual([after.PushSync, after.CognitoStreams], [before.PushSync, before.CognitoStreams]);
});

test('Get/SetCognitoEvents: the SyncTrigger set, read back, removed by an empty ARN; other event types, two events and bad ARNs refused', async () => {
  const at = { IdentityPoolId: p.identityPoolId };
  assert.deepEqual((await admin.send(new GetCognitoEventsCommand(at))).Events, {});
  assert.deepEqual(Object.keys(await admin.send(new SetCognitoEventsCommand({ ...at, Events: { SyncTrigger: FN } }))), ['$metadata']);
  assert.deepEqual((await admin.send(new GetCognitoEventsCommand(at))).Events, { SyncTrigger: FN });
  const refused: Record<string, string>[] = [{ PushTrigger: FN }, { SyncTrigger: FN, Other: FN }, { SyncTrigger: 'arn:aws:sns:us-east-1:123456789012:topic' }];
  for (const Events of refused) {
    const e = await awsErrorOf(() => admin.send(new SetCognitoEventsCommand({ ...at, Events })));
    assert.equal(e.name, 'InvalidParameterException', JSON.stringify(Events));
  }
  assert.deepEqual((await admin.send(new GetCognitoEventsCommand(at))).Events, { SyncTrigger: FN });
  await admin.send(new SetCognitoEventsCommand({ ...at, Events: { SyncTrigger: '' } }));
  assert.deepEqual((await admin.send(new GetCognitoEventsCommand(at))).Events, {});
});

test('developer credentials only: identity credentials are refused (NotAuthorizedException); an unknown pool is ResourceNotFoundException', async () => {
  const at = { IdentityPoolId: p.identityPoolId };
  for (const command of [new GetIdentityPoolConfigurationCommand(at), new GetCognitoEventsCommand(at), new SetCognitoEventsCommand({ ...at, Events: { SyncTrigger: FN } })]) {
    const e = await awsErrorOf(() => guest.send(command as any));
    assert.equal(e.name, 'NotAuthorizedException');
    assert.equal(e.status, 403);
  }
  assert.deepEqual((await admin.send(new GetCognitoEventsCommand(at))).Events, {});
  const none = 'us-east-1:00000000-0000-4000-8000-000000000000';
  const e = await awsErrorOf(() => admin.send(new GetIdentityPoolConfigurationCommand({ IdentityPoolId: none })));
  assert.deepEqual(e, { name: 'ResourceNotFoundException', message: `IdentityPool '${none}' not found.`, status: 404 });
  assert.equal((await awsErrorOf(() => admin.send(new SetCognitoEventsCommand({ IdentityPoolId: none, Events: { SyncTrigger: FN } })))).name, 'ResourceNotFoundException');
});
