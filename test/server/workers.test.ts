// Several worker processes on one port (`--workers N`): one ready line, every worker serving, lockouts shared
// through the store, a crashed worker replaced, SIGTERM stopping them all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startCognate, tempDir } from '../support/process.ts';

/** The pids of a process's worker children, from /proc (tsx's esbuild service is a child too, not a worker). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && !readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('esbuild')) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, ok: () => boolean, ms = 15000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('--workers 3: one ready line, three workers serving, a killed worker replaced, SIGTERM stops them all', async () => {
  const server = await startCognate(['--data-dir', tempDir(), '--workers', '3']);
  const primary = server.child.pid!;
  let workers: number[] = [];
  try {
    assert.equal(server.stdout().match(/Cognate listening on/g)?.length, 1);
    workers = childrenOf(primary);
    assert.equal(workers.length, 3, 'three workers');
    for (let i = 0; i < 6; i++) assert.equal((await fetch(`${server.url}/health`)).status, 200);

    process.kill(workers[0]!, 'SIGKILL');
    await until('a replacement worker', () => {
      const now = childrenOf(primary);
      return now.length === 3 && !now.includes(workers[0]!);
    });
    for (let i = 0; i < 6; i++) assert.equal((await fetch(`${server.url}/health`)).status, 200);
    workers = childrenOf(primary);
  } finally {
    assert.equal(await server.stop('SIGTERM'), 0);
  }
  for (const w of workers) await until(`worker ${w} to exit`, () => !alive(w));
});

test('--workers 2: the lockout holds against parallel guesses spread over the workers', async () => {
  const server = await startCognate(['--data-dir', tempDir(), '--workers', '2', '--dev']);
  const idp = new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint: server.url,
    credentials: { accessKeyId: 'AKIAWORKERSTEST00001', secretAccessKey: 'any' },
    maxAttempts: 1,
  });
  try {
    const pool = (await idp.send(new CreateUserPoolCommand({ PoolName: 'workers' }))).UserPool!;
    const client = (
      await idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool.Id!, ClientName: 'c', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))
    ).UserPoolClient!;
    await idp.send(new AdminCreateUserCommand({ UserPoolId: pool.Id!, Username: 'target', MessageAction: 'SUPPRESS' }));
    await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.Id!, Username: 'target', Password: 'Correct-Passw0rd', Permanent: true }));
    const signIn = (PASSWORD: string) =>
      idp.send(new InitiateAuthCommand({ ClientId: client.ClientId!, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'target', PASSWORD } }));

    const guesses = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => signIn(`Wrong-guess-${i}`)));
    for (const g of guesses) {
      assert.equal(g.status, 'rejected');
      assert.equal((g as PromiseRejectedResult).reason.name, 'NotAuthorizedException');
    }
    const right = await signIn('Correct-Passw0rd').then(
      () => 'signed in',
      (e: Error) => e.message,
    );
    assert.equal(right, 'Password attempts exceeded', 'six failures spread round-robin over two workers (three each) lock the user: the count is shared');
  } finally {
    idp.destroy();
    assert.equal(await server.stop('SIGTERM'), 0);
  }
});

test('--workers 0 is a configuration error', async () => {
  await assert.rejects(startCognate(['--data-dir', tempDir(), '--workers', '0']), /--workers: expected 1 to 256/);
});
