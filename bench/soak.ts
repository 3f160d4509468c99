// Soak: --clients (20) clients for --seconds (60) against the real server process(es) (`npm start`'s compiled
// server), each looping through a user's life with the real clients: SignUp, AdminConfirmSignUp, InitiateAuth
// USER_PASSWORD_AUTH, an SRP sign-in by amazon-cognito-identity-js, REFRESH_TOKEN_AUTH, GetUser, AdminGetUser and
// ListUsers (admin calls SigV4-signed by the admin key; no --dev). Each call is checked, not only answered. Reports
// each operation's calls, errors and p50/p99, and each server's resident memory (primary and workers summed).
// --store postgres runs two servers on one fresh database, each client's calls alternating between them; half-way
// one is SIGKILLed (primary and workers at once) and the clients go on with the survivor. Calls the killed server
// never answered are counted apart, as expected. Afterwards every acknowledged sign-up is read back with
// AdminGetUser (an acknowledged confirmation must show CONFIRMED): lost writes, goal 0.
// Exits 1 on any unexpected error or lost write. Never part of `npm test`. See bench/README.md.
//   npm run soak -- --store sqlite|postgres [--seconds 60] [--clients 20] [--database-url URL] [--workers N]
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import {
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { build, freshDatabase, killServer, startServer, stopServer, treeRss, type Server } from './soak-servers.ts';
import { answeredCalls, lastRss, memoryLine, mib, record, recordFailure, reportCalls, sampleMemory, unexpectedErrors, WHOLE_SRP, type Op } from './soak-stats.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const STORE = opt('store') ?? 'sqlite';
const SECONDS = Number(opt('seconds') ?? 60);
const CLIENTS = Number(opt('clients') ?? 20);
const WORKERS = opt('workers'); // COGNATE_WORKERS for each server; unset: the server's default
const DATABASE_URL = opt('database-url') ?? process.env.COGNATE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
if ((STORE !== 'sqlite' && STORE !== 'postgres') || !(SECONDS > 0) || !(CLIENTS > 0)) {
  console.error('usage: npm run soak -- --store sqlite|postgres [--seconds 60] [--clients 20] [--database-url URL] [--workers N]');
  process.exit(2);
}

const PASSWORD = 'Soak-Passw0rd!';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // the SDK's notice about Node 20, once per run
const ADMIN = { accessKeyId: 'AKIA' + randomBytes(8).toString('hex').toUpperCase(), secretAccessKey: randomBytes(30).toString('base64') };
const SRP_THREADS = Math.max(1, Math.min(4, Math.floor(availableParallelism() / 2)));

// ------------------------------------------------------------------------------------------------ calls

/** Ends the current user's loop iteration after a failed call (already recorded). */
class Aborted extends Error {}

const sdk = new Map<Server, CognitoIdentityProviderClient>();
function sdkFor(s: Server): CognitoIdentityProviderClient {
  if (!sdk.has(s)) {
    // No retries: every failure counts. A timeout turns a hung call into an error rather than a stuck client.
    const options = { requestTimeout: 15_000, connectionTimeout: 5_000 };
    sdk.set(s, new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: s.url, credentials: ADMIN, maxAttempts: 1, requestHandler: options }));
  }
  return sdk.get(s)!;
}

/** One SDK call: timed and recorded; a failure, or an answer `check` refuses, aborts the iteration. */
async function call<T>(op: Op, server: Server, send: (idp: CognitoIdentityProviderClient) => Promise<T>, check: (r: T) => boolean = () => true): Promise<T> {
  const t0 = performance.now();
  let result: T;
  try {
    result = await send(sdkFor(server));
  } catch (e: any) {
    const network = e?.$metadata?.httpStatusCode === undefined; // no HTTP answer: reset, refused, timed out
    recordFailure(op, server, network ? (e?.code ?? e?.name ?? String(e)) : e.name, network);
    throw new Aborted();
  }
  if (!check(result)) {
    recordFailure(op, server, 'WrongAnswer', false);
    throw new Aborted();
  }
  record(op, performance.now() - t0);
  return result;
}

/**
 * SRP sign-ins in worker threads (bench/soak-srp-worker.mjs), one at a time each. The library's client-side math
 * costs far more CPU than the server's part, so SRP runs at the rate these threads allow: a client whose turn finds
 * no thread free goes on without it, rather than every client queueing behind them and the server going idle.
 */
class SrpThreads {
  private idle: Worker[] = [];
  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const w = new Worker(new URL('./soak-srp-worker.mjs', import.meta.url));
      w.on('error', (e) => {
        throw e; // a broken load generator ends the run
      });
      this.idle.push(w);
    }
  }
  get free(): boolean {
    return this.idle.length > 0;
  }
  /** Only when `free`. */
  async signIn(server: Server, pool: Pool, username: string): Promise<void> {
    const w = this.idle.pop()!;
    let r: { ms: number; calls: { op: string; ms: number; failed: boolean }[]; error?: string; network?: boolean };
    try {
      r = await new Promise((resolve) => {
        w.once('message', resolve);
        w.postMessage({ endpoint: `${server.url}/`, poolId: pool.poolId, clientId: pool.clientId, username, password: PASSWORD });
      });
    } finally {
      this.idle.push(w);
    }
    for (const c of r.calls) record(c.op === 'InitiateAuth' ? '  InitiateAuth USER_SRP_AUTH' : '  RespondToAuthChallenge', c.ms, c.failed);
    if (r.error) {
      recordFailure(WHOLE_SRP, server, r.error, !!r.network);
      throw new Aborted();
    }
    record(WHOLE_SRP, r.ms);
  }
  close(): Promise<unknown> {
    return Promise.all(this.idle.map((w) => w.terminate()));
  }
}

interface Pool {
  poolId: string;
  clientId: string;
}

async function createPool(server: Server): Promise<Pool> {
  const idp = sdkFor(server);
  const poolId = (await idp.send(new CreateUserPoolCommand({ PoolName: 'soak' }))).UserPool!.Id!;
  const clientId = (
    await idp.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'soak', // no secret: amazon-cognito-identity-js has no SECRET_HASH support
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    )
  ).UserPoolClient!.ClientId!;
  return { poolId, clientId };
}

// ------------------------------------------------------------------------------------------------ clients

/** Sign-ups the server acknowledged, and whether their confirmation was acknowledged too. */
const acknowledged: { username: string; confirmed: boolean }[] = [];

/** One user's life; each call goes to the next live server in turn. */
async function lifeOfAUser(servers: Server[], pool: Pool, srp: SrpThreads, client: number, iteration: number): Promise<void> {
  let turn = client;
  const next = () => {
    const alive = servers.filter((s) => s.killedAt === undefined);
    return alive[turn++ % alive.length]!;
  };
  const { poolId: UserPoolId, clientId: ClientId } = pool;
  const username = `soak-${client}-${iteration}`;

  await call('SignUp', next(), (idp) =>
    idp.send(new SignUpCommand({ ClientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }] })),
  );
  const written = { username, confirmed: false };
  acknowledged.push(written);
  await call('AdminConfirmSignUp', next(), (idp) => idp.send(new AdminConfirmSignUpCommand({ UserPoolId, Username: username })));
  written.confirmed = true;

  const signedIn = await call(
    'InitiateAuth USER_PASSWORD_AUTH',
    next(),
    (idp) => idp.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD } })),
    (r) => !!r.AuthenticationResult?.RefreshToken,
  );
  if (srp.free) await srp.signIn(next(), pool, username);
  const refreshed = await call(
    'InitiateAuth REFRESH_TOKEN_AUTH',
    next(),
    (idp) =>
      idp.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: signedIn.AuthenticationResult!.RefreshToken! } })),
    (r) => !!r.AuthenticationResult?.AccessToken,
  );
  await call(
    'GetUser',
    next(),
    (idp) => idp.send(new GetUserCommand({ AccessToken: refreshed.AuthenticationResult!.AccessToken })),
    (r) => r.Username === username,
  );
  await call(
    'AdminGetUser',
    next(),
    (idp) => idp.send(new AdminGetUserCommand({ UserPoolId, Username: username })),
    (r) => r.UserStatus === 'CONFIRMED',
  );
  await call(
    'ListUsers',
    next(),
    (idp) => idp.send(new ListUsersCommand({ UserPoolId, Filter: `username = "${username}"`, Limit: 10 })),
    (r) => r.Users?.length === 1,
  );
}

async function runClient(servers: Server[], pool: Pool, srp: SrpThreads, client: number, endAt: number): Promise<void> {
  for (let iteration = 0; performance.now() < endAt; iteration++) {
    try {
      await lifeOfAUser(servers, pool, srp, client, iteration);
    } catch (e) {
      if (!(e instanceof Aborted)) throw e;
      await new Promise((r) => setTimeout(r, 50)); // after a failure, no tight loop
    }
  }
}

// ------------------------------------------------------------------------------------------------ after the run

/** Reads every acknowledged sign-up back; returns the usernames lost (or unconfirmed though acknowledged). */
async function lostWrites(server: Server, pool: Pool): Promise<{ lost: string[]; errors: string[] }> {
  const lost: string[] = [];
  const errors: string[] = [];
  const queue = [...acknowledged];
  const reader = async () => {
    for (let w = queue.pop(); w; w = queue.pop()) {
      try {
        const u = await sdkFor(server).send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: w.username }));
        if (w.confirmed && u.UserStatus !== 'CONFIRMED') lost.push(`${w.username} (confirmation lost: ${u.UserStatus})`);
      } catch (e: any) {
        if (e?.name === 'UserNotFoundException') lost.push(w.username);
        else errors.push(`${w.username}: ${e?.name ?? e}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, reader));
  return { lost, errors };
}

// ------------------------------------------------------------------------------------------------ main

async function main(): Promise<number> {
  build();
  const masterKey = randomBytes(32).toString('base64');
  const env: Record<string, string> = {
    COGNATE_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId,
    COGNATE_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
    COGNATE_MASTER_KEY: masterKey, // every server on one database needs the same
    ...(WORKERS && { COGNATE_WORKERS: WORKERS }),
  };
  const dirs: string[] = [];
  const dataDir = () => {
    dirs.push(mkdtempSync(join(tmpdir(), 'cognate-soak-')));
    return ['--data-dir', dirs.at(-1)!];
  };
  const db = STORE === 'postgres' ? await freshDatabase(DATABASE_URL) : undefined;
  const servers: Server[] = [];
  const srp = new SrpThreads(SRP_THREADS);
  try {
    if (db) {
      for (const name of ['server 1', 'server 2']) servers.push(await startServer(name, [...dataDir(), '--database-url', db.url], env));
    } else {
      servers.push(await startServer('server', dataDir(), env));
    }
    const pool = await createPool(servers[0]!);
    const processes = treeRss(servers[0]!.pid).processes;
    console.log(
      `soak: ${STORE}${db ? ` (database ${db.name})` : ''}, ${SECONDS} s, ${CLIENTS} clients, ${servers.length} server(s) of ${processes} process(es) each ` +
        `(COGNATE_WORKERS ${WORKERS ?? `unset: available parallelism ${availableParallelism()}`}), SRP sign-ins in ${SRP_THREADS} thread(s); load average ${loadavg()[0]!.toFixed(1)}`,
    );

    const t0 = performance.now();
    const endAt = t0 + SECONDS * 1000;
    sampleMemory(servers, t0);
    const sampler = setInterval(() => sampleMemory(servers, t0), 1000);
    const progress = setInterval(() => {
      const rss = servers.filter((s) => s.killedAt === undefined).map((s) => `${s.name} ${mib(lastRss(s))}`);
      console.log(`  ${((performance.now() - t0) / 1000).toFixed(0)} s: ${answeredCalls()} calls answered, ${unexpectedErrors()} unexpected errors; RSS ${rss.join(', ')}`);
    }, 10_000);
    const kill = db
      ? setTimeout(() => {
          console.log(`  ${((performance.now() - t0) / 1000).toFixed(0)} s: SIGKILL to ${servers[1]!.name} (primary and workers)`);
          void killServer(servers[1]!);
        }, (SECONDS * 1000) / 2)
      : undefined;
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => runClient(servers, pool, srp, c, endAt)));
    const callSeconds = (performance.now() - t0) / 1000;
    clearInterval(progress);
    clearInterval(sampler);
    clearTimeout(kill);
    sampleMemory(servers, t0);

    reportCalls(callSeconds);
    console.log('memory (VmRSS of the primary and its workers):');
    for (const s of servers) console.log(`  ${memoryLine(s)}`);
    let killedLeftovers = 0;
    if (db) {
      killedLeftovers = treeRss(servers[1]!.pid).processes;
      console.log(`  ${servers[1]!.name} after the kill: ${killedLeftovers} process(es) left`);
    }

    const survivor = servers.find((s) => s.killedAt === undefined)!;
    const { lost, errors } = await lostWrites(survivor, pool);
    const confirmed = acknowledged.filter((w) => w.confirmed).length;
    console.log(
      `lost writes: ${lost.length} of ${acknowledged.length} acknowledged sign-ups (${confirmed} confirmations), read back from ${survivor.name}` +
        (lost.length ? `: ${lost.slice(0, 10).join(', ')}` : ''),
    );
    if (errors.length) console.log(`read-back errors: ${errors.length} (${errors.slice(0, 5).join(', ')})`);

    const stops = await Promise.all(servers.filter((s) => s.killedAt === undefined).map(stopServer));
    const cleanStop = stops.every((code) => code === 0);
    if (!cleanStop) console.log(`a surviving server did not stop cleanly on SIGTERM: exit ${stops.join(', ')}`);

    const ok = unexpectedErrors() === 0 && lost.length === 0 && errors.length === 0 && killedLeftovers === 0 && cleanStop;
    console.log(ok ? 'ok: no unexpected error, no lost write' : 'FAIL');
    if (!ok) for (const s of servers) if (s.stderr().trim()) console.log(`${s.name} stderr (tail):\n${s.stderr().trim().split('\n').slice(-10).join('\n')}`);
    return ok ? 0 : 1;
  } finally {
    await srp.close();
    for (const idp of sdk.values()) idp.destroy();
    for (const s of servers) if (s.killedAt === undefined) await stopServer(s).catch(() => {});
    await db?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

process.exitCode = await main();
