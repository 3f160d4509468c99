// The "done when" at the process level, as an operator runs Cognate (`src/main.ts`, flags and environment):
// the AWS docs' PreSignUp handler auto-confirms a user, a PreTokenGeneration V2 handler adds a claim seen in the token,
// and a UserMigration handler moves a legacy user on first sign-in — through COGNATE_LAMBDA_ENDPOINT (a Lambda Invoke
// API) and through a --triggers mapping file of module handlers; on SQLite, and on PostgreSQL when it is configured.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { startCognate, tempDir, type CognateProcess } from '../support/process.ts';
import { arnOf, FIXTURE_DIR, startLambdaApi, type LambdaApiServer } from '../support/lambda-kinds.ts';

const ADMIN = { accessKeyId: 'AKIAPROCTRIGGERS0001', secretAccessKey: 'process-trigger-secret' };
const FUNCTIONS = ['pre-sign-up-auto-confirm', 'pre-token-generation.v2', 'user-migration-sign-in'];
const base = process.env.COGNATE_TEST_DATABASE_URL;

async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cognate_trig_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

type Runner = 'lambda-endpoint' | 'module-mapping';
const cases: { store: 'sqlite' | 'postgres'; runner: Runner }[] = [
  { store: 'sqlite', runner: 'lambda-endpoint' },
  { store: 'sqlite', runner: 'module-mapping' },
  { store: 'postgres', runner: 'lambda-endpoint' },
];

for (const c of cases) {
  const skip = c.store === 'postgres' && !base ? 'COGNATE_TEST_DATABASE_URL is not set: PostgreSQL suite skipped' : false;
  describe(`a Cognate process on ${c.store} with triggers through ${c.runner}`, { skip }, () => {
    let server: CognateProcess;
    let api: LambdaApiServer | undefined;
    let db: Awaited<ReturnType<typeof freshDatabase>> | undefined;
    let idp: CognitoIdentityProviderClient;

    before(async () => {
      const env: Record<string, string> = { COGNATE_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId, COGNATE_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey };
      const args = ['--data-dir', tempDir()];
      if (c.runner === 'lambda-endpoint') {
        api = await startLambdaApi(ADMIN, FUNCTIONS);
        env.COGNATE_LAMBDA_ENDPOINT = api.endpoint;
      } else {
        const dir = tempDir('cognate-handlers-');
        const mapping: Record<string, unknown> = {};
        for (const fn of FUNCTIONS) {
          const [file, name] = fn.split('.');
          copyFileSync(join(FIXTURE_DIR, `${file}.mjs`), join(dir, `${file}.mjs`));
          mapping[arnOf(fn)] = { module: `./${file}.mjs`, ...(name ? { handler: name } : {}) };
        }
        writeFileSync(join(dir, 'triggers.json'), JSON.stringify(mapping));
        args.push('--triggers', join(dir, 'triggers.json'));
      }
      if (c.store === 'postgres') {
        db = await freshDatabase();
        env.COGNATE_DATABASE_URL = db.url;
        env.COGNATE_MASTER_KEY = Buffer.alloc(32, 9).toString('base64');
      }
      server = await startCognate(args, env);
      idp = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: server.url, credentials: ADMIN, maxAttempts: 1 });
    });
    after(async () => {
      idp?.destroy();
      await server?.stop();
      await api?.close();
      await db?.drop();
    });

    test('PreSignUp auto-confirms, PreTokenGeneration V2 adds a claim, UserMigration moves a legacy user', async () => {
      const pool = (
        await idp.send(
          new CreateUserPoolCommand({
            PoolName: 'triggers',
            UserPoolTier: 'ESSENTIALS',
            LambdaConfig: {
              PreSignUp: arnOf('pre-sign-up-auto-confirm'),
              UserMigration: arnOf('user-migration-sign-in'),
              PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: arnOf('pre-token-generation.v2') },
            },
          }),
        )
      ).UserPool!;
      const clientId = (
        await idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool.Id!, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))
      ).UserPoolClient!.ClientId!;

      const up = await idp.send(
        new SignUpCommand({ ClientId: clientId, Username: 'newcomer', Password: 'Passw0rd!', UserAttributes: [{ Name: 'email', Value: 'newcomer@example.com' }] }),
      );
      assert.equal(up.UserConfirmed, true);
      const signIn = (username: string, password: string) =>
        idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }));
      const t = (await signIn('newcomer', 'Passw0rd!')).AuthenticationResult!;
      assert.equal(decodeJwt(t.AccessToken!).my_first_attribute, 'first_value');
      assert.equal(decodeJwt(t.IdToken!).family_name, 'Doe');

      const migrated = (await signIn('old-timer', 'OldPassw0rd!')).AuthenticationResult!;
      assert.equal(decodeJwt(migrated.IdToken!)['cognito:username'], 'old-timer');
      assert.equal(decodeJwt(migrated.IdToken!).name, 'Old Timer');
      const user = await idp.send(new AdminGetUserCommand({ UserPoolId: pool.Id!, Username: 'old-timer' }));
      assert.equal(user.UserStatus, 'CONFIRMED');
      if (api) {
        // Every call went to the Invoke API, SigV4-signed by the admin key, with the whole ARN as FunctionName.
        assert.deepEqual(new Set(api.calls.map((x) => x.functionName)), new Set(FUNCTIONS.map(arnOf)));
        assert.ok(api.calls.every((x) => x.headers['x-amz-invocation-type'] === 'RequestResponse'));
      }
    });
  });
}
