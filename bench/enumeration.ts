// User enumeration by latency, with PreventUserExistenceErrors ENABLED: a wrong password for a real user against the
// same for a name nobody has, through the AWS SDK against the real server process (SQLite in a temp dir, one worker).
// Samples are interleaved (each pair in a random order) so that load from anything else on the machine falls on
// both alike; every user and unknown name is tried once per flow, so none reaches the lockout. Prints the median,
// mean and 5%-trimmed mean of each, their ratios (real / unknown) and the median of the ratios within pairs (goal
// 0.95–1.05 for all but the plain mean, which one pause of a loaded machine moves) for:
//   password  InitiateAuth USER_PASSWORD_AUTH, wrong password
//   srp-1     InitiateAuth USER_SRP_AUTH (round 1: SALT, SRP_B)
//   srp-2     RespondToAuthChallenge PASSWORD_VERIFIER with a proof of a wrong password
//   forgot    ForgotPassword (a user with a verified email, who gets a code, against a name nobody has)
//   node --import tsx bench/enumeration.ts [--samples 200] [--warmup 20] [--settle 10] [--pool username|alias|email]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminConfirmSignUpCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  type CreateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { clientSignature, clientStart, srpTimestamp } from '../src/user-pools/srp.ts';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const SAMPLES = Number(opt('samples', '200'));
const WARMUP = Number(opt('warmup', '20'));
/** Pause after each request, so that work a request leaves behind (ForgotPassword stores and sends a user's code after
 * its answer) does not land on the next sample; 0 measures that spill-over too. */
const SETTLE_MS = Number(opt('settle', '10'));
const settle = () => new Promise((r) => setTimeout(r, SETTLE_MS));
const POOL = opt('pool', 'username') as 'username' | 'alias' | 'email';
const PORT = 19331;
const URL_ = `http://127.0.0.1:${PORT}`;
const root = new URL('../', import.meta.url).pathname;
const PASSWORD = 'bench-password-1';
const WRONG = 'wrong-password-1';

const POOLS: Record<typeof POOL, Partial<CreateUserPoolCommandInput>> = {
  username: {},
  alias: { AliasAttributes: ['email'] },
  email: { UsernameAttributes: ['email'] },
};

function startServer(dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--port', String(PORT), '--data-dir', dir, '--dev', '--workers', '1'], {
    cwd: root,
    env: { ...process.env, COGNATE_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      if (/listening/.test(out)) {
        clearTimeout(t);
        resolve(child);
      }
    });
    child.on('exit', (c) => reject(new Error(`server exited ${c}:\n${out}`)));
  });
}

const idp = new CognitoIdentityProviderClient({
  region: 'us-east-1',
  endpoint: URL_,
  credentials: { accessKeyId: 'AKIABENCH0000000000', secretAccessKey: 'bench' }, // --dev: any key
  maxAttempts: 1,
});

/** The name user i signs in with, and the unknown name of the same form. */
const names = (i: number) =>
  POOL === 'username'
    ? { real: `bench-user-${i}`, unknown: `bench-nobody-${i}` }
    : { real: `bench-user-${i}@example.com`, unknown: `bench-nobody-${i}@example.com` };

async function setUp(n: number): Promise<{ poolId: string; clientId: string }> {
  const pool = (
    await idp.send(
      new CreateUserPoolCommand({
        PoolName: 'enumeration',
        Policies: { PasswordPolicy: { MinimumLength: 8, RequireLowercase: false, RequireUppercase: false, RequireNumbers: false, RequireSymbols: false } },
        ...POOLS[POOL],
      }),
    )
  ).UserPool!;
  const client = (
    await idp.send(
      new CreateUserPoolClientCommand({
        UserPoolId: pool.Id!,
        ClientName: 'hiding',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        PreventUserExistenceErrors: 'ENABLED',
      }),
    )
  ).UserPoolClient!;
  for (let i = 0; i < n; i++) {
    const email = `bench-user-${i}@example.com`;
    const Username = POOL === 'alias' ? `bench-user-${i}` : names(i).real;
    await idp.send(new SignUpCommand({ ClientId: client.ClientId!, Username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }));
    await idp.send(new AdminConfirmSignUpCommand({ UserPoolId: pool.Id!, Username }));
    // Verified: an email alias signs in only then, and ForgotPassword sends the code there.
    await idp.send(new AdminUpdateUserAttributesCommand({ UserPoolId: pool.Id!, Username, UserAttributes: [{ Name: 'email_verified', Value: 'true' }] }));
  }
  return { poolId: pool.Id!, clientId: client.ClientId! };
}

/** Milliseconds one call takes to fail with NotAuthorizedException "Incorrect username or password.". */
async function timeFailure(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  try {
    await fn();
  } catch (e) {
    const ms = performance.now() - t;
    const err = e as Error;
    if (err.name !== 'NotAuthorizedException' || err.message !== 'Incorrect username or password.') throw new Error(`unexpected answer: ${err.name}: ${err.message}`);
    await settle();
    return ms;
  }
  throw new Error('the wrong password was accepted');
}

async function timeSuccess(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  const ms = performance.now() - t;
  await settle();
  return ms;
}

type Kind = 'real' | 'unknown';
type Series = Record<Kind, number[]>;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'cognate-enum-'));
  const server = await startServer(dir);
  try {
    console.log(`Enumeration by latency: ${SAMPLES} interleaved samples per flow, ${POOL} pool, node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
    const total = SAMPLES + WARMUP;
    const t0 = performance.now();
    const { poolId, clientId } = await setUp(total);
    console.log(`set-up: ${total} users in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const poolName = poolId.slice(poolId.indexOf('_') + 1);

    const password = (name: string) => () =>
      timeFailure(() => idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: name, PASSWORD: WRONG } })));
    // SRP: round 1 timed on its own, then round 2 with a proof of the wrong password.
    const srp = (name: string) => async (): Promise<[number, number]> => {
      const { aHex, srpAHex } = clientStart(randomBytes(32));
      let first!: InitiateAuthCommandOutput;
      const r1 = await timeSuccess(async () => {
        first = await idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: name, SRP_A: srpAHex } }));
      });
      const p = first.ChallengeParameters!;
      const timestamp = srpTimestamp(new Date());
      const signature = clientSignature({
        poolName,
        userIdForSrp: p.USER_ID_FOR_SRP!,
        password: WRONG,
        saltHex: p.SALT!,
        srpBHex: p.SRP_B!,
        secretBlockB64: p.SECRET_BLOCK!,
        timestamp,
        aHex,
        srpAHex,
      });
      const r2 = await timeFailure(() =>
        idp.send(
          new RespondToAuthChallengeCommand({
            ClientId: clientId,
            ChallengeName: 'PASSWORD_VERIFIER',
            ChallengeResponses: { USERNAME: p.USER_ID_FOR_SRP!, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK!, PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP: timestamp },
          }),
        ),
      );
      return [r1, r2];
    };

    const forgot = (name: string) => () => timeSuccess(() => idp.send(new ForgotPasswordCommand({ ClientId: clientId, Username: name })));

    const series = {
      password: { real: [], unknown: [] } as Series,
      'srp-1': { real: [], unknown: [] } as Series,
      'srp-2': { real: [], unknown: [] } as Series,
      forgot: { real: [], unknown: [] } as Series,
    };
    for (let i = 0; i < total; i++) {
      const n = names(i);
      const order: Kind[] = Math.random() < 0.5 ? ['real', 'unknown'] : ['unknown', 'real'];
      const keep = i >= WARMUP;
      for (const kind of order) {
        const ms = await password(n[kind])();
        if (keep) series.password[kind].push(ms);
      }
      for (const kind of order) {
        const [r1, r2] = await srp(n[kind])();
        if (keep) {
          series['srp-1'][kind].push(r1);
          series['srp-2'][kind].push(r2);
        }
      }
      for (const kind of order) {
        const ms = await forgot(n[kind])();
        if (keep) series.forgot[kind].push(ms);
      }
    }

    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const m = s.length >> 1;
      return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
    };
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // The mean without the slowest and fastest 5%: a pause of the machine (other processes, GC) lands on one sample
    // and moves a plain mean by more than the difference sought.
    const trimmed = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const cut = Math.floor(s.length * 0.05);
      return mean(s.slice(cut, s.length - cut));
    };
    const f = (x: number) => x.toFixed(2).padStart(6);
    const r = (x: number) => x.toFixed(3).padStart(7);
    // Paired: the median of real_i / unknown_i over the pairs, each pair measured back to back under the same load.
    const paired = (s: Series) => median(s.real.map((x, i) => x / s.unknown[i]!));
    console.log('            real: median   mean  trim.    unknown: median   mean  trim.    real/unknown: median    mean   trim.  paired');
    let ok = true;
    for (const [flow, s] of Object.entries(series)) {
      const [rm, ra, rt, rp] = [median(s.real) / median(s.unknown), mean(s.real) / mean(s.unknown), trimmed(s.real) / trimmed(s.unknown), paired(s)];
      if (![rm, rt, rp].every((x) => x >= 0.95 && x <= 1.05)) ok = false;
      console.log(
        `${flow.padEnd(9)} ${f(median(s.real))} ${f(mean(s.real))} ${f(trimmed(s.real))} ms   ${f(median(s.unknown))} ${f(mean(s.unknown))} ${f(trimmed(s.unknown))} ms   ${r(rm)} ${r(ra)} ${r(rt)} ${r(rp)}`,
      );
    }
    console.log(ok ? '\nevery median, trimmed-mean and paired ratio within 0.95–1.05' : '\nSOME MEDIAN, TRIMMED-MEAN OR PAIRED RATIO OUTSIDE 0.95–1.05');
  } finally {
    idp.destroy();
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
