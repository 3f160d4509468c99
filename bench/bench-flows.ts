// The load bench/run.ts puts on a server: a pool, an app client and one confirmed user made with the real SDK, then
// each flow in a closed loop (autocannon for the single-call flows; the two calls of an SRP sign-in from this
// process, the client's math by src/user-pools/srp.ts's client half); for the identity pools, GetId +
// GetCredentialsForIdentity from this process and /_cognate/authorize asked with one signed request (autocannon),
// next to a bare GET /health as the round trip's baseline.
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import {
  AdminConfirmSignUpCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { clientSignature, clientStart, srpTimestamp } from '../src/user-pools/srp.ts';
import { s3Path, signS3, uploadsPool } from '../test/support/identity-uploads.ts';

export const FLOWS = ['password', 'srp', 'refresh', 'getuser', 'health', 'identity', 'authorize'] as const;
export type Flow = (typeof FLOWS)[number];
export const FLOW_NAMES: Record<Flow, string> = {
  password: 'USER_PASSWORD_AUTH',
  srp: 'USER_SRP_AUTH (2 calls)',
  refresh: 'REFRESH_TOKEN_AUTH',
  getuser: 'GetUser',
  health: 'GET /health',
  identity: 'GetId+GetCredentialsForIdentity (2 calls)',
  authorize: '/_cognate/authorize decision',
};
/** The flows of the user pools (cognito-local has them; the others need an identity pool). */
export const USER_POOL_FLOWS: Flow[] = ['password', 'srp', 'refresh', 'getuser'];

export interface Load {
  /** Successful operations (an SRP sign-in is one, of two calls) and failed ones. */
  ops: number;
  errors: number;
  /** Operations the server was given: `ops`, the failed ones and those still in flight when the time was up. */
  sent: number;
  seconds: number;
  p50: number;
  p99: number;
}

export interface Fixture {
  url: string;
  poolId: string;
  clientId: string;
  /** The sign-in flows take these in turn: one user per connection, as many users signing in at once would. */
  usernames: string[];
  password: string;
  refreshToken: string;
  accessToken: string;
  /** An identity pool whose guests may write their own folder of bucket `uploads` (test/support/identity-uploads.ts). */
  identityPoolId?: string;
  /** The headers of one ask at /_cognate/authorize: a guest's signed PUT into its own folder. */
  authorizeHeaders?: Record<string, string>;
}

/** Adds the identity pool and one signed ask for the identity flows to `f`. */
export async function setUpIdentity(f: Fixture, credentials: { accessKeyId: string; secretAccessKey: string }): Promise<void> {
  const pool = await uploadsPool(f.url, credentials, 'us-east-1', 'bench');
  try {
    const guest = await pool.guest();
    const path = s3Path('uploads', `${guest.identityId}/bench.bin`);
    // The signature stays good for 15 minutes, longer than a flow: the same ask is sent again and again.
    const { host, ...signed } = await signS3('files.bench.test', guest.credentials, 'us-east-1', { method: 'PUT', path, body: 'bench' });
    delete signed['content-length'];
    f.identityPoolId = pool.poolId;
    f.authorizeHeaders = { ...signed, 'x-original-method': 'PUT', 'x-original-uri': path, 'x-original-host': host!, 'x-original-content-length': '5' };
  } finally {
    pool.destroy();
  }
}

/**
 * Creates a pool, a client and `users` confirmed users with the SDK (credentials: the server's admin key pair). One
 * user per connection: sixteen parallel sign-ins of one user would meet the lockout (each attempt is counted as a
 * failure until its password is checked), which is not what the bench measures.
 */
export async function setUp(url: string, credentials: { accessKeyId: string; secretAccessKey: string }, users: number): Promise<Fixture> {
  const idp = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: url, credentials, maxAttempts: 1 });
  try {
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
    const usernames = Array.from({ length: users }, (_, i) => `bench-user-${i}@example.com`); // emails: cognito-local's pools sign in by email
    const password = 'bench-password-1';
    for (const username of usernames) {
      await idp.send(new SignUpCommand({ ClientId: client.ClientId!, Username: username, Password: password }));
      await idp.send(new AdminConfirmSignUpCommand({ UserPoolId: pool.Id!, Username: username }));
    }
    const auth = await idp.send(
      new InitiateAuthCommand({ ClientId: client.ClientId!, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: usernames[0], PASSWORD: password } }),
    );
    const r = auth.AuthenticationResult!;
    return { url, poolId: pool.Id!, clientId: client.ClientId!, usernames, password, refreshToken: r.RefreshToken!, accessToken: r.AccessToken! };
  } finally {
    idp.destroy();
  }
}

/** Runs `flow` against the fixture's server with `connections` in flight for `seconds`. */
export async function runFlow(flow: Flow, f: Fixture, connections: number, seconds: number): Promise<Load> {
  switch (flow) {
    case 'password':
      return cannon(f.url, 'InitiateAuth', f.usernames.map((u) => ({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: f.clientId, AuthParameters: { USERNAME: u, PASSWORD: f.password } })), connections, seconds);
    case 'refresh':
      return cannon(f.url, 'InitiateAuth', [{ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: f.clientId, AuthParameters: { REFRESH_TOKEN: f.refreshToken } }], connections, seconds);
    case 'getuser':
      return cannon(f.url, 'GetUser', [{ AccessToken: f.accessToken }], connections, seconds);
    case 'srp':
      return loop(connections, seconds, srpSignIn(f));
    case 'health':
      return cannonAt(`${f.url}/health`, 'GET', {}, undefined, connections, seconds);
    case 'authorize':
      return cannonAt(`${f.url}/_cognate/authorize`, 'GET', f.authorizeHeaders!, undefined, connections, seconds);
    case 'identity':
      return loop(connections, seconds, async () => {
        const { IdentityId } = await call(f.url, 'GetId', { IdentityPoolId: f.identityPoolId }, IDENTITY);
        const { Credentials } = await call(f.url, 'GetCredentialsForIdentity', { IdentityId }, IDENTITY);
        if (!Credentials?.SessionToken) throw new Error('no credentials');
      });
  }
}

/** autocannon with `bodies` sent in turn. */
function cannon(url: string, target: string, bodies: unknown[], connections: number, seconds: number): Promise<Load> {
  const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${target}` };
  return cannonAt(url, 'POST', headers, bodies.map((b) => JSON.stringify(b)), connections, seconds);
}

/** autocannon: `method url` with `headers`, the `texts` (if any) as bodies in turn; only 2xx answers count as done. */
async function cannonAt(url: string, method: 'GET' | 'POST', headers: Record<string, string>, texts: string[] | undefined, connections: number, seconds: number): Promise<Load> {
  let next = 0;
  const r = await autocannon({
    url,
    method,
    connections,
    duration: seconds,
    headers,
    ...(texts ? { body: texts[0] } : {}),
    ...(texts && texts.length > 1 ? { requests: [{ setupRequest: (req: any) => ({ ...req, body: texts[next++ % texts.length] }) }] } : {}),
  });
  const errors = r.non2xx + r.errors + r.timeouts;
  return { ops: r.requests.total - r.non2xx, errors, sent: (r.requests as { sent?: number }).sent ?? r.requests.total, seconds: r.duration, p50: r.latency.p50, p99: r.latency.p99 };
}

/** Runs `fn` with `concurrency` in flight for `seconds`. */
async function loop(concurrency: number, seconds: number, fn: () => Promise<void>): Promise<Load> {
  const lat: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        await fn();
        lat.push(performance.now() - t);
      } catch {
        errors++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((lat.length * p) / 100))] ?? NaN;
  return { ops: lat.length, errors, sent: lat.length + errors, seconds: (performance.now() - t0) / 1000, p50: pct(50), p99: pct(99) };
}

const IDP = 'AWSCognitoIdentityProviderService';
const IDENTITY = 'AWSCognitoIdentityService';

async function call(url: string, target: string, body: unknown, prefix = IDP): Promise<any> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${prefix}.${target}` },
    body: JSON.stringify(body),
  });
  const j = await r.json();
  if (r.status !== 200) throw new Error(JSON.stringify(j));
  return j;
}

/**
 * One full SRP sign-in (InitiateAuth USER_SRP_AUTH + RespondToAuthChallenge PASSWORD_VERIFIER). The client's
 * SRP_A values are made beforehand (a few, reused in turn), so the load generator's share of the cores is two
 * exponentiations per sign-in (g^x and S, one of them with a 512-bit exponent) rather than three.
 */
export function srpSignIn(f: Fixture): () => Promise<void> {
  const starts = Array.from({ length: 32 }, () => clientStart(randomBytes(32)));
  let next = 0;
  return async () => {
    const i = next++;
    const { aHex, srpAHex } = starts[i % starts.length]!;
    const username = f.usernames[i % f.usernames.length]!;
    const ch = await call(f.url, 'InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: f.clientId, AuthParameters: { USERNAME: username, SRP_A: srpAHex } });
    const p = ch.ChallengeParameters;
    const timestamp = srpTimestamp(new Date());
    const sig = clientSignature({
      poolName: f.poolId.split('_')[1]!,
      userIdForSrp: p.USER_ID_FOR_SRP,
      password: f.password,
      saltHex: p.SALT,
      srpBHex: p.SRP_B,
      secretBlockB64: p.SECRET_BLOCK,
      timestamp,
      aHex,
      srpAHex,
    });
    const done = await call(f.url, 'RespondToAuthChallenge', {
      ChallengeName: 'PASSWORD_VERIFIER',
      ClientId: f.clientId,
      Session: ch.Session,
      ChallengeResponses: { USERNAME: p.USER_ID_FOR_SRP, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: sig, TIMESTAMP: timestamp },
    });
    if (!done.AuthenticationResult?.AccessToken) throw new Error('no tokens');
  };
}
