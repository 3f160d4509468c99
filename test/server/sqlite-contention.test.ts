// Two worker processes writing the same SQLite file at once: every counted or read-then-write transaction takes the
// write lock first (IMMEDIATE) and waits for the other (busy_timeout), so none fails with "database is locked"
// (found by the fuzz suite: CreateUserPool answered 500 while the other worker wrote).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CognitoIdentityProviderClient, CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startCognate, tempDir } from '../support/process.ts';

test('concurrent pool and client creates on two workers sharing one SQLite file all succeed', async () => {
  const p = await startCognate(['--data-dir', tempDir(), '--workers', '2']);
  try {
    const creds = {
      accessKeyId: /AWS_ACCESS_KEY_ID=(\S+)/.exec(p.stdout())![1]!,
      secretAccessKey: /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(p.stdout())![1]!,
    };
    // One client per request: a connection each, so the kernel spreads them over both workers.
    const call = async <T>(fn: (c: CognitoIdentityProviderClient) => Promise<T>) => {
      const c = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: p.url, credentials: creds, maxAttempts: 1 });
      try {
        return await fn(c);
      } finally {
        c.destroy();
      }
    };
    const pool = await call((c) => c.send(new CreateUserPoolCommand({ PoolName: 'base' })));
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        call((c) =>
          i % 2
            ? c.send(new CreateUserPoolCommand({ PoolName: `p${i}` }))
            : c.send(new CreateUserPoolClientCommand({ UserPoolId: pool.UserPool!.Id!, ClientName: `c${i}` })),
        ),
      ),
    );
    const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason?.name));
    assert.deepEqual(failed, []);
    assert.doesNotMatch(p.stdout() + p.stderr(), /database is locked/);
  } finally {
    await p.stop();
  }
});
