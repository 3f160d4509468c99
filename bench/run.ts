// Benchmarks, run on demand (`npm run bench`), never in `npm test`. Measures in one run on this machine:
// (a) raw argon2id verify rate at concurrency 2, (b) raw RS256 sign rate, (c) Cognate's sign-in flows and
// GetUser (throughput, p50/p99) and (d) the same flows on cognito-local where it supports them; prints ratios.
//   npm run bench -- [--duration 5] [--connections 4] [--no-cognito-local]
import autocannon from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { hash, verify, Algorithm } from '@node-rs/argon2';
import { SignJWT } from 'jose';
import {
  AdminConfirmSignUpCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { clientSignature, clientStart, srpTimestamp } from '../src/user-pools/srp.ts';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const DURATION = opt('duration', 5);
const CONNECTIONS = opt('connections', 4);
const WITH_COGNITO_LOCAL = !args.includes('--no-cognito-local');
const root = new URL('../', import.meta.url).pathname;

interface Result {
  rate: number;
  p50?: number;
  p99?: number;
  errors?: number;
}
const fmt = (r: Result) =>
  `${r.rate.toFixed(0).padStart(7)}/s` + (r.p50 !== undefined ? `  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99!.toFixed(1)} ms` : '') + (r.errors ? `  (${r.errors} errors)` : '');

/** Runs `fn` with `concurrency` in flight for `seconds`; returns the rate and latency percentiles. */
async function loop(concurrency: number, seconds: number, fn: () => Promise<void>): Promise<Result> {
  const lat: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        await fn();
      } catch {
        errors++;
      }
      lat.push(performance.now() - t);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const took = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((lat.length * p) / 100))] ?? 0;
  return { rate: (lat.length - errors) / took, p50: pct(50), p99: pct(99), errors };
}

async function cannon(url: string, body: string, target: string): Promise<Result> {
  const r = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${target}` },
    body,
  });
  const errors = r.non2xx + r.errors;
  return { rate: (r.requests.total - errors) / DURATION, p50: r.latency.p50, p99: r.latency.p99, errors };
}

function startServer(cmd: string, argv: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; out: () => string }> {
  const child = spawn(cmd, argv, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60000);
    child.stdout!.on('data', () => {
      if (ready.test(out)) {
        clearTimeout(t);
        resolve({ child, out: () => out });
      }
    });
    child.on('exit', (c) => reject(new Error(`server exited ${c}:\n${out}`)));
  });
}

interface Target {
  name: string;
  url: string;
  srp: boolean;
}

/** Creates a pool, a client and a confirmed user; returns what the flows need. */
async function setUp(t: Target) {
  const idp = new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint: t.url,
    credentials: { accessKeyId: 'AKIABENCH0000000000', secretAccessKey: 'bench' },
  });
  const pool = (
    await idp.send(
      new CreateUserPoolCommand({
        PoolName: 'bench',
        Policies: { PasswordPolicy: { MinimumLength: 8, RequireLowercase: false, RequireUppercase: false, RequireNumbers: false, RequireSymbols: false } },
      }),
    )
  ).UserPool!;
  const client = (
    await idp.send(
      new CreateUserPoolClientCommand({
        UserPoolId: pool.Id!,
        ClientName: 'bench',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    )
  ).UserPoolClient!;
  const username = 'bench-user@example.com'; // an email: cognito-local's pools sign in by email
  const password = 'bench-password-1';
  await idp.send(new SignUpCommand({ ClientId: client.ClientId!, Username: username, Password: password }));
  await idp.send(new AdminConfirmSignUpCommand({ UserPoolId: pool.Id!, Username: username }));
  const auth = await idp.send(
    new InitiateAuthCommand({ ClientId: client.ClientId!, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
  );
  idp.destroy();
  return { poolId: pool.Id!, clientId: client.ClientId!, username, password, result: auth.AuthenticationResult! };
}

async function call(url: string, target: string, body: unknown): Promise<any> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${target}` },
    body: JSON.stringify(body),
  });
  const j = await r.json();
  if (r.status !== 200) throw new Error(JSON.stringify(j));
  return j;
}

/** One full SRP sign-in (InitiateAuth USER_SRP_AUTH + RespondToAuthChallenge PASSWORD_VERIFIER). */
async function srpSignIn(url: string, s: Awaited<ReturnType<typeof setUp>>): Promise<void> {
  const { randomBytes } = await import('node:crypto');
  const { aHex, srpAHex } = clientStart(randomBytes(32));
  const ch = await call(url, 'InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: s.clientId, AuthParameters: { USERNAME: s.username, SRP_A: srpAHex } });
  const p = ch.ChallengeParameters;
  const timestamp = srpTimestamp(new Date());
  const sig = clientSignature({
    poolName: s.poolId.split('_')[1]!,
    userIdForSrp: p.USER_ID_FOR_SRP,
    password: s.password,
    saltHex: p.SALT,
    srpBHex: p.SRP_B,
    secretBlockB64: p.SECRET_BLOCK,
    timestamp,
    aHex,
    srpAHex,
  });
  const done = await call(url, 'RespondToAuthChallenge', {
    ChallengeName: 'PASSWORD_VERIFIER',
    ClientId: s.clientId,
    Session: ch.Session,
    ChallengeResponses: { USERNAME: p.USER_ID_FOR_SRP, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: sig, TIMESTAMP: timestamp },
  });
  if (!done.AuthenticationResult?.AccessToken) throw new Error('no tokens');
}

async function measureFlows(t: Target): Promise<Record<string, Result | undefined>> {
  const s = await setUp(t);
  const out: Record<string, Result | undefined> = {};
  out.password = await cannon(
    t.url,
    JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: s.clientId, AuthParameters: { USERNAME: s.username, PASSWORD: s.password } }),
    'InitiateAuth',
  );
  out.refresh = await cannon(
    t.url,
    JSON.stringify({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: s.clientId, AuthParameters: { REFRESH_TOKEN: s.result.RefreshToken } }),
    'InitiateAuth',
  );
  out.getUser = await cannon(t.url, JSON.stringify({ AccessToken: s.result.AccessToken }), 'GetUser');
  if (t.srp) {
    await srpSignIn(t.url, s); // fails loudly if the flow is broken
    out.srp = await loop(CONNECTIONS, DURATION, () => srpSignIn(t.url, s));
  }
  return out;
}

async function main() {
  console.log(`Cognate bench: ${DURATION} s per measurement, ${CONNECTIONS} connections, node ${process.version}, ${(await import('node:os')).cpus().length} cores\n`);

  // (a) raw argon2id verify at concurrency 2, with the parameters Cognate uses.
  const params = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
  const h = await hash('bench-password-1', params);
  const argon = await loop(2, DURATION, async () => {
    if (!(await verify(h, 'bench-password-1'))) throw new Error('verify');
  });
  console.log(`(a) raw argon2id verify, concurrency 2: ${fmt(argon)}`);

  // (b) raw RS256 sign rate (jose with a KeyObject, as Cognate signs).
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rs = await loop(1, DURATION, async () => {
    await new SignJWT({ sub: 'x', token_use: 'access' }).setProtectedHeader({ alg: 'RS256', kid: 'k' }).sign(privateKey);
  });
  console.log(`(b) raw RS256 sign, one thread:         ${fmt(rs)}\n`);

  // (c) Cognate, as `npm start` runs it (its own process, SQLite in a temp dir).
  const dir = mkdtempSync(join(tmpdir(), 'cognate-bench-'));
  const cognate = await startServer(process.execPath, ['--import', 'tsx', 'src/main.ts', '--port', '19330', '--data-dir', dir, '--dev'], { COGNATE_LOG_LEVEL: 'error' }, /listening/);
  let ours: Record<string, Result | undefined>;
  try {
    ours = await measureFlows({ name: 'cognate', url: 'http://127.0.0.1:19330', srp: true });
  } finally {
    cognate.child.kill('SIGTERM');
  }
  console.log('(c) Cognate');
  for (const [k, v] of Object.entries(ours)) if (v) console.log(`    ${k.padEnd(9)} ${fmt(v)}`);

  // (d) cognito-local, installed on demand into .tmp/bench (not a project dependency).
  let theirs: Record<string, Result | undefined> | undefined;
  if (WITH_COGNITO_LOCAL) {
    const prefix = join(root, '.tmp/bench');
    const bin = join(prefix, 'node_modules/.bin/cognito-local');
    if (!existsSync(bin)) {
      mkdirSync(prefix, { recursive: true });
      console.log('\ninstalling cognito-local into .tmp/bench …');
      const r = spawnSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', 'cognito-local@5'], { stdio: 'inherit' });
      if (r.status !== 0) console.log('could not install cognito-local; skipping (d)');
    }
    if (existsSync(bin)) {
      const cwd = mkdtempSync(join(tmpdir(), 'cognito-local-'));
      const child = spawn(bin, [], { cwd, env: { ...process.env, PORT: '19229', HOST: '127.0.0.1', DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (out += d));
      for (let i = 0; i < 100 && !/started on|127\.0\.0\.1:19229|listening/i.test(out); i++) await new Promise((r) => setTimeout(r, 200));
      try {
        theirs = await measureFlows({ name: 'cognito-local', url: 'http://127.0.0.1:19229', srp: false });
        console.log('\n(d) cognito-local 5 (no USER_SRP_AUTH support)');
        for (const [k, v] of Object.entries(theirs)) if (v) console.log(`    ${k.padEnd(9)} ${fmt(v)}`);
      } catch (e) {
        console.log(`\n(d) cognito-local failed: ${(e as Error).message.split('\n')[0]}`);
      } finally {
        child.kill('SIGTERM');
      }
    }
  }

  console.log('\nRatios');
  console.log(`  password sign-in / raw argon2id verify (a):  ${(ours.password!.rate / argon.rate).toFixed(2)}   target >= 0.85`);
  console.log(`  full SRP sign-ins per second:                ${ours.srp!.rate.toFixed(0)}   target >= 400 (client maths run on the same 2 cores)`);
  console.log(`  refresh per second:                          ${ours.refresh!.rate.toFixed(0)}   target >= 3000 (each mints 2 RS256 tokens; raw sign (b) ${rs.rate.toFixed(0)}/s per thread)`);
  console.log(`  GetUser per second:                          ${ours.getUser!.rate.toFixed(0)}   target >= 8000`);
  if (theirs) {
    for (const k of ['password', 'refresh', 'getUser'] as const)
      if (theirs[k] && theirs[k]!.rate > 0) console.log(`  ${k.padEnd(9)} Cognate / cognito-local:      ${(ours[k]!.rate / theirs[k]!.rate).toFixed(1)}x`);
  }
}

await main();
