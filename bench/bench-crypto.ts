// The crypto cost of each flow, measured in the bench's own process: CPU milliseconds per primitive (user + system
// time over a run of sequential calls, so other load on the machine inflates it less than wall time would), with
// the parameters the server uses. bench/run.ts divides the server's CPU per operation by these.
import { createDiffieHellman, createPrivateKey, generateKeyPairSync, randomBytes, sign, timingSafeEqual, verify } from 'node:crypto';
import { Algorithm, hash, verify as argonVerify } from '@node-rs/argon2';
import { SRP_N_HEX } from '../src/user-pools/srp.ts';
import { amzDateOf, computeSignature } from '../src/protocol/sigv4.ts';
import { credentialAuthority } from '../src/identity-pools/credentials.ts';
import { cryptoRandom } from '../src/runtime/random.ts';
import { systemClock } from '../src/runtime/clock.ts';

export interface CryptoCosts {
  /** One argon2id verify (19 MiB, t=2, p=1), as src/runtime/hashing.ts. */
  argon2Verify: number;
  /** One 3072-bit modular exponentiation with a 256-bit exponent, as src/user-pools/srp.ts (node:crypto DH). */
  modexp: number;
  /** One RS256 signature / verification with a 2048-bit key (src/tokens/keys.ts), over a token-sized input. */
  rs256Sign: number;
  rs256Verify: number;
  /** One SigV4 verification on node:crypto, its signing key derived afresh (4 HMACs), of an s3 PUT as an app signs it. */
  sigv4Verify: number;
  /** Issuing identity credentials (AES-256-GCM sealing the session token, an HMAC for the secret) and opening them. */
  credentialIssue: number;
  credentialOpen: number;
}

/** CPU ms per call of `fn`, over at least `ms` of wall time (and at least 5 calls). */
async function cpuPerCall(ms: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  await fn(); // warm
  const c0 = process.cpuUsage();
  const end = performance.now() + ms;
  let n = 0;
  while (n < 5 || performance.now() < end) {
    await fn();
    n++;
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / n;
}

export async function measureCryptoCosts(ms = 1000): Promise<CryptoCosts> {
  const params = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
  const h = await hash('bench-password-1', params);
  const argon2Verify = await cpuPerCall(ms, async () => {
    if (!(await argonVerify(h, 'bench-password-1'))) throw new Error('argon2 verify');
  });

  // The server's three: g^b (round 1), v^u and (A·v^u)^b (round 2); b and u are 32 bytes. One DH object per
  // exponentiation over the standard group, as modPowN does.
  const N = Buffer.from(SRP_N_HEX, 'hex');
  const G = Buffer.from('02', 'hex');
  const base = createDiffieHellman(N, G);
  base.setPrivateKey(randomBytes(32));
  const peer = base.generateKeys();
  const modexp = await cpuPerCall(ms, () => {
    const dh = createDiffieHellman(N, G);
    dh.setPrivateKey(randomBytes(32));
    return dh.computeSecret(peer);
  });

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const input = Buffer.from('e'.repeat(900)); // header.payload of an access token: ~900 characters
  const sig = sign('sha256', input, key);
  const rs256Sign = await cpuPerCall(ms, () => sign('sha256', input, key));
  const rs256Verify = await cpuPerCall(ms, () => {
    if (!verify('sha256', input, publicKey, sig)) throw new Error('rs256 verify');
  });

  const authority = credentialAuthority(randomBytes(32), cryptoRandom, systemClock);
  const claims = { roleArn: 'arn:aws:iam::123456789012:role/bench-guest', roleId: 'AROA0000000000000000', identityId: 'us-east-1:00000000-0000-4000-8000-000000000000', roleSessionName: 'CognitoIdentityCredentials', keys: { 'cognito-identity.amazonaws.com:sub': 'us-east-1:00000000-0000-4000-8000-000000000000' } };
  const issued = authority.issue(claims, 3600);
  const credentialIssue = await cpuPerCall(ms, () => authority.issue(claims, 3600));
  const credentialOpen = await cpuPerCall(ms, () => {
    if (!authority.resolve(issued.AccessKeyId, issued.SessionToken)) throw new Error('open');
  });
  const amzDate = amzDateOf(Date.now());
  const headers = { host: 'files.bench.test', 'content-length': '5', 'x-amz-content-sha256': 'f'.repeat(64), 'x-amz-date': amzDate, 'x-amz-security-token': issued.SessionToken };
  const req = { method: 'PUT', path: '/uploads/us-east-1%3A00000000-0000-4000-8000-000000000000/bench.bin', query: '', headers, body: Buffer.alloc(0) };
  const signature = { secretAccessKey: issued.SecretKey, amzDate, region: 'us-east-1', service: 's3', signedHeaders: Object.keys(headers).sort().join(';'), payloadHash: headers['x-amz-content-sha256'], s3Path: true };
  const good = computeSignature(req, signature);
  const sigv4Verify = await cpuPerCall(ms, () => {
    if (!timingSafeEqual(computeSignature(req, signature), good)) throw new Error('sigv4');
  });
  return { argon2Verify, modexp, rs256Sign, rs256Verify, sigv4Verify, credentialIssue, credentialOpen };
}

/** The crypto each flow cannot avoid, in CPU ms, and how it is made up. */
export function flowCryptoCost(flow: string, c: CryptoCosts): { ms: number; what: string } {
  switch (flow) {
    case 'password':
      return { ms: c.argon2Verify + 2 * c.rs256Sign, what: 'argon2id verify + 2 RS256 sign' };
    case 'srp':
      return { ms: 3 * c.modexp + 2 * c.rs256Sign, what: '3 modexp-3072 + 2 RS256 sign' };
    case 'refresh':
      return { ms: 2 * c.rs256Sign, what: '2 RS256 sign' };
    case 'getuser':
      return { ms: c.rs256Verify, what: '1 RS256 verify' };
    case 'health':
      return { ms: NaN, what: 'none' };
    case 'identity':
      return { ms: c.credentialIssue, what: 'issue credentials (AES-256-GCM seal + HMAC)' };
    case 'authorize':
      return { ms: c.sigv4Verify + c.credentialOpen, what: 'SigV4 verify, key derived (6 HMAC + SHA-256) + open credentials (AES-256-GCM + HMAC)' };
    default:
      throw new Error(`no crypto cost for ${flow}`);
  }
}
