// The Cognito Sync trigger through each of Cognate's trigger runners (a module, an HTTP URL, a Lambda Invoke API),
// with the real @aws-sdk/client-cognito-sync and identity credentials from fromCognitoIdentityPool: Cognito's
// SyncTrigger event, the function's answer deciding what is stored, a failing function rejecting the update.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CognitoSyncClient, ListRecordsCommand, SetCognitoEventsCommand, UpdateRecordsCommand, type RecordPatch } from '@aws-sdk/client-cognito-sync';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { arnOf, LAMBDA_KINDS, lambdaEvents, triggerSetup } from '../support/lambda-kinds.ts';
import { awsErrorOf, startTestServer, type TestServer } from '../support/server.ts';
import { setUpIdentityPool, type IdentityPoolSetup } from '../support/identity-pool.ts';

const ADMIN = { accessKeyId: 'AKIDTESTADMIN0000001', secretAccessKey: 'test-admin-secret-key-0000000000000000000' };
const FUNCTIONS = ['sync-trigger', 'sync-trigger.reject', 'sync-trigger.garbage'];

for (const kind of LAMBDA_KINDS) {
  describe(`the SyncTrigger through the ${kind} runner`, () => {
    let s: TestServer;
    let setup: Awaited<ReturnType<typeof triggerSetup>>;
    let p: IdentityPoolSetup;
    let admin: CognitoSyncClient;
    let device: CognitoSyncClient;
    let identityId: string;

    before(async () => {
      setup = await triggerSetup(kind, ADMIN, FUNCTIONS);
      s = await startTestServer({ admin: ADMIN, config: setup.config });
      p = await setUpIdentityPool(s, `trigger${kind}`, [], 'Passw0rd!');
      const PolicyDocument = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cognito-sync:*'], Resource: '*' }] });
      await p.iam.send(new PutRolePolicyCommand({ RoleName: p.unauthRole.name, PolicyName: 'sync', PolicyDocument }));
      const clientConfig = { region: s.deps.config.region, endpoint: s.url, maxAttempts: 1 };
      const credentials = fromCognitoIdentityPool({ identityPoolId: p.identityPoolId, clientConfig });
      identityId = (await credentials()).identityId;
      admin = new CognitoSyncClient({ ...clientConfig, credentials: s.deps.admin });
      device = new CognitoSyncClient({ ...clientConfig, credentials });
    });
    after(async () => {
      admin.destroy();
      device.destroy();
      p.iam.destroy();
      p.admin.destroy();
      await s.close();
      await setup.close();
    });

    const setTrigger = (fn: string) => admin.send(new SetCognitoEventsCommand({ IdentityPoolId: p.identityPoolId, Events: { SyncTrigger: fn ? arnOf(fn) : '' } }));
    async function update(client: CognitoSyncClient, name: string, patches: RecordPatch[]) {
      const at = { IdentityPoolId: p.identityPoolId, IdentityId: identityId, DatasetName: name };
      const SyncSessionToken = (await client.send(new ListRecordsCommand(at))).SyncSessionToken!;
      return client.send(new UpdateRecordsCommand({ ...at, SyncSessionToken, RecordPatches: patches }));
    }
    const stored = async (name: string) =>
      Object.fromEntries(
        ((await admin.send(new ListRecordsCommand({ IdentityPoolId: p.identityPoolId, IdentityId: identityId, DatasetName: name }))).Records ?? []).map((r) => [r.Key, r.Value ?? null]),
      );

    test("Cognito's event reaches the function; its answer is what is stored and answered (changed, left out, removed, added)", async () => {
      await setTrigger('sync-trigger');
      await update(device, 'game', [{ Op: 'replace', Key: 'banned', Value: 'x', SyncCount: 0 }, { Op: 'replace', Key: 'score', Value: '10', SyncCount: 0 }]);
      lambdaEvents().length = 0;
      const out = await update(device, 'game', [
        { Op: 'replace', Key: 'score', Value: '250', SyncCount: 1 },
        { Op: 'replace', Key: 'secret', Value: 's', SyncCount: 0 },
        { Op: 'replace', Key: 'banned', Value: 'again', SyncCount: 1 },
      ]);
      assert.deepEqual(lambdaEvents(), [
        {
          version: 2,
          eventType: 'SyncTrigger',
          region: 'us-east-1',
          identityPoolId: p.identityPoolId,
          identityId,
          datasetName: 'game',
          datasetRecords: {
            score: { oldValue: '10', newValue: '250', op: 'replace' },
            secret: { oldValue: null, newValue: 's', op: 'replace' },
            banned: { oldValue: null, newValue: 'again', op: 'replace' },
          },
        },
      ]);
      const byKey = (x: [string, unknown, unknown], y: [string, unknown, unknown]) => x[0].localeCompare(y[0]);
      assert.deepEqual(
        out.Records!.map((r) => [r.Key!, r.Value ?? null, r.SyncCount] as [string, unknown, unknown]).sort(byKey),
        [['banned', null, 2], ['lastSync', 'by-trigger:game', 2], ['score', '100', 2]],
      );
      // `banned` was never stored (the function removed it from the first update too): its remove is answered, and
      // keeps no tombstone row
      assert.deepEqual(await stored('game'), { score: '100', lastSync: 'by-trigger:game' });
    });

    test('a function that throws rejects the update (InvalidLambdaFunctionOutputException), one answering no event too; nothing is stored', async () => {
      await setTrigger('sync-trigger.reject');
      const e = await awsErrorOf(() => update(device, 'rejected', [{ Op: 'replace', Key: 'k', Value: 'v', SyncCount: 0 }]));
      assert.deepEqual(e, { name: 'InvalidLambdaFunctionOutputException', message: 'The SyncTrigger function failed: cheating detected', status: 400 });
      await setTrigger('sync-trigger.garbage');
      const g = await awsErrorOf(() => update(device, 'rejected', [{ Op: 'replace', Key: 'k', Value: 'v', SyncCount: 0 }]));
      assert.deepEqual(g, { name: 'InvalidLambdaFunctionOutputException', message: 'The SyncTrigger function answered no valid event.', status: 400 });
      assert.deepEqual(await stored('rejected'), {});
    });

    test('developer credentials do not run the trigger (as Cognito); removing it stops it for identities too', async () => {
      await setTrigger('sync-trigger.reject');
      lambdaEvents().length = 0;
      const out = await update(admin, 'admin-data', [{ Op: 'replace', Key: 'k', Value: 'v', SyncCount: 0 }]);
      assert.equal(out.Records![0]!.Value, 'v');
      await setTrigger('');
      await update(device, 'plain', [{ Op: 'replace', Key: 'score', Value: '999', SyncCount: 0 }]);
      assert.deepEqual(await stored('plain'), { score: '999' });
      assert.deepEqual(lambdaEvents(), []);
    });
  });
}
