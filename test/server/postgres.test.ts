// Two server processes sharing one PostgreSQL database see each other's writes at once (no stale caches).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  UpdateUserPoolCommand,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startCognate, tempDir } from '../support/process.ts';

const base = process.env.COGNATE_TEST_DATABASE_URL;

test('two servers on one PostgreSQL database', { skip: base ? false : 'COGNATE_TEST_DATABASE_URL is not set: PostgreSQL suite skipped' }, async () => {
  const dbName = `cognate_proc_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(base!);
  url.pathname = `/${dbName}`;
  const env = {
    COGNATE_DATABASE_URL: url.toString(),
    COGNATE_ADMIN_ACCESS_KEY_ID: 'AKIAPGSHARED00000001',
    COGNATE_ADMIN_SECRET_ACCESS_KEY: 'pg-shared-secret',
    COGNATE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
  };
  const creds = { accessKeyId: env.COGNATE_ADMIN_ACCESS_KEY_ID, secretAccessKey: env.COGNATE_ADMIN_SECRET_ACCESS_KEY };
  const [a, b] = await Promise.all([startCognate(['--data-dir', tempDir()], env), startCognate(['--data-dir', tempDir()], env)]);
  const ca = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: a.url, credentials: creds, maxAttempts: 1 });
  const cb = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: b.url, credentials: creds, maxAttempts: 1 });
  try {
    const pool = (await ca.send(new CreateUserPoolCommand({ PoolName: 'shared' }))).UserPool!;
    const client = (await cb.send(new CreateUserPoolClientCommand({ UserPoolId: pool.Id!, ClientName: 'c', GenerateSecret: true }))).UserPoolClient!;
    // The secret sealed by one server opens on the other (same master key).
    const seen = await ca.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.Id!, ClientId: client.ClientId! }));
    assert.equal(seen.UserPoolClient!.ClientSecret, client.ClientSecret);
    await cb.send(new UpdateUserPoolCommand({ UserPoolId: pool.Id!, DeletionProtection: 'ACTIVE' }));
    const d = await ca.send(new DescribeUserPoolCommand({ UserPoolId: pool.Id! }));
    assert.equal(d.UserPool!.DeletionProtection, 'ACTIVE');
    const jwksA = await (await fetch(`${a.url}/${pool.Id}/.well-known/jwks.json`)).json();
    const jwksB = await (await fetch(`${b.url}/${pool.Id}/.well-known/jwks.json`)).json();
    assert.deepEqual(jwksA, jwksB);

    // A server with another master key refuses to start on this database.
    const wrong = await startCognate(['--data-dir', tempDir()], { ...env, COGNATE_MASTER_KEY: Buffer.alloc(32, 9).toString('base64') }).catch((e: Error) => e);
    assert.ok(wrong instanceof Error);
    assert.match(wrong.message, /sealed with master key/);
  } finally {
    ca.destroy();
    cb.destroy();
    await Promise.all([a.stop(), b.stop()]);
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
});
